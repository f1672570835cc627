"""Checks of an Atom document: the RELAX NG schema of RFC 4287 (``schemas/atom.rng``,
the one published with the RFC), then the RFC's rules that a schema cannot state
(:mod:`feeds.publish.atom_rules`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from lxml import etree

from feeds.publish.atom_rules import rule_problems
from normalizer.safexml import parse_xml

__all__ = ["Problem", "validate_atom"]

Problem = str


@cache
def _schema() -> etree.RelaxNG:
    # Compiled once per process: validating many documents need not re-read it.
    data = resources.files("feeds.publish").joinpath("schemas/atom.rng").read_bytes()
    return etree.RelaxNG(parse_xml(data, "atom.rng"))


def validate_atom(data: bytes, source: str) -> list[Problem]:
    """Every problem found in an Atom document, one line each (none: it is valid).

    Raises:
        InputError: the document is not XML that can be checked at all.
    """
    root = parse_xml(data, source)
    schema = _schema()
    problems = []
    if not schema.validate(etree.ElementTree(root)):
        problems = [f"{source}:{error.line}: {error.message}" for error in schema.error_log]
    problems += [f"{source}:{line}: {name}: {what}" for line, name, what in rule_problems(root)]
    return problems
