"""Reports for people and programs: one source for ``dups``, ``clean`` and ``serve``.

:func:`story_clusters` groups a store's articles; :func:`dups_document` is the
JSON of ``newsnorm dups --format json``, :func:`cluster_view` that of ``serve``'s
``/clusters.json``, and :func:`cluster_table` the table of ``dups``. Every member
is described once, by :func:`member_link`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from feeds.publish.atom import atom_id
from normalizer.canonical import CanonicalRule, Member, cluster_member, explain_canonical
from normalizer.model import Article
from normalizer.store import Store, StoredArticle
from normalizer.store.search import snippet
from normalizer.values import public_location

__all__ = [
    "Cluster",
    "article_document",
    "cluster_table",
    "cluster_view",
    "clusters_of",
    "dups_document",
    "link_text",
    "member_link",
    "search_document",
    "search_table",
    "story_clusters",
]


@dataclass(frozen=True)
class Cluster:
    """A story cluster for reports: canonical member first, then by similarity.

    ``why`` says, per member key, why it is or is not the canonical member.
    """

    key: str
    members: tuple[StoredArticle, ...]
    why: dict[str, str] = field(default_factory=dict)


def _member(stored: StoredArticle, order: int) -> Member:
    article, origin = stored.article, stored.article.origin
    return cluster_member(
        article.key,
        article.published,
        stored.word_count,
        order,
        source=(article.agency, article.url, origin.feed_link, origin.feed_id, origin.name),
        link=(stored.link_type, stored.linked_to),
    )


def story_clusters(store: Store, rule: CanonicalRule | None = None) -> list[Cluster]:
    """Every cluster of the store, singletons included, in a stable order.

    ``rule`` is the canonical rule the store was opened with, for the reasons.
    """
    return clusters_of(store.stored_articles(), rule)


def clusters_of(stored_articles: Iterable[StoredArticle], rule: CanonicalRule | None = None) -> list[Cluster]:
    """The clusters these stored articles (in storing order, each cluster whole) form,
    largest first (see :func:`story_clusters`)."""
    grouped: dict[str, list[tuple[int, StoredArticle]]] = {}
    for order, stored in enumerate(stored_articles):
        grouped.setdefault(stored.cluster_key, []).append((order, stored))
    clusters = []
    for key, entries in grouped.items():
        ranked = [_member(stored, order) for order, stored in entries]
        members = sorted(
            (s for _, s in entries), key=lambda s: (not s.canonical, -s.similarity, s.article.input_id)
        )
        clusters.append(Cluster(key=key, members=tuple(members), why=explain_canonical(ranked, rule)))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0].article.input_id))
    return clusters


def member_link(member: StoredArticle) -> dict[str, Any]:
    """How one member joined its cluster: the type, the rule and the figures that decided it."""
    figures = member.link_similarity
    return {
        "id": member.article.input_id,
        "linked_to": member.linked_to,
        "type": member.link_type,
        "rule": member.rule,
        "jaccard": figures.jaccard if figures else None,
        "containment_new": figures.containment_new if figures else None,
        "containment_old": figures.containment_old if figures else None,
    }


def dups_document(clusters: list[Cluster], store: Store) -> dict[str, Any]:
    """``dups --format json``: the partition, every link, every canonical standing."""
    return {
        "clusters": [[m.article.input_id for m in cluster.members] for cluster in clusters],
        "links": [member_link(m) for cluster in clusters for m in cluster.members if m.rule != "founder"],
        "canonical": [
            {
                "id": m.article.input_id,
                "canonical": m.canonical,
                "why": cluster.why.get(m.article.key, ""),
                "superseded_by": m.superseded_by,
            }
            for cluster in clusters
            if len(cluster.members) > 1
            for m in cluster.members
        ],
        # Pairs the text linked and other evidence kept apart: figures, template, dates.
        "refused": [
            {"id": article, "candidate": candidate, "reason": reason}
            for article, candidate, reason in store.refusals()
        ],
        "canonical_rule": store.canonical.describe(),
        "params": store.meta(),
    }


def cluster_view(clusters: list[Cluster], rule: CanonicalRule) -> dict[str, Any]:
    """``/clusters.json``: the clusters of two or more members, each member with its
    entry id, standing and link."""
    return {
        "canonical_rule": rule.describe(),
        "clusters": [
            {
                "id": atom_id(cluster.key),
                "size": len(cluster.members),
                "members": [
                    {
                        **member_link(m),
                        "id": atom_id(m.article.key),
                        "input_id": m.article.input_id,
                        "title": m.article.title,
                        "canonical": m.canonical,
                        "why": cluster.why.get(m.article.key, ""),
                        "similarity": round(m.similarity, 4),
                        "source": m.article.origin.feed_title or public_location(m.article.origin.name),
                    }
                    for m in cluster.members
                ],
            }
            for cluster in clusters
            if len(cluster.members) > 1
        ],
    }


def link_text(member: StoredArticle) -> str:
    """Which test linked a member, with the figure that passed it."""
    figures = member.link_similarity
    if figures is None or member.rule == "founder":
        return "founded the cluster"
    kind = member.link_type
    if member.rule == "exact":
        return f"{kind}: same text"
    if member.rule == "jaccard":
        return f"{kind}: jaccard {figures.jaccard:.2f}"
    if member.rule == "headline":
        return f"{kind}: same headline"
    return f"{kind}: contained {max(figures.containment_new, figures.containment_old):.2f}"


def _cut(text: str, width: int) -> str:
    """At most ``width`` characters, cut on the right with an ellipsis."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def cluster_table(clusters: list[Cluster], rule: CanonicalRule, width: int | None = None) -> str:
    """The table ``dups`` prints: a line per member, clusters numbered; long fields are
    cut on the right, and with a terminal ``width`` each line fits it."""
    header = f"{'cluster':<8}{'sim':>6}  {'linked by':<28} {'canonical?':<34} {'source':<24} title [id]"
    lines = [header[:width] if width else header]
    fixed = len(f"{'':<8}{'':>6}  {'':<28} {'':<34} {'':<24} ")
    for number, cluster in enumerate(clusters, start=1):
        for member in cluster.members:
            article = member.article
            why = cluster.why.get(article.key, "")
            standing = f"{'yes' if member.canonical else 'no'}: {why}"
            source = _cut(public_location(article.origin.feed_title or article.origin.name), 24)
            # The id is what a reader looks the article up by: the title gives way.
            room = max(20, width - fixed - len(article.input_id) - 4) if width else 60
            lines.append(
                f"{number:<8}{member.similarity:>6.2f}  {_cut(link_text(member), 28):<28} {standing:<34} "
                f"{source:<24} {_cut(article.title, room)}  [{article.input_id}]"
            )
    lines.append(f"sim: Jaccard similarity to the canonical member; canonical rule: {rule.describe()}")
    return "\n".join(lines)


def article_document(article: Article, url: str | None = None) -> dict[str, Any]:
    """``clean --format json``: one cleaned article, with what cleaning removed."""
    dateline = article.dateline
    return {
        "title": article.title,
        "body": article.body,
        "dateline": (
            {
                "place": dateline.place,
                "date": dateline.date,
                "month": dateline.month,
                "day": dateline.day,
                "raw": dateline.raw,
            }
            if dateline
            else None
        ),
        "agency": article.agency,
        "byline": article.byline,
        "published": article.published.isoformat() if article.published else None,
        "url": url or article.url,
        "language": article.language,
        "input_id": article.input_id,
        "removed": [{"rule": r.rule, "text": r.text} for r in article.removed],
    }


def ingest_document(
    summary: Any, store_name: str, seconds: float, output: str | None = None, wrote: bool | None = None
) -> dict[str, Any]:
    """``ingest``/``run --format json``: what the run read and did, in one object.

    ``summary`` is the jobs' IngestSummary (counts, rejected, skipped, passed over).
    """
    counts = summary.counts
    document: dict[str, Any] = {
        "inputs": summary.documents,
        "entries": {
            "read": counts.read, "new": counts.new, "near_duplicates": counts.duplicates,
            "updated": counts.updated, "unchanged": counts.unchanged,
        },
        "not_modified": summary.not_modified,
        "not_due": summary.not_due,
        "rejected": [{"source": r.source, "reason": r.reason} for r in summary.rejected],
        "skipped": [{"source": s.source, "entry": s.entry, "reason": s.reason} for s in summary.skipped],
        "passed_over": [{"source": p.source, "reason": p.reason} for p in summary.passed_over],
        "store": {"name": store_name, "articles": summary.stored},
        "seconds": round(seconds, 3),
    }  # fmt: skip
    if output is not None:
        document["output"] = {"path": output, "written": bool(wrote)}
    return document


def feeds_document(states: list[Any], now: Any) -> list[dict[str, Any]]:
    """``feeds --format json``: every polled feed, as the store keeps its state, and
    whether a run now would fetch it (not gone, not waiting)."""
    return [
        {
            "url": s.url,
            "status": s.status,
            "checked_at": s.checked_at,
            "changed_at": s.changed_at,
            "next_at": s.next_at,
            "due": s.next_at is None or s.next_at <= now.isoformat(),
            "failures": s.failures,
            "gone": s.gone,
            "moved_to": s.moved_to,
            "problem": s.problem,
        }
        for s in states
    ]


def feeds_table(states: list[Any], now: Any, width: int | None = None) -> str:
    """The table ``feeds`` prints: a line per feed, long fields cut on the right."""
    lines = [f"{'status':<7} {'failures':>8}  {'last change':<25} {'next due':<25} feed"]
    for row in feeds_document(states, now):
        status = "gone" if row["gone"] else str(row["status"] or "-")
        next_due = "now" if row["due"] else (row["next_at"] or "never")
        feed = row["url"] + (f" -> {row['moved_to']}" if row["moved_to"] else "")
        line = f"{status:<7} {row['failures']:>8}  {row['changed_at'] or '-':<25} {next_due:<25} {feed}"
        lines.append(_cut(line, width) if width else line)
    return "\n".join(lines)


def search_document(found: list[StoredArticle], phrases: tuple[str, ...]) -> list[dict[str, Any]]:
    """``search --format json``: the articles found, best first, each with its story
    cluster and the piece of its text that matched."""
    return [
        {
            "key": s.article.key,
            "id": atom_id(s.article.key),
            "title": s.article.title,
            "url": s.article.url,
            "source": public_location(s.article.origin.name),
            "published": s.article.published.isoformat() if s.article.published else None,
            "updated": s.entry_time.isoformat(),
            "language": s.article.language,
            "cluster": s.cluster_key,
            "cluster_size": s.cluster_size,
            "canonical": s.canonical,
            "snippet": snippet(s.article.paragraphs or (s.article.title,), phrases),
        }
        for s in found
    ]


def search_table(found: list[StoredArticle], phrases: tuple[str, ...], width: int | None = None) -> str:
    """What ``search`` prints: per article its time, title and source, then the piece
    of text that matched (long lines cut on the right)."""
    lines: list[str] = []
    for row in search_document(found, phrases):
        copies = f"  [{row['cluster_size']} copies]" if row["cluster_size"] > 1 else ""
        head = f"{row['updated'][:16]}  {row['title']}  ({row['source']}){copies}"
        lines.extend((_cut(head, width) if width else head, f"    {row['snippet']}"))
    return "\n".join(lines)


def emit_document(
    tally: Any, output: str, store_name: str, seconds: float, *, changed: bool, collapse: bool
) -> dict[str, Any]:
    """``emit --format json``: what was written (``tally`` is atom's Tally: the entries
    written, and those left out with why)."""
    return {
        "output": output,
        "entries": tally.entries,
        "left_out": [{"entry": s.entry, "reason": s.reason} for s in tally.left_out],
        "changed_only": changed,
        "collapsed": collapse,
        "store": store_name,
        "seconds": round(seconds, 3),
    }
