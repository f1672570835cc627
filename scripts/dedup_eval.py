#!/usr/bin/env python3
"""Print the near-duplicate scores on a labelled set (default: fixtures/dedup).

    .venv/bin/python -m scripts.dedup_eval [FOLDER] [--show 20]

FOLDER holds ``docs/`` (one article per file) and ``labels.tsv`` (doc, story, kind).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from normalizer.link_type import LINK_TYPES
from tests.quality import ORDERS, cluster_documents, load_labels, pair_types, score, scores_by


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, nargs="?", default=Path("fixtures/dedup"))
    parser.add_argument("--show", type=int, default=15, help="how many misses and false merges to list")
    args = parser.parse_args()
    labels = load_labels(args.folder)
    clusters = cluster_documents(args.folder)
    scores = score(labels, clusters)
    print(f"documents {len(labels)}, true pairs {scores.true_pairs}, found pairs {scores.found_pairs}")
    print(f"pair precision {scores.precision:.4f}  recall {scores.recall:.4f}  ARI {scores.ari:.4f}")
    for order in ORDERS[1:]:
        again = score(labels, cluster_documents(args.folder, order=order))
        print(
            f"  {order:<11} precision {again.precision:.4f}  recall {again.recall:.4f}  ARI {again.ari:.4f}"
        )
    for group in ("kind", "script"):
        # The lowest figure over every presentation order, per class and per script.
        worst: dict[str, tuple[float, float, int]] = {}
        for order in ORDERS:
            for name, (p, r, n) in scores_by(
                labels, cluster_documents(args.folder, order=order), group
            ).items():
                old = worst.get(name, (1.0, 1.0, n))
                worst[name] = (min(old[0], p), min(old[1], r), n)
        print(f"by {group} (lowest over the {len(ORDERS)} orders): precision / recall / true pairs")
        for name, (p, r, n) in worst.items():
            print(f"  {name:<24} {p:.4f}  {r:.4f}  {n:>5}")
    missed_kinds = Counter(
        labels[b][1] if labels[a][1] == "original" else labels[a][1] for a, b in scores.misses
    )
    print("missed pairs by kind:", dict(missed_kinds.most_common()))
    for a, b in scores.misses[: args.show]:
        print(f"  miss   {a}  ~  {b}")
    for a, b in scores.false_merges[: args.show]:
        print(f"  merged {a}  ~  {b}")
    rows = pair_types(args.folder)
    confusion = Counter((expected, found) for _, expected, found in rows)
    columns = [*LINK_TYPES, "unlinked"]
    correct = sum(confusion[t, t] for t in LINK_TYPES)
    print(f"link types of {len(rows)} copies against their originals: accuracy {correct / len(rows):.4f}")
    print(f"{'expected / found':<18}" + "".join(f"{c:>10}" for c in columns))
    for expected in LINK_TYPES:
        print(f"{expected:<18}" + "".join(f"{confusion[expected, c]:>10}" for c in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
