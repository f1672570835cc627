"""``newsnorm validate`` against the W3C Feed Validator's own Atom test cases.

Each case (``fixtures/feedvalidator/atom/``) states in a comment the message the
W3C validator must log (``Expect: InvalidRFC3339Date{...}``) or must not
(``Expect: !Error``). A case *expects an error* when it names, without ``!``, a
message of the validator's Error class. Many cases are partial documents that test
one message (a feed with one ``<entry><author>...``, no feed title, id or updated);
the W3C validator reports those missing elements as errors (``MissingElement``), so
a partial document expects an error too, unless the case says ``!Error``. Otherwise
(a warning, an informational or a success message, or a negated one) the document
must pass. Agreement is the share of cases where ``validate_atom`` finds problems
exactly when an error is expected.

Used by ``tests/test_validate.py`` (which pins a floor) and by
``scripts/validator_agreement.py`` (which prints the figure and the disagreements).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from feeds.publish.validate import validate_atom
from normalizer.errors import InputError

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "feedvalidator" / "atom"

# The messages of the validator's Error class (src/feedvalidator/logging.py) that
# the Atom cases name; every other name they use is a Warning, Info or success.
ERROR_MESSAGES = frozenset(
    {
        "DuplicateAtomLink", "DuplicateElement", "DuplicateIds", "Error", "InvalidAddrSpec",
        "InvalidContact", "InvalidFullLink", "InvalidIRI", "InvalidLanguage", "InvalidLink",
        "InvalidMIMEType", "InvalidNamespace", "InvalidNonNegativeInteger", "InvalidRFC3339Date",
        "InvalidTAG", "InvalidTextType", "InvalidURN", "InvalidUUID", "InvalidUriChar",
        "InvalidValue", "MisplacedMetadata", "MissingAttribute", "MissingContentOrAlternate",
        "MissingElement", "MissingHref", "MissingNamespace", "MissingSummary", "MissingXhtmlDiv",
        "NotBase64", "NotEscaped", "ObsoleteNamespace", "SAXError", "UndefinedElement",
        "UnexpectedAttribute", "UnexpectedText", "UnexpectedWhitespace",
    }
)  # fmt: skip
_EXPECT = re.compile(rb"Expect:\s*(!?)(\w+)")


_ATOM = "{http://www.w3.org/2005/Atom}"
_REQUIRED = ("id", "title", "updated")


def is_partial(data: bytes) -> bool:
    """Whether a well-formed Atom feed lacks what RFC 4287 requires of a feed or of
    one of its entries (id, title, updated)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    if root.tag != f"{_ATOM}feed":
        return False
    parents = [root, *root.findall(f"{_ATOM}entry")]
    return any(parent.find(f"{_ATOM}{name}") is None for parent in parents for name in _REQUIRED)


@dataclass(frozen=True)
class Case:
    path: Path
    message: str
    negated: bool
    partial: bool = field(default=False)

    @property
    def expects_error(self) -> bool:
        if self.negated and self.message == "Error":
            return False
        return self.partial or (not self.negated and self.message in ERROR_MESSAGES)

    @property
    def name(self) -> str:
        return str(self.path.relative_to(CASES))


@dataclass(frozen=True)
class Verdict:
    case: Case
    problems: tuple[str, ...]

    @property
    def agrees(self) -> bool:
        return bool(self.problems) == self.case.expects_error


def load_cases(folder: Path = CASES) -> list[Case]:
    cases = []
    for path in sorted(folder.rglob("*.xml")):
        data = path.read_bytes()
        found = _EXPECT.search(data)
        if found:
            cases.append(Case(path, found.group(2).decode(), found.group(1) == b"!", is_partial(data)))
    return cases


def judge(case: Case) -> Verdict:
    try:
        problems = tuple(validate_atom(case.path.read_bytes(), case.name))
    except InputError as error:
        problems = (str(error),)
    return Verdict(case, problems)
