"""Scores of the near-duplicate decisions on a labelled set: pair precision and
recall, and the Adjusted Rand Index of the clusters.

Used by ``tests/test_quality.py`` (which pins floors) and by
``scripts/dedup_eval.py`` (which prints the numbers and the misses).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import combinations
from math import comb
from pathlib import Path

from feeds.jobs import clean_inputs, ingest_inputs
from feeds.publish.reports import story_clusters
from normalizer.dedup import Candidate, Thresholds, candidate_for, verify
from normalizer.fingerprint import Sketcher
from normalizer.link_type import LinkType, link_type
from normalizer.settings import Settings
from normalizer.store import open_store
from normalizer.store.rows import utc_text

NOW = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scores:
    """How a clustering compares with the labels."""

    precision: float
    recall: float
    ari: float
    true_pairs: int
    found_pairs: int
    false_merges: tuple[tuple[str, str], ...]
    misses: tuple[tuple[str, str], ...]


def load_labels(folder: Path) -> dict[str, tuple[str, str]]:
    """doc id -> (story, kind), from ``labels.tsv``."""
    lines = (folder / "labels.tsv").read_text("utf-8").splitlines()[1:]
    return {doc: (story, kind) for doc, story, kind in (line.split("\t") for line in lines if line)}


def cluster_documents(
    folder: Path, settings: Settings | None = None, order: str = "sorted"
) -> list[list[str]]:
    """Cluster the documents of a labelled set statelessly, as ``newsnorm dups`` does,
    presented in an order: ``sorted``, ``reversed`` or ``shuffled-N`` (seed N)."""
    files = sorted(str(p) for p in (folder / "docs").iterdir() if p.is_file())
    if order == "reversed":
        files.reverse()
    elif order.startswith("shuffled-"):
        random.Random(int(order.removeprefix("shuffled-"))).shuffle(files)
    return cluster_files(files, settings)


def cluster_files(files: list[str], settings: Settings | None = None) -> list[list[str]]:
    """Cluster these documents, in this order, in a new store of their own."""
    settings = settings or Settings()
    with open_store(settings, path=":memory:") as store:
        ingest_inputs(files, store, settings, NOW)
        return [[m.article.input_id for m in cluster.members] for cluster in story_clusters(store)]


# The presentation orders every score is taken in.
ORDERS = ("sorted", "reversed", "shuffled-1", "shuffled-2", "shuffled-3")


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}  # type: ignore[misc]


def adjusted_rand_index(truth: dict[str, str], found: dict[str, str]) -> float:
    """The Adjusted Rand Index (Hubert and Arabie, 1985) of two labellings of one set."""
    items = sorted(truth)
    contingency = Counter((truth[i], found[i]) for i in items)
    sum_cells = sum(comb(n, 2) for n in contingency.values())
    sum_truth = sum(comb(n, 2) for n in Counter(truth[i] for i in items).values())
    sum_found = sum(comb(n, 2) for n in Counter(found[i] for i in items).values())
    expected = sum_truth * sum_found / comb(len(items), 2)
    maximum = (sum_truth + sum_found) / 2
    return 1.0 if maximum == expected else (sum_cells - expected) / (maximum - expected)


def score(labels: dict[str, tuple[str, str]], clusters: list[list[str]]) -> Scores:
    """Pair precision and recall, and ARI, of clusters against the labels."""
    by_story: dict[str, list[str]] = {}
    for doc, (story, _) in labels.items():
        by_story.setdefault(story, []).append(doc)
    truth_pairs = _pairs(list(by_story.values()))
    found_pairs = _pairs(clusters)
    correct = truth_pairs & found_pairs
    found_label = {doc: str(number) for number, group in enumerate(clusters) for doc in group}
    return Scores(
        precision=len(correct) / len(found_pairs) if found_pairs else 1.0,
        recall=len(correct) / len(truth_pairs) if truth_pairs else 1.0,
        ari=adjusted_rand_index({d: s for d, (s, _) in labels.items()}, found_label),
        true_pairs=len(truth_pairs),
        found_pairs=len(found_pairs),
        false_merges=tuple(sorted(found_pairs - truth_pairs)),
        misses=tuple(sorted(truth_pairs - found_pairs)),
    )


# The script of a story, by its id's prefix (see scripts/dedup_classes.py); others are Latin.
SCRIPT_OF_PREFIX = {
    "ja": "Japanese", "ko": "Korean", "hi": "Devanagari", "zh": "Chinese", "ru": "Cyrillic", "ar": "Arabic",
}  # fmt: skip


def script_of(story: str) -> str:
    """The script a labelled story is written in."""
    return SCRIPT_OF_PREFIX.get(story.split("-", 1)[0], "Latin")


def scores_by(
    labels: dict[str, tuple[str, str]], clusters: list[list[str]], group: str
) -> dict[str, tuple[float, float, int]]:
    """(precision, recall, true pairs) over the pairs that involve a document of each
    kind (``group="kind"``) or a story of each script (``group="script"``)."""

    def names(doc: str) -> set[str]:
        story, kind = labels[doc]
        return {kind} if group == "kind" else {script_of(story)}

    by_story: dict[str, list[str]] = {}
    for doc, (story, _) in labels.items():
        by_story.setdefault(story, []).append(doc)
    truth, found = _pairs(list(by_story.values())), _pairs(clusters)
    out = {}
    for name in sorted({n for doc in labels for n in names(doc)}):
        true_here = {pair for pair in truth if name in names(pair[0]) | names(pair[1])}
        found_here = {pair for pair in found if name in names(pair[0]) | names(pair[1])}
        correct = len(true_here & found_here)
        out[name] = (
            correct / len(found_here) if found_here else 1.0,
            correct / len(true_here) if true_here else 1.0,
            len(true_here),
        )
    return out


# The type each kind of copy in the labelled set should be given (template negatives
# and originals are not copies and have none).
EXPECTED_TYPE: dict[str, LinkType] = {
    "new-headline": "copy",
    "other-chrome": "copy",
    "recredited": "copy",
    "paragraph-moved": "copy",
    "trimmed": "excerpt",
    "lead-only": "excerpt",
    "paragraph-dropped": "excerpt",
    "updated": "update",
    "rewrite": "rewrite",
    "hard-wrapped": "copy",
    "folded": "copy",
}


def pair_types(folder: Path, settings: Settings | None = None) -> list[tuple[str, str, str]]:
    """(doc, expected type, found type) for every copy against its original.

    Each pair is verified directly, as the ingester verifies a candidate; a pair
    that no test links gets the type "unlinked".
    """
    settings = settings or Settings()
    labels = load_labels(folder)
    articles, _ = clean_inputs([str(folder / "docs")], settings)
    sketcher = Sketcher(settings.fingerprint_params)
    thresholds = Thresholds(
        settings.jaccard_threshold, settings.containment_threshold, settings.min_containment_words
    )
    by_doc = {article.input_id: article for article in articles}

    def candidate(doc: str) -> Candidate:
        article = by_doc[doc]
        fingerprint = sketcher.fingerprint(article.paragraphs, article.title)
        return candidate_for(article, fingerprint, utc_text(article.published))

    originals = {story: doc for doc, (story, kind) in labels.items() if kind == "original"}
    rows = []
    for doc, (story, kind) in sorted(labels.items()):
        if kind not in EXPECTED_TYPE:
            continue
        verified = verify(candidate(doc), candidate(originals[story]), thresholds)
        found = link_type(*verified, by_doc[doc].title) if isinstance(verified, tuple) else None
        rows.append((doc, EXPECTED_TYPE[kind], found or "unlinked"))
    return rows
