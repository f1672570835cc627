"""The article text newsnorm's clean path gives for a page, for the shared scorer:

.venv/bin/python ../shared/eval/score_extraction.py --callable scripts.page_text:article_text
"""

from __future__ import annotations

from feeds.readers.page import read_html_page
from normalizer.clean import Cleaner
from normalizer.errors import InputError
from normalizer.model import Article

_CLEANER = Cleaner.default()


def article_text(page: str, url: str) -> str:
    """The cleaned body of a page ("" when it has none)."""
    try:
        (raw,) = read_html_page(page.encode("utf-8"), url or "page.html")
    except InputError:
        return ""
    article = _CLEANER.clean(raw)
    return article.body if isinstance(article, Article) else ""
