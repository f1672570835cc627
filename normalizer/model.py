"""The data that flows through newsnorm, as frozen dataclasses.

bytes -> :class:`RawEntry` (a reader's output) -> :class:`Article` (cleaned) ->
:class:`Fingerprint` -> :class:`Decision` (which story cluster) -> store -> Atom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from normalizer.tokens import word_count

OriginKind = Literal["feed", "file", "page", "stdin"]
# How shingle ids are made (see normalizer.fingerprint); stored with the signatures.
HASH_SCHEME = "xxh32-tokens-poly64"
# What stores made before script-aware tokens say (words only, ``\w+``): the
# migration to schema 8 fingerprints their articles again under HASH_SCHEME.
WORDS_HASH_SCHEME = "xxh32-words-poly64"
ContentType = Literal["text", "html"]
LinkRule = Literal["founder", "exact", "jaccard", "containment", "headline"]
# Why a candidate the text calls the same story was not linked (see normalizer.dedup).
RefusalReason = Literal["figures", "template", "dates"]


@dataclass(frozen=True)
class Origin:
    """Where an article came from, kept so that the output can name it (atom:source).

    Attributes:
        kind: a feed entry, a one-article file, an HTML page, or standard input.
        name: the input as the user gave it (path, URL or ``-``).
        feed_id: the origin feed's own id (atom:id, or the channel link), if any.
        feed_title: the origin feed's title, if any.
        feed_link: the origin feed's web page, if any.
    """

    kind: OriginKind
    name: str
    feed_id: str | None = None
    feed_title: str | None = None
    feed_link: str | None = None


@dataclass(frozen=True)
class RawEntry:
    """One article as a reader found it, before any cleaning.

    Attributes:
        input_id: the id users see (file stem, entry guid, link or content hash).
        origin: where it came from.
        title: the headline as found (may be empty: the cleaner then derives one).
        content: the body, as plain text or as an HTML fragment.
        content_type: how to read ``content``.
        guid: the entry's own id (guid / atom:id), if it had one.
        link: the article's web address, if known.
        published: when it was first published, if known (timezone-aware).
        updated: when it was last changed, if known (timezone-aware).
        author: the author or byline as the format gave it.
        language: a language tag, if the input declared one.
        dateline: the dateline, where the format carries it apart from the body.
        credit: the agency or credit line, where the format carries it apart.
        dropped: text the reader found and left out (a page's furniture and
            captions), each with the stage that left it, for the article's record.
    """

    input_id: str
    origin: Origin
    title: str
    content: str
    content_type: ContentType
    guid: str | None = None
    link: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    language: str | None = None
    dateline: str | None = None
    credit: str | None = None
    dropped: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class Dateline:
    """The dateline that opened the story, e.g. ``PARIS, Oct 2, (Agencies):``.

    Attributes:
        place: the place in capitals as written (``PARIS``, ``KUWAIT CITY``).
        month: 1-12 if the dateline gave one.
        day: the day of month if the dateline gave one.
        date: an ISO date when the year is known from the article's own dates.
        raw: the dateline exactly as found, separator included.
    """

    place: str
    month: int | None
    day: int | None
    date: str | None
    raw: str


@dataclass(frozen=True)
class Removal:
    """One piece of text the cleaner took away, with the rule that took it."""

    rule: str
    text: str


@dataclass(frozen=True)
class Article:
    """A cleaned article: what gets fingerprinted, stored and emitted.

    Attributes:
        key: the store's identity for the article (stable across runs).
        input_id: the id users see (see :class:`RawEntry`).
        origin: where it came from.
        title: the cleaned headline (derived from the body if the input had none).
        paragraphs: the cleaned body, one string per paragraph, no dateline, no chrome.
        dateline: the dateline taken off the first paragraph, if any.
        agency: the credit (``Reuters``, ``AFP``, ``Agencies``), if any.
        byline: the author, if any.
        published: when it was first published, if known.
        updated: when it was last changed, if known.
        url: the article's web address, if known.
        language: a language tag, if known.
        removed: what cleaning took away, in order.
    """

    key: str
    input_id: str
    origin: Origin
    title: str
    paragraphs: tuple[str, ...]
    dateline: Dateline | None = None
    agency: str | None = None
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None
    language: str | None = None
    removed: tuple[Removal, ...] = ()

    @property
    def body(self) -> str:
        """The body as plain text, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        """Words in the body, as a reader would count them, in any script (see
        :func:`normalizer.tokens.word_count`)."""
        return sum(word_count(paragraph) for paragraph in self.paragraphs)


@dataclass(frozen=True)
class FingerprintParams:
    """Everything that decides what a signature means; stored with the signatures.

    Signatures made with other parameters cannot be compared, so a store refuses a
    run whose parameters differ from its own.
    """

    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    hash: str = HASH_SCHEME
    shingle_words: int = 4
    # 42 bands of 3 rows: a pair with Jaccard 0.4 becomes a candidate 94% of the
    # time, one with 0.3 68% of the time (trimmed copies must be found), unrelated
    # news (Jaccard ~0.005) about once in 200,000 pairs.
    bands: int = 42
    rows: int = 3
    # A second, small signature over the first shingles of a text finds the copies
    # that keep only the lead (their Jaccard with the whole story is tiny).
    lead_shingles: int = 40
    lead_bands: int = 16
    lead_rows: int = 4

    def as_dict(self) -> dict[str, str]:
        """The parameters as strings, the way the store's meta table keeps them."""
        return {
            "num_perm": str(self.num_perm),
            "seed": str(self.seed),
            "scheme": self.scheme,
            "hash": self.hash,
            "shingle_words": str(self.shingle_words),
            "bands": str(self.bands),
            "rows": str(self.rows),
            "lead_shingles": str(self.lead_shingles),
            "lead_bands": str(self.lead_bands),
            "lead_rows": str(self.lead_rows),
        }

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> FingerprintParams:
        """The parameters a store's meta table records (a reader adopts them)."""
        defaults = cls()
        values: dict[str, Any] = {}
        for name, default in defaults.__dict__.items():
            if name in meta:
                values[name] = int(meta[name]) if isinstance(default, int) else meta[name]
        return cls(**values)


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection knows of an article's text.

    Attributes:
        digest: a 128-bit hash of the canonical text: equal digests, same text.
        signature: the MinHash signature: ``num_perm`` little-endian uint32 values.
        shingles: how many distinct shingles the text has (for containment).
        lead: the MinHash signature of the text's first shingles (for LSH only).
        shingle_set: the sorted distinct shingle ids (uint32): exact similarity.
        figures: the numbers the text quotes with the words around each, sorted
            (see :func:`normalizer.tokens.figures`).
        headline: the band key of the headline, if it is long enough to mean a story.
    """

    digest: str
    signature: bytes
    shingles: int
    lead: bytes = b""
    shingle_set: bytes = b""
    figures: tuple[str, ...] = ()
    headline: int | None = None


@dataclass(frozen=True)
class Similarity:
    """How two texts compare, with the estimates the decision was made on.

    Attributes:
        jaccard: Jaccard similarity of the shingle sets.
        containment_new: share of the new text's shingles found in the other.
        containment_old: share of the other text's shingles found in the new.
    """

    jaccard: float
    containment_new: float
    containment_old: float


@dataclass(frozen=True)
class Decision:
    """Whether an article joins a stored story, and why.

    Attributes:
        linked_to: the key of the stored article it matched (``None``: a new story).
        rule: the test that linked it (``founder`` if it starts a new cluster).
        similarity: the figures behind the link (``None`` for a founder).
        also: the keys of the other stored articles it verified against, in key order
            (their stories are the same story: the clusters merge).
        refused: (key, reason) of each candidate whose text matched and which other
            evidence (figures, template, dates) says is another story, in key order.
    """

    linked_to: str | None
    rule: LinkRule
    similarity: Similarity | None = None
    also: tuple[str, ...] = ()
    refused: tuple[tuple[str, RefusalReason], ...] = ()


@dataclass(frozen=True)
class Rejected:
    """An input that was not stored, and why (one line): nothing of it was kept.

    Attributes:
        source: the input's name as the user gave it.
        reason: what is wrong, one line.
    """

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """One entry of an input that was left out while the rest of the input was
    stored, and why (one line).

    Attributes:
        source: the input's name as the user gave it.
        reason: what is wrong, one line.
        entry: the entry's id (its guid, link or position).
    """

    source: str
    reason: str
    entry: str

    def __str__(self) -> str:
        return f"{self.source} [{self.entry}]: {self.reason}"


@dataclass(frozen=True)
class PassedOver:
    """An input deliberately not read as a source, and why: newsnorm's own store or
    output, or a feed with nothing in it. Not an error.

    Attributes:
        source: the input's name as the user gave it (or as a folder walk found it).
        reason: why it was passed over, one line.
    """

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


# What a reader or the cleaner leaves out: a whole input, or one entry of it.
LeftOut = Rejected | Skipped
