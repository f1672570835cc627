"""Page metadata: headlines without the site's name, bylines that name people, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from normalizer.page_meta import page_meta
from normalizer.safexml import parse_html
from normalizer.text import author_name


def _meta(head: str, body: str = "<p>Text.</p>") -> object:
    return page_meta(parse_html(f"<html><head>{head}</head><body>{body}</body></html>".encode(), "p.html"))


@pytest.mark.parametrize(
    ("title", "h1", "site", "headline"),
    [
        (
            "习近平为青年工作指明方向--时政--人民网",
            "习近平为青年工作指明方向",
            None,
            "习近平为青年工作指明方向",
        ),
        ("宮崎県で震度５弱：朝日新聞デジタル", "宮崎県で震度５弱", None, "宮崎県で震度５弱"),
        (
            "Pipeline protest grows | Dakota Access pipeline",
            "Pipeline protest grows",
            None,
            "Pipeline protest grows",
        ),
        ("Storm closes ports - Coastal News", "Ports closed", "Coastal News", "Storm closes ports"),
        (
            "A headline: with a colon inside",
            "A headline: with a colon inside",
            None,
            "A headline: with a colon inside",
        ),
    ],
)
def test_the_headline_loses_the_sites_name(title: str, h1: str, site: str | None, headline: str) -> None:
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    meta = _meta(f'<meta property="og:title" content="{title}">{site_meta}', f"<h1>{h1}</h1><p>Text.</p>")
    assert meta.title == headline  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("author", "byline"),
    [
        ("By ", None),
        ("105092", None),
        ("Par Sébastien Farcis", "Sébastien Farcis"),
        ("Von: Simone Jung", "Simone Jung"),
        ("Ross Dunsmuir5 Min Read", "Ross Dunsmuir"),
        ("Salzburger Nachrichten", "Salzburger Nachrichten"),  # a site signing its own story
    ],
)
def test_a_byline_names_people(author: str, byline: str | None) -> None:
    assert _meta(f'<meta name="author" content="{author}">').byline == byline  # type: ignore[attr-defined]


def test_a_page_without_a_date_in_its_metadata_gets_htmldates() -> None:
    body = '<p>Published <time datetime="2024-05-14T09:00:00">14 May</time>.</p><p>Text of the story.</p>'
    meta = _meta("<title>A story</title>", body)
    assert meta.published == datetime(2024, 5, 14, tzinfo=UTC)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("redazione@x.it (Angela Leucci)", "Angela Leucci"),
        ("Angela Leucci <redazione@x.it>", "Angela Leucci"),
        ("Jane Doe", "Jane Doe"),
        ("desk@example.org", "desk@example.org"),
    ],
)
def test_rss_authors_give_their_names(given: str, name: str) -> None:
    assert author_name(given) == name
