"""The desk view: the story clusters in a browser, for the editor who wants to see
which outlets ran the same wire story, how each copy differs from the original, and
which copy the feed shows.

- ``/``: the newest clusters of two or more copies, each with its headline, agency,
  dateline, copies, sources (the canonical one marked), first and last seen; paged,
  with a search box over the store's full-text index and filters by source, agency
  and link type;
- ``/story/ID``: every member with its source, times, link type and the figures that
  linked it, why it is (not) canonical, the chrome removed from it (with the rules),
  and a side-by-side diff of its text against the canonical copy (see ``diff.py``).

A story's ID is the UUID of its ``nn:story/@cluster`` (the founder's atom:id), so a
feed reader's entry leads to its page; the ID of any member leads there too, so a
link stays good when its cluster is merged into another.

Server-rendered with Jinja2, every value escaped (feed titles and bodies are a
stranger's text), no script at all: the pages are sent with a Content-Security-Policy
that allows none, and a style sheet of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from feeds.publish.atom import atom_id
from feeds.publish.diff import Piece, Row, paragraph_diff, word_diff
from feeds.publish.reports import Cluster, link_text
from normalizer.canonical import CanonicalRule
from normalizer.store import StoredArticle
from normalizer.values import public_location

__all__ = ["CONTENT_SECURITY_POLICY", "STORIES_PER_PAGE", "Desk", "DeskQuery", "story_id"]

STORIES_PER_PAGE = 20
MEMBERS_PER_PAGE = 25
# No script, no inline style, nothing from elsewhere; forms post back here only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_MAX_FIELD = 200


def story_id(key: str) -> str:
    """The ID of a story page: the UUID of the atom:id of an article of the story."""
    return atom_id(key).removeprefix("urn:uuid:")


@dataclass(frozen=True)
class DeskQuery:
    """What the index page is asked for: words, filters and a page (1 is the newest)."""

    q: str = ""
    source: str = ""
    agency: str = ""
    link_type: str = ""
    page: int = 1

    @classmethod
    def parse(cls, query_string: str) -> DeskQuery:
        """The query of a URL; values too long are cut, a bad page is the first."""
        fields = parse_qs(query_string, keep_blank_values=False)

        def one(name: str) -> str:
            return (fields.get(name) or [""])[0].strip()[:_MAX_FIELD]

        page = one("page")
        return cls(
            q=one("q"),
            source=one("source"),
            agency=one("agency"),
            link_type=one("type"),
            page=int(page) if page.isdigit() and 0 < int(page) < 10**6 else 1,
        )

    @property
    def any(self) -> bool:
        """Whether anything narrows the list."""
        return bool(self.q or self.source or self.agency or self.link_type)

    def link(self, base: str, page: int) -> str:
        """This query's URL at another page."""
        values = {"q": self.q, "source": self.source, "agency": self.agency, "type": self.link_type}
        kept = {k: v for k, v in values.items() if v}
        if page > 1:
            kept["page"] = str(page)
        return f"{base}/" + (f"?{urlencode(kept)}" if kept else "")


def _source(member: StoredArticle) -> str:
    origin = member.article.origin
    return origin.feed_title or public_location(origin.name)


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _dateline(member: StoredArticle) -> str:
    dateline = member.article.dateline
    if dateline is None:
        return ""
    return ", ".join(part for part in (dateline.place, dateline.date) if part)


@dataclass(frozen=True)
class _StoryRow:
    id: str
    title: str
    agency: str
    dateline: str
    copies: int
    sources: tuple[str, ...]
    canonical_source: str
    first_seen: str
    last_seen: str
    link_types: frozenset[str]
    last_key: str  # for the order: last seen, newest first


def _story_row(cluster: Cluster) -> _StoryRow:
    canonical = cluster.members[0]
    seen = sorted(m.first_seen for m in cluster.members)
    agency = next((m.article.agency for m in cluster.members if m.article.agency), "")
    dateline = next((_dateline(m) for m in cluster.members if m.article.dateline), "")
    return _StoryRow(
        id=story_id(cluster.key),
        title=canonical.article.title,
        agency=agency or "",
        dateline=dateline,
        copies=len(cluster.members),
        sources=tuple(sorted({_source(m) for m in cluster.members})),
        canonical_source=_source(canonical),
        first_seen=_minute(seen[0]),
        last_seen=_minute(seen[-1]),
        link_types=frozenset(m.link_type for m in cluster.members if m.link_type),
        last_key=seen[-1].isoformat(),
    )


def _linked_to(member: StoredArticle, cluster: Cluster) -> str:
    if member.rule == "founder":
        return ""
    linked = next((m for m in cluster.members if m.article.key == member.linked_to), None)
    if linked is None:
        return ""
    return f", to “{linked.article.title}” ({_source(linked)})"


class Desk:
    """Renders the desk's pages from the store's clusters (the caller caches those)."""

    def __init__(self, feed_title: str) -> None:
        self.feed_title = feed_title
        self._templates = Environment(
            loader=PackageLoader("feeds.publish", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def style(self) -> bytes:
        """The style sheet (served as a file: the policy allows no inline style)."""
        loader = self._templates.loader
        assert loader is not None
        source, _, _ = loader.get_source(self._templates, "desk.css")
        return source.encode("utf-8")

    def _render(self, name: str, **values: Any) -> bytes:
        page = self._templates.get_template(name).render(feed_title=self.feed_title, **values)
        return page.encode("utf-8")

    def index(
        self,
        base: str,
        clusters: Sequence[Cluster],
        query: DeskQuery,
        found: set[str] | None,
        problem: str = "",
    ) -> bytes:
        """The index page (its links under ``base``): ``found`` holds the cluster keys
        the search found (None: no search was asked for)."""
        stories = [c for c in clusters if len(c.members) > 1]
        rows = [_story_row(c) for c in stories if found is None or c.key in found]
        if query.source:
            rows = [r for r in rows if query.source in r.sources]
        if query.agency:
            rows = [r for r in rows if r.agency == query.agency]
        if query.link_type:
            rows = [r for r in rows if query.link_type in r.link_types]
        rows.sort(key=lambda r: r.id)
        rows.sort(key=lambda r: r.last_key, reverse=True)
        pages = max(1, -(-len(rows) // STORIES_PER_PAGE))
        page = min(query.page, pages)
        shown = rows[(page - 1) * STORIES_PER_PAGE : page * STORIES_PER_PAGE]
        return self._render(
            "index.html",
            base=base,
            query=query,
            rows=shown,
            total=len(rows),
            pages=pages,
            previous=query.link(base, page - 1) if page > 1 else "",
            next=query.link(base, page + 1) if page < pages else "",
            sources=sorted({_source(m) for c in stories for m in c.members}),
            agencies=sorted({m.article.agency for c in stories for m in c.members if m.article.agency}),
            link_types=sorted({t for c in stories for m in c.members if (t := m.link_type)}),
            problem=problem,
        )

    def story(self, base: str, cluster: Cluster, rule: CanonicalRule, page: int = 1) -> bytes:
        """A story's page: its members (MEMBERS_PER_PAGE at a time), each against the canonical copy."""
        canonical = cluster.members[0]
        pages = max(1, -(-len(cluster.members) // MEMBERS_PER_PAGE))
        page = min(max(page, 1), pages)
        start = (page - 1) * MEMBERS_PER_PAGE
        shown = cluster.members[start : start + MEMBERS_PER_PAGE]
        link = f"{base}/story/{story_id(cluster.key)}"
        return self._render(
            "story.html",
            base=base,
            story=_story_row(cluster),
            rule=rule.describe(),
            members=[self._member(m, canonical, cluster) for m in shown],
            first=start + 1,
            last=start + len(shown),
            previous=f"{link}?page={page - 1}" if page > 1 else "",
            next=f"{link}?page={page + 1}" if page < pages else "",
        )

    def _member(self, member: StoredArticle, canonical: StoredArticle, cluster: Cluster) -> dict[str, Any]:
        article = member.article
        rows: list[Row] = []
        title_diff: tuple[tuple[Piece, ...], tuple[Piece, ...]] | None = None
        if not member.canonical:
            rows = paragraph_diff(canonical.article.paragraphs, article.paragraphs)
            if article.title != canonical.article.title:
                title_diff = word_diff(canonical.article.title, article.title)
        url = article.url if article.url and article.url.startswith(("http://", "https://")) else ""
        return {
            "title": article.title,
            "canonical": member.canonical,
            "source": _source(member),
            "url": url,
            "published": _minute(article.published) if article.published else "",
            "first_seen": _minute(member.first_seen),
            "link": link_text(member) + _linked_to(member, cluster),
            "why": cluster.why.get(article.key, ""),
            "superseded_by": member.superseded_by or "",
            "paragraphs": article.paragraphs,
            "rows": rows,
            "title_diff": title_diff,
            "removed": [(r.rule, r.text) for r in article.removed],
        }
