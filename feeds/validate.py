"""Checks of an Atom document: the RELAX NG schema of RFC 4287 for now.

The RFC's rules that a schema cannot state are a later addition; the schema is
the one published with the RFC (``schemas/atom.rng``).
"""

from __future__ import annotations

from importlib import resources

from lxml import etree

from normalizer.safexml import parse_xml

__all__ = ["Problem", "validate_atom"]

Problem = str


def _schema() -> etree.RelaxNG:
    data = resources.files("feeds").joinpath("schemas/atom.rng").read_bytes()
    return etree.RelaxNG(parse_xml(data, "atom.rng"))


def validate_atom(data: bytes, source: str) -> list[Problem]:
    """Every problem found in an Atom document, one line each (none: it is valid).

    Raises:
        InputError: the document is not XML that can be checked at all.
    """
    root = parse_xml(data, source)
    schema = _schema()
    if schema.validate(etree.ElementTree(root)):
        return []
    return [f"{source}:{error.line}: {error.message}" for error in schema.error_log]
