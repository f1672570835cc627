"""Near-duplicate decisions: candidate verification, linking, the canonical member.

LSH only proposes candidates; every candidate is verified here, on the exact
shingle sets of both texts, before an article joins its story cluster:

* ``exact``: the same canonical text (equal digests);
* ``jaccard``: Jaccard similarity at or above the threshold (a copy with edits, a
  new headline, other chrome or another credit);
* ``containment``: most of the shorter text's shingles are in the longer one (a
  trimmed copy, a lead-only copy, an update that adds sentences). A text shorter
  than ``min_containment_words`` links this way only when nearly all of it (95%)
  is inside the other and it has at least 12 words: a brief that is a story's
  lead is caught, while a few common phrases never tie unrelated briefs;
* ``headline``: an item with no body (a headline-only feed) and another item with
  the same headline, of at least five words (``Weather`` and ``Live updates`` are
  no evidence), from another source or published within two days of it.

Texts the similarity calls one story are still refused, with the reason kept, when
other evidence says they are two:

* ``figures``: the texts quote other numbers between the same words (``rose to
  2.45% from`` against ``rose to 2.51% from``) for at least two numbers and at
  least half of those they align on, and are not near-verbatim (Jaccard under
  0.8): one template filled with two days' figures;
* ``template``: both come from one source (a web host, else a feed or file) under
  different headlines and are not near-verbatim copies of a full story (Jaccard
  0.9 and ``min_containment_words``): what they share is that source's standing
  teaser, promo block or calendar, not a story. Headlines that differ only by
  their figures over a full text that holds the other are the source's update;
* ``dates``: both carry a date (the dateline's, else the publication day) more
  than a day apart, and the texts are short (under 80 words) or from one source:
  a recurring bulletin, not a republished story.

Which member of a cluster is shown is :mod:`normalizer.canonical`'s business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from normalizer.fingerprint import HEADLINE_MIN_WORDS, compare
from normalizer.learned import chrome_source
from normalizer.link_type import strip_resend
from normalizer.model import Article, Dateline, Decision, Fingerprint, LinkRule, RefusalReason, Similarity
from normalizer.tokens import FIGURE_SEPARATOR, headline_tokens, word_count

__all__ = [
    "Candidate",
    "Decide",
    "DuplicateIndex",
    "Match",
    "Refusal",
    "Thresholds",
    "candidate_for",
    "decide",
    "evidence_day",
    "verify",
]

_RULE_STRENGTH: dict[LinkRule, int] = {
    "exact": 4,
    "jaccard": 3,
    "containment": 2,
    "headline": 1,
    "founder": 0,
}
_SHORT_MIN_WORDS = 12
_SHORT_CONTAINMENT = 0.95
# Figures: this many aligned numbers differing, and this share of the aligned ones,
# refuse a link below this Jaccard similarity.
_FIGURES_DIFFERING = 2
_FIGURES_SHARE = 0.5
_FIGURES_NEAR_VERBATIM = 0.8
# Template: one source's two items under other headlines link only as near-verbatim
# copies of a full story.
_TEMPLATE_NEAR_VERBATIM = 0.9
_HEADLINES_SHARED = 0.5
# Dates: two dates further apart than this, on texts shorter than this.
_DATES_APART_DAYS = 1
_DATED_SHORT_WORDS = 80
# Headline-only links: two items published further apart than this are not joined.
_HEADLINE_WINDOW_DAYS = 2
_NO_SIMILARITY = Similarity(jaccard=0.0, containment_new=0.0, containment_old=0.0)


@dataclass(frozen=True)
class Thresholds:
    """When a candidate counts as the same story."""

    jaccard: float = 0.5
    containment: float = 0.8
    min_containment_words: int = 40


@dataclass(frozen=True)
class Candidate:
    """A text to compare: a stored article proposed by the index, or the new one."""

    key: str
    digest: str
    shingles: bytes
    word_count: int
    figures: frozenset[str] = frozenset()
    # The evidence besides the text: its headline, whose it is (web host, else feed
    # or file), its date (the dateline's, else the publication day) and publication time.
    title: str = ""
    source: str = ""
    day: str | None = None
    published: str | None = None

    @property
    def shingle_count(self) -> int:
        """How many distinct shingles the text has (4 bytes per id)."""
        return len(self.shingles) // 4


def candidate_for(article: Article, fingerprint: Fingerprint, published: str | None) -> Candidate:
    """A new article as verification compares it (``published``: its publication time
    as the store writes it, ISO 8601 UTC)."""
    return Candidate(
        key=article.key,
        digest=fingerprint.digest,
        shingles=fingerprint.shingle_set,
        word_count=article.word_count,
        figures=frozenset(fingerprint.figures),
        title=article.title,
        source=chrome_source(article.url, article.origin.name),
        day=evidence_day(article.dateline, published),
        published=published,
    )


@dataclass(frozen=True)
class Refusal:
    """A candidate the text calls the same story and other evidence does not, and why."""

    key: str
    reason: RefusalReason
    similarity: Similarity


@dataclass(frozen=True)
class Match:
    """Which story a new text joins: the decision that linked it, and the cluster
    (named by its founder's key)."""

    decision: Decision
    cluster: str
    # Other clusters the new text verified against: one story, so they fold into ``cluster``.
    merged: tuple[str, ...] = ()


Decide = Callable[[Sequence[Candidate]], Decision]


class DuplicateIndex(Protocol):
    """Where candidates come from and where stories are remembered.

    The store's own LSH band table is one; a shared index in Redis is another, so
    that several ingest processes or machines share one duplicate memory. Each
    backend makes look-up, decision and remembering one step in its own way (the
    store's write transaction, a lock on a shared server).
    """

    def match(
        self, new: Candidate, fingerprint: Fingerprint, band_keys: Sequence[int], decide: Decide
    ) -> Match:
        """Look the new text up, ``decide`` over its candidates, and remember it in the
        cluster it joins, as one step."""
        ...


def verify(
    new: Candidate, candidate: Candidate, thresholds: Thresholds
) -> tuple[LinkRule, Similarity] | Refusal | None:
    """The rule that links a new text to a candidate, with the figures; the refusal
    of a link the text alone would make; or ``None``. The same answer whichever of
    the two is the new one."""
    if not new.shingle_count or not candidate.shingle_count:
        return _headline_link(new, candidate)
    linked = _text_link(new, candidate, thresholds)
    if linked is None:
        return None
    rule, similarity = linked
    reason = _refusal(new, candidate, similarity, thresholds)
    if reason is not None:
        return Refusal(candidate.key, reason, similarity)
    return rule, similarity


def _text_link(
    new: Candidate, candidate: Candidate, thresholds: Thresholds
) -> tuple[LinkRule, Similarity] | None:
    if new.digest == candidate.digest:
        return "exact", Similarity(jaccard=1.0, containment_new=1.0, containment_old=1.0)
    similarity = compare(new.shingles, candidate.shingles)
    if similarity.jaccard >= thresholds.jaccard:
        return "jaccard", similarity
    new_is_shorter = new.shingle_count <= candidate.shingle_count
    shorter_words = new.word_count if new_is_shorter else candidate.word_count
    contained = similarity.containment_new if new_is_shorter else similarity.containment_old
    if shorter_words >= thresholds.min_containment_words and contained >= thresholds.containment:
        return "containment", similarity
    if shorter_words >= _SHORT_MIN_WORDS and contained >= _SHORT_CONTAINMENT:
        return "containment", similarity
    return None


def _refusal(
    new: Candidate, candidate: Candidate, similarity: Similarity, thresholds: Thresholds
) -> RefusalReason | None:
    """Why two texts the similarity links are two stories all the same, if they are."""
    if similarity.jaccard < _FIGURES_NEAR_VERBATIM and _figures_differ(new.figures, candidate.figures):
        return "figures"
    shorter_words = min(new.word_count, candidate.word_count)
    one_source = _one_source(new, candidate)
    differ = _headlines_differ(new.title, candidate.title) if one_source else None
    if differ is not None and shorter_words < thresholds.min_containment_words:
        return "template"
    if differ is not None and similarity.jaccard < _TEMPLATE_NEAR_VERBATIM:
        # Headlines that differ only by their figures ("Quake kills 10", "Quake kills
        # 25") over a text that holds the other is the source's own update.
        contained = max(similarity.containment_new, similarity.containment_old)
        if differ == "words" or contained < thresholds.containment:
            return "template"
    apart = _days_apart(new.day, candidate.day)
    if apart is not None and apart > _DATES_APART_DAYS and (shorter_words < _DATED_SHORT_WORDS or one_source):
        return "dates"
    return None


def _headline_link(new: Candidate, candidate: Candidate) -> tuple[LinkRule, Similarity] | None:
    """An item without a body and another with the same (long enough) headline."""
    if word_count(new.title) < HEADLINE_MIN_WORDS or headline_tokens(new.title) != headline_tokens(
        candidate.title
    ):
        return None
    apart = _days_apart(_day(new.published), _day(candidate.published))
    if apart is not None:
        return ("headline", _NO_SIMILARITY) if apart <= _HEADLINE_WINDOW_DAYS else None
    # No times to go by: only another source's item is taken for the same story.
    return None if _one_source(new, candidate) else ("headline", _NO_SIMILARITY)


def _one_source(new: Candidate, candidate: Candidate) -> bool:
    """Whether two texts come from one (known) source."""
    return bool(new.source) and new.source == candidate.source


def _headlines_differ(first: str, second: str) -> Literal["words", "numbers"] | None:
    """How two headlines name other stories: they share under half their words, re-send
    marks aside (``words``), or quote other numbers ("Aug. 9-16" and "Aug. 16-23",
    ``numbers``); ``None`` if they do not differ (or one is missing)."""
    one, two = headline_tokens(strip_resend(first)), headline_tokens(strip_resend(second))
    if not one or not two:
        return None
    words_one, words_two = set(one), set(two)
    if len(words_one & words_two) / len(words_one | words_two) < _HEADLINES_SHARED:
        return "words"
    numbers_one = {t for t in words_one if t.isdecimal()}
    numbers_two = {t for t in words_two if t.isdecimal()}
    return "numbers" if numbers_one and numbers_two and numbers_one != numbers_two else None


def evidence_day(dateline: Dateline | None, published: str | None) -> str | None:
    """The day a text is of, as the dates rule reads it: its dateline's date, else
    the day of its publication time (stored as ISO 8601 UTC)."""
    if dateline is not None and dateline.date:
        return dateline.date
    return _day(published)


def _day(time: str | None) -> str | None:
    return time[:10] if time else None


def _days_apart(first: str | None, second: str | None) -> int | None:
    if not first or not second:
        return None
    try:
        return abs((date.fromisoformat(first[:10]) - date.fromisoformat(second[:10])).days)
    except ValueError:
        return None


def _figures_differ(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two texts quote other numbers where they align: two days' market
    report or weather brief from one template, not one story.

    A figure is aligned when both texts quote a number between the same two words;
    it differs when the numbers there are not the same. Symmetric in the two texts.
    """
    one, two = _by_context(first), _by_context(second)
    aligned = one.keys() & two.keys()
    differing = sum(1 for context in aligned if one[context] != two[context])
    return differing >= _FIGURES_DIFFERING and differing >= _FIGURES_SHARE * len(aligned)


def _by_context(figures: frozenset[str]) -> dict[tuple[str, str], frozenset[str]]:
    numbers: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for figure in figures:
        before, _, rest = figure.partition(FIGURE_SEPARATOR)
        number, _, after = rest.partition(FIGURE_SEPARATOR)
        numbers[before, after].add(number)
    return {context: frozenset(values) for context, values in numbers.items()}


def decide(new: Candidate, candidates: Sequence[Candidate], thresholds: Thresholds) -> Decision:
    """Link a new text to its best verified candidate, or make it a new story.

    The best link is the strongest rule (exact, then Jaccard, containment and
    headline), then the highest similarity, then the smallest key, so the choice
    does not depend on the order the index returned candidates in. The other
    candidates linked by their text are the same story (their clusters merge); a
    headline alone links, but merges nothing.
    """
    best: tuple[int, float] | None = None
    best_link: tuple[str, LinkRule, Similarity] | None = None
    matched: list[str] = []
    refused: list[tuple[str, RefusalReason]] = []
    for candidate in candidates:
        verified = verify(new, candidate, thresholds)
        if verified is None:
            continue
        if isinstance(verified, Refusal):
            refused.append((verified.key, verified.reason))
            continue
        rule, similarity = verified
        if rule != "headline":
            matched.append(candidate.key)
        score = max(similarity.jaccard, similarity.containment_new, similarity.containment_old)
        rank = (_RULE_STRENGTH[rule], score)
        if best is None or rank > best or (rank == best and best_link and candidate.key < best_link[0]):
            best, best_link = rank, (candidate.key, rule, similarity)
    refusals = tuple(sorted(refused))
    if best_link is None:
        return Decision(linked_to=None, rule="founder", refused=refusals)
    key, rule, similarity = best_link
    also = tuple(sorted(k for k in matched if k != key))
    return Decision(linked_to=key, rule=rule, similarity=similarity, also=also, refused=refusals)
