"""`newsnorm validate` against the W3C Feed Validator's Atom test cases, and its rules one by one."""

from __future__ import annotations

import pytest

from feeds.publish.validate import validate_atom

from .validator_score import judge, load_cases

# Agreement with the W3C validator on error / no error (see tests/validator_score.py).
# Lowering a floor is an explicit change; scripts/validator_agreement.py lists the cases.
AGREEMENT_FLOOR = 0.95
COMPLETE_DOCUMENTS_FLOOR = 0.95

_FEED = """<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>
<updated>2024-01-01T00:00:00Z</updated><author><name>a</name></author>{entry}</feed>"""
_ENTRY = """<entry><title>e</title><id>{id}</id><updated>{updated}</updated>{more}</entry>"""


def test_agreement_with_the_w3c_validator() -> None:
    verdicts = [judge(case) for case in load_cases()]
    assert len(verdicts) >= 790
    agreement = sum(v.agrees for v in verdicts) / len(verdicts)
    complete = [v for v in verdicts if not v.case.partial]
    assert agreement >= AGREEMENT_FLOOR
    assert sum(v.agrees for v in complete) / len(complete) >= COMPLETE_DOCUMENTS_FLOOR


def _problems(
    id_: str = "tag:example.org,2024:1",
    updated: str = "2024-01-01T00:00:00Z",
    more: str = "<content>x</content>",
) -> list[str]:
    data = _FEED.format(entry=_ENTRY.format(id=id_, updated=updated, more=more)).encode()
    return validate_atom(data, "t.atom")


def test_a_valid_feed_has_no_problem() -> None:
    assert _problems() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"updated": "2024-01-01 00:00:00"}, "InvalidRFC3339Date"),
        ({"updated": "2024-02-30T00:00:00Z"}, "InvalidRFC3339Date"),
        ({"updated": " 2024-01-01T00:00:00Z"}, "UnexpectedWhitespace"),
        ({"id_": "tag:example.org:1"}, "InvalidTAG"),
        ({"id_": "urn:uuid:not-a-uuid"}, "InvalidUUID"),
        ({"id_": "/relative/id"}, "InvalidFullLink"),
        (
            {"more": "<content>x</content><link href='http://a/'/><link href='http://b/'/>"},
            "DuplicateAtomLink",
        ),
        ({"more": "<content type='xhtml'>bare text</content>"}, "MissingXhtmlDiv"),
        ({"more": "<content src='http://a/x.jpg' type='image/jpeg'/>"}, "MissingSummary"),
        ({"more": "<content type='image/png'>not base64!</content>"}, "NotBase64"),
        ({"more": "<content src='http://a/' type='html'/><summary>s</summary>"}, "InvalidMIMEType"),
        ({"more": "<content>x</content><link href='http://a b/'/>"}, "InvalidUriChar"),
        (
            {"more": "<content>x</content><author><name>n</name><email>n at x</email></author>"},
            "InvalidAddrSpec",
        ),
    ],
)
def test_rule(kwargs: dict[str, str], message: str) -> None:
    problems = _problems(**kwargs)
    assert any(f": {message}: " in problem for problem in problems), problems


def test_entry_author_may_come_from_the_feed_but_must_come_from_somewhere() -> None:
    data = _FEED.replace("<author><name>a</name></author>", "").format(
        entry=_ENTRY.format(id="urn:x:1", updated="2024-01-01T00:00:00Z", more="<content>x</content>")
    )
    assert any("MissingElement" in problem for problem in validate_atom(data.encode(), "t.atom"))
