"""Scores of pages against fundus's expectations: title, byline, date and body.

Used by ``tests/test_fundus.py`` (floors per language, over the pages copied into
``fixtures/fundus/``) and by ``scripts/fundus_eval.py`` (every page of the shared
corpus, printed by language). Per page: the title equal to fundus's; the byline
naming the same people; the published date on the same day (in the page's own
time zone); the body's 4-gram precision and recall against fundus's lead and
paragraphs, with the metric of ``score_extraction.py`` (``\\w+`` tokens). The
language is the page's own ``lang`` (its primary subtag), else the country folder.
"""

from __future__ import annotations

import collections
import gzip
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from feeds.readers.page import read_html_page
from normalizer.clean import Cleaner
from normalizer.errors import InputError
from normalizer.model import Article

_NAME_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|&|、|・)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """One fundus page with what it should give."""

    country: str
    name: str
    html: bytes
    url: str
    expected: dict[str, object]


def _literal(value: object) -> object:
    """fundus writes lists and dicts as Python literals inside JSON strings."""
    if isinstance(value, str) and value[:1] in "[{":
        import ast

        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def load_pages(root: Path) -> list[Page]:
    pages = []
    for country in sorted(p for p in root.iterdir() if p.is_dir()):
        meta_file = country / "meta.info"
        meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
        for expected_file in sorted(country.glob("*.json")):
            publisher = expected_file.stem
            versions = json.loads(expected_file.read_text("utf-8"))
            htmls = sorted(country.glob(f"{publisher}_*.html.gz"))
            for html_file, version in zip(htmls, sorted(versions), strict=False):
                expected = {k: _literal(v) for k, v in versions[version].items()}
                url = meta.get(html_file.name, {}).get("url", "")
                pages.append(
                    Page(country.name, html_file.name, gzip.decompress(html_file.read_bytes()), url, expected)
                )
    return pages


def _tokens(text: str) -> collections.Counter[tuple[str, ...]]:
    words = re.findall(r"\w+", text or "")
    if not words:
        return collections.Counter()
    if len(words) < 4:
        return collections.Counter([tuple(words)])
    return collections.Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def body_scores(truth: str, predicted: str | None) -> tuple[float | None, float]:
    """Precision (None without output) and recall of 4-grams, as score_extraction.py."""
    t, p = _tokens(truth), _tokens(predicted or "")
    tp, fp, fn = sum((t & p).values()), sum((p - t).values()), sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else None), (tp / (tp + fn) if tp + fn else 1.0)


def _truth(expected: dict[str, object]) -> str:
    body = expected.get("body")
    if not isinstance(body, dict):
        return ""
    parts = [str(p) for p in body.get("summary") or []]
    for section in body.get("sections") or []:
        parts += [str(h) for h in section.get("headline") or []]
        parts += [str(p) for p in section.get("paragraphs") or []]
    return "\n\n".join(parts)


def _names(value: str) -> set[str]:
    return {" ".join(n.split()).casefold() for n in _NAME_SPLIT.split(value or "") if n.strip()}


def _same_day(found: datetime | None, expected: object) -> bool | None:
    if not isinstance(expected, str) or not expected:
        return None
    try:
        moment = datetime.fromisoformat(expected)
    except ValueError:
        return None
    if found is None:
        return False
    if moment.tzinfo and found.tzinfo:
        found = found.astimezone(moment.tzinfo)
    return found.date() == moment.date()


def _language(html: bytes, country: str) -> str:
    found = re.search(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", html[:4096], re.IGNORECASE)
    return found.group(1).decode().lower() if found else country


def _article(page: Page, cleaner: Cleaner) -> Article | None:
    try:
        (raw,) = read_html_page(page.html, page.url or page.name)
    except InputError:
        return None
    cleaned = cleaner.clean(raw)
    return cleaned if isinstance(cleaned, Article) else None


def score_page(page: Page, cleaner: Cleaner) -> dict[str, object]:
    """One page's row: what matched, and what was found against what was expected."""
    article = _article(page, cleaner)
    expected = page.expected
    title = str(expected.get("title") or "")
    authors = expected.get("authors") or []
    names = {" ".join(str(a).split()).casefold() for a in authors} if isinstance(authors, list) else set()
    precision, recall = body_scores(_truth(expected), article.body if article else None)
    return {
        "page": f"{page.country}/{page.name}",
        "language": _language(page.html, page.country),
        "title": article is not None and " ".join(article.title.split()) == " ".join(title.split()),
        "byline": (article is not None and _names(article.byline or "") == names) if names else None,
        "date": _same_day(article.published if article else None, expected.get("publishing_date")),
        "precision": precision,
        "recall": recall,
        "found_title": article.title if article else None,
        "expected_title": title,
        "found_byline": article.byline if article else None,
        "expected_authors": sorted(names),
    }


def by_language(rows: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    """The rows of each language."""
    groups: dict[str, list[dict[str, object]]] = collections.defaultdict(list)
    for row in rows:
        groups[str(row["language"])].append(row)
    return dict(groups)


def summarise(rows: list[dict[str, object]]) -> dict[str, float | int]:
    """Title and byline exact, date same day (each over the pages that have one), body F1."""

    def share(key: str) -> float:
        known = [r[key] for r in rows if r[key] is not None]
        return sum(1 for v in known if v) / len(known) if known else float("nan")

    precisions = [float(r["precision"]) for r in rows if r["precision"] is not None]  # type: ignore[arg-type]
    recalls = [float(r["recall"]) for r in rows]  # type: ignore[arg-type]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return {
        "pages": len(rows),
        "title": share("title"),
        "byline": share("byline"),
        "date": share("date"),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
    }
