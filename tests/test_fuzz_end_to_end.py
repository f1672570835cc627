"""An end-to-end fuzz run: generated and mutated documents through every stage an
untrusted source reaches, ingest -> store -> emit -> serve.

Each example is a few documents (JSON Feed, ninjs, RSS, Atom and pages built from
hostile text: lone surrogates, control characters, markup, far dates, odd language
tags; and byte-mutated corpus files), ingested into a new store. Whatever they hold:
an input is stored or rejected with newsnorm's own error, never a traceback; the
emitted feed (whole, collapsed and changed-only) validates; and the served feed and
cluster view answer 200. ``FUZZ_E2E_EXAMPLES`` sets the size (CI: about a minute).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.publish.atom import FeedPart, atom_bytes, feed_info
from feeds.publish.serve import ServeConfig, make_app
from feeds.publish.validate import validate_atom
from feeds.readers import read_entries
from normalizer.errors import InputError
from normalizer.pipeline import Pipeline
from normalizer.settings import Settings
from normalizer.store import open_store

from .test_fuzz import mutated

EXAMPLES = int(os.environ.get("FUZZ_E2E_EXAMPLES", "40"))
NOW = datetime(2026, 1, 1, tzinfo=UTC)

# Text a hostile source may send: any character, and the ones that broke things.
_NASTY = st.sampled_from(["\ud800", "\udfff", "\x00", "\x07", "\x1b", "\ufffe", "\u2028", "<", "&", "]"])
_TEXT = st.text(st.one_of(st.characters(), _NASTY), max_size=60)
_WORDS = st.lists(
    st.sampled_from(["the", "talks", "resume", "on", "monday", "said", "officials", "in", "the", "capital"]),
    min_size=0,
    max_size=60,
)
_DATE = st.sampled_from(
    [
        "2024-05-14T08:00:00Z",
        "9999-12-31T23:59:59-05:00",
        "00010101T000000+0500",
        "0000-00-00",
        "",
        "yesterday",
    ]
)
_LANGUAGE = st.one_of(_TEXT, st.sampled_from(["en", "ru-RU", "zh_Hant", "x-klingon", "en\x01", "i-default"]))
_URL = st.one_of(
    _TEXT,
    st.sampled_from(
        ["https://x.example/a", "http://[::1/x", "javascript:alert(1)", "//x", "https://u:p@h/?token=1"]
    ),
)


@st.composite
def _body(draw: st.DrawFn) -> str:
    return " ".join(draw(_WORDS)) + draw(_TEXT)


@st.composite
def json_feed(draw: st.DrawFn) -> bytes:
    items = [
        {"id": draw(_TEXT), "title": draw(_TEXT), "url": draw(_URL), "content_text": draw(_body()),
         "date_published": draw(_DATE), "language": draw(_LANGUAGE), "authors": [{"name": draw(_TEXT)}]}
        for _ in range(draw(st.integers(1, 4)))
    ]  # fmt: skip
    document = {"version": "https://jsonfeed.org/version/1.1", "title": draw(_TEXT), "items": items}
    return json.dumps(document).encode()


@st.composite
def ninjs(draw: st.DrawFn) -> bytes:
    document = {
        "uri": draw(_TEXT), "type": "text", "headline": draw(_TEXT), "located": draw(_TEXT),
        "versioncreated": draw(_DATE), "language": draw(_LANGUAGE), "body_text": draw(_body()),
    }  # fmt: skip
    return json.dumps(document).encode()


def _xml_text(text: str) -> str:
    # The characters XML cannot carry at all would make the document unreadable, which
    # the mutation strategy covers; here the point is what survives into the entries.
    return escape("".join(c for c in text if c >= " " and not 0xD800 <= ord(c) <= 0xDFFF and c != "\ufffe"))


@st.composite
def rss(draw: st.DrawFn) -> bytes:
    items = "".join(
        f"<item><guid>{_xml_text(draw(_TEXT))}</guid><title>{_xml_text(draw(_TEXT))}</title>"
        f"<link>{_xml_text(draw(_URL))}</link><pubDate>{_xml_text(draw(_DATE))}</pubDate>"
        f"<description>{_xml_text(draw(_body()))}</description></item>"
        for _ in range(draw(st.integers(1, 4)))
    )
    language = _xml_text(draw(_LANGUAGE))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{_xml_text(draw(_TEXT))}'
        f"</title><language>{language}</language>{items}</channel></rss>"
    ).encode()


@st.composite
def atom(draw: st.DrawFn) -> bytes:
    entries = "".join(
        f"<entry><id>{_xml_text(draw(_TEXT))}</id><title>{_xml_text(draw(_TEXT))}</title>"
        f"<updated>{_xml_text(draw(_DATE))}</updated>"
        f"<content type='html'>{_xml_text(draw(_body()))}</content></entry>"
        for _ in range(draw(st.integers(1, 4)))
    )
    return (
        f"<feed xmlns='http://www.w3.org/2005/Atom' xml:lang='{_xml_text(draw(_LANGUAGE))}'>"
        f"<title>{_xml_text(draw(_TEXT))}</title>{entries}</feed>"
    ).encode()


@st.composite
def page(draw: st.DrawFn) -> bytes:
    paragraphs = "".join(f"<p>{escape(draw(_body()))}</p>" for _ in range(draw(st.integers(1, 5))))
    language = draw(_LANGUAGE)
    return (
        f"<html lang='{escape(draw(_LANGUAGE))}'><head><title>{escape(draw(_TEXT))}</title>"
        f"<meta property='article:published_time' content='{escape(draw(_DATE))}'>"
        f"<script type='application/ld+json'>{json.dumps({'headline': draw(_TEXT), 'inLanguage': language})}"
        f"</script></head><body><article><h1>{escape(draw(_TEXT))}</h1>{paragraphs}</article></body></html>"
    ).encode("utf-8", "surrogatepass")


DOCUMENTS = st.lists(
    st.one_of(json_feed(), ninjs(), rss(), atom(), page(), mutated()), min_size=1, max_size=4
)


def _get(app: object, path: str) -> str:
    statuses: list[str] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path}
    b"".join(app(environ, lambda status, _headers: statuses.append(status)))  # type: ignore[operator]
    return statuses[0]


@given(DOCUMENTS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_whatever_sources_send_every_stage_holds(documents: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings_ = Settings(db=str(Path(folder) / "s.db"))
        with open_store(settings_) as store:
            pipeline = Pipeline(store, settings_, NOW)
            for number, data in enumerate(documents):
                # Stored, or rejected with newsnorm's own one-line error.
                with contextlib.suppress(InputError):
                    pipeline.ingest(read_entries(data, f"fuzz-{number}"))
            info = feed_info(settings_)
            for collapse in (False, True):
                for part in (None, FeedPart(changes=(0, 10**9))):
                    document = atom_bytes(store, info, collapse, part)
                    assert validate_atom(document, "emitted") == []
        app = make_app(lambda: open_store(settings_, create=False), ServeConfig(info))
        assert _get(app, "/feed.atom") == "200 OK"
        assert _get(app, "/clusters.json") == "200 OK"
