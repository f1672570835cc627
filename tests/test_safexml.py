"""Hostile XML: refused with a one-line error, never expanded, never fetched."""

from __future__ import annotations

import pytest

from feeds.readers import read_entries
from normalizer.errors import InputError, UnsafeInputError
from normalizer.safexml import parse_xml

from .conftest import HOSTILE

ENTITY_FILES = [
    "billion-laughs-in-rss-title.rss",
    "quadratic-blowup-in-atom.atom",
    "xxe-file-entity-in-atom.atom",
    "xxe-parameter-entity-loopback.rss",
]


@pytest.mark.parametrize("name", ENTITY_FILES)
def test_entity_declarations_are_refused_before_any_parser(name: str) -> None:
    path = HOSTILE / name
    with pytest.raises(UnsafeInputError) as caught:
        list(read_entries(path.read_bytes(), str(path)))
    message = str(caught.value)
    assert message.startswith(str(path) + ": refused")
    assert "\n" not in message


def test_entity_declarations_in_utf16_are_refused() -> None:
    document = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    with pytest.raises(UnsafeInputError):
        parse_xml(document.encode("utf-16"), "wide.xml")


def test_external_dtd_is_not_fetched_and_the_feed_still_reads() -> None:
    path = HOSTILE / "external-dtd-loopback.atom"
    # A valid feed with no entries: no error, nothing fetched (no network is allowed).
    assert list(read_entries(path.read_bytes(), str(path))) == []


def test_passwd_never_appears() -> None:
    path = HOSTILE / "xxe-file-entity-in-atom.atom"
    try:
        entries = list(read_entries(path.read_bytes(), str(path)))
    except InputError:
        return
    assert all("root:" not in entry.content for entry in entries)  # pragma: no cover


def test_deep_nesting_is_a_parse_or_a_one_line_error() -> None:
    path = HOSTILE / "deep-nesting-xhtml.atom"
    (entry,) = list(read_entries(path.read_bytes(), str(path)))
    assert entry.title == "deep"


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty document"), (b"   \n", "empty document"), (b"<a><b></a>", "not well-formed XML")],
)
def test_parse_errors_are_one_line(data: bytes, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_xml(data, "x.xml")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)
