"""Republishing over HTTP: the current feed, RFC 5005 archive pages, a JSON view
of the story clusters, and the desk: the clusters in a browser (``desk.py``); ETag,
Last-Modified and 304s on all of them.

A WSGI application (any WSGI server can run it); ``newsnorm serve`` runs it
with waitress. The documents are cut from the store's change log:

- ``/feed.atom``: the subscription document, the entries of the last
  ``page_size`` changes, with a ``prev-archive`` link to the newest archive page;
- ``/archive/N.atom``: page N holds the entries changed in log rows
  ``(N-1)*page_size+1 .. N*page_size``, once all of them exist. Its entries
  are kept as first published, so the page never changes; its links to
  neighbours are added as they appear (RFC 5005 §4.1: not a meaningful change);
- ``/clusters.json``: the story clusters of more than one member, each with the URL
  of its story page;
- ``/`` and ``/story/ID`` (HTML): the desk (see ``desk.py``); ``/index.json`` lists
  the documents for programs.

Each thread keeps its own store connection. A rendered document is kept in
memory until the log moves on, so a poll of an unchanged feed costs one query.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, TypeVar, cast

from waitress.server import TcpWSGIServer, create_server

from feeds.publish.atom import (
    FEED_END,
    FeedInfo,
    FeedPart,
    feed_head,
    feed_info,
    feed_updated,
    iter_entries,
    rfc3339,
    write_atom,
)
from feeds.publish.desk import CONTENT_SECURITY_POLICY, Desk, DeskQuery, story_id
from feeds.publish.reports import Cluster, cluster_view, clusters_of
from normalizer.errors import SettingsError
from normalizer.settings import Settings
from normalizer.store import Store, open_store
from normalizer.store.search import SearchQueryError, query_phrases

__all__ = ["ServeConfig", "make_app", "serve_store"]

T = TypeVar("T")
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_ARCHIVE = re.compile(r"^/archive/([1-9][0-9]{0,9})\.atom$")
_STORY = re.compile(r"^/story/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_HTML = "text/html; charset=utf-8"
_CSS = "text/css; charset=utf-8"
# On every page of the desk: the policy, and no guessing of types, no referrer
# leaking the desk's address to the outlets its pages link to.
_PAGE_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
# Search results the desk narrows its clusters to.
_FOUND_LIMIT = 1000
_ATOM = "application/atom+xml; charset=utf-8"
_JSON = "application/json; charset=utf-8"
# waitress's limits: idle keep-alive clients and half-sent requests are dropped after
# CHANNEL_TIMEOUT s, so they cannot hold every connection slot; only GET and HEAD are
# served, so a request body is refused (413) rather than spooled to disk.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT = 30
MAX_REQUEST_BODY = 1024
_REASONS = {200: "200 OK", 304: "304 Not Modified", 404: "404 Not Found", 405: "405 Method Not Allowed"}


@dataclass(frozen=True)
class ServeConfig:
    """What the server publishes and how it is paged."""

    info: FeedInfo
    page_size: int = 50
    collapse: bool = False
    # Where clients reach the server (scheme, host, port, path), for the absolute links
    # of its documents; never a client's Host header, which anyone can set and which
    # archive pages, cached publicly for a day, would carry to everyone.
    base_url: str = "http://127.0.0.1:8080"

    @property
    def series(self) -> str:
        """The name archive pages are kept under: another page size is another series."""
        return f"{self.page_size}:{'collapsed' if self.collapse else 'all'}"


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None
    cache: str = "no-cache"
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def _not_modified(environ: dict[str, Any], response: _Response) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or response.etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since and response.last_modified is not None:
        try:
            return response.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class _App:
    """The WSGI callable; see :func:`make_app`."""

    def __init__(self, open_store: Callable[[], Store], config: ServeConfig) -> None:
        self._open_store = open_store
        self.config = config
        self.base = config.base_url.rstrip("/")
        self._local = threading.local()
        self._cache: dict[str, tuple[int, Any]] = {}
        self._cache_lock = threading.Lock()
        # One render at a time: a document costs the whole store to make (the cluster
        # view reads every article), and eight clients asking at once must not make it
        # eight times over.
        self._render_lock = threading.Lock()
        self._desk = Desk(config.info.title)

    def _store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open_store()
            self._local.store = store
        return store

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        if method not in ("GET", "HEAD"):
            response = _Response(405, b"GET or HEAD only\n", "text/plain; charset=utf-8")
        else:
            response = self._route(path, environ.get("QUERY_STRING") or "")
        status = response.status
        headers = [("Content-Type", response.content_type), *response.headers]
        if status == 200:
            headers += [("ETag", response.etag), ("Cache-Control", response.cache)]
            if response.last_modified is not None:
                headers.append(("Last-Modified", format_datetime(response.last_modified, usegmt=True)))
            if _not_modified(environ, response):
                status = 304
                headers = [h for h in headers if h[0] != "Content-Type"]
        body = b"" if status == 304 or method == "HEAD" else response.body
        if method == "HEAD" or status != 304:
            headers.append(("Content-Length", str(len(response.body if method == "HEAD" else body))))
        start_response(_REASONS.get(status, f"{status} Error"), headers)
        return [body]

    def _route(self, path: str, query: str) -> _Response:
        documents: dict[str, Callable[[], _Response]] = {
            "/": lambda: self._desk_index(DeskQuery.parse(query)),
            "/index.json": self._index,
            "/desk.css": lambda: _Response(200, self._desk.style(), _CSS, cache="public, max-age=3600"),
            "/feed.atom": lambda: self._cached("feed", self._current),
            "/clusters.json": lambda: self._cached("clusters", self._clusters),
        }
        if path in documents:
            return documents[path]()
        story = _STORY.match(path)
        if story:
            return self._story(story.group(1), DeskQuery.parse(query).page)
        archive = _ARCHIVE.match(path)
        if archive:
            return self._archive(int(archive.group(1)))
        return _Response(404, f"no such document: {path}\n".encode(), "text/plain; charset=utf-8")

    def _last_seq(self) -> int:
        last = self._store().last_change()
        return last.seq if last else 0

    def _cached(self, name: str, render: Callable[[int], T]) -> T:
        """A rendered document (or what documents are made from), made again only when
        the change log has moved, one making at a time."""
        seq = self._last_seq()
        with self._cache_lock:
            kept = self._cache.get(name)
        if kept is not None and kept[0] == seq:
            return cast(T, kept[1])
        with self._render_lock:
            with self._cache_lock:
                kept = self._cache.get(name)
            if kept is not None and kept[0] >= seq:
                return cast(T, kept[1])  # made by the request this one waited for
            response = render(seq)
            with self._cache_lock:
                self._cache[name] = (seq, response)
        return response

    def _pages(self, last: int) -> int:
        """How many archive pages are complete."""
        return last // self.config.page_size

    def _clusters_now(self) -> tuple[list[Cluster], dict[str, str]]:
        """The store's clusters of two or more (their members without bodies), and the
        cluster key of every article by its story ID."""
        return self._cached("stories", self._stories)

    def _stories(self, last: int) -> tuple[list[Cluster], dict[str, str]]:
        del last  # the cache key
        store = self._store()
        clusters = clusters_of(store.shared_members(), store.canonical)
        return clusters, {story_id(key): cluster for key, cluster in store.story_keys()}

    def _desk_index(self, query: DeskQuery) -> _Response:
        clusters, _ = self._clusters_now()
        found: set[str] | None = None
        problem = ""
        if query.q:
            try:
                hits = self._store().search(query_phrases(query.q), limit=_FOUND_LIMIT)
                found = {hit.cluster_key for hit in hits}
            except SearchQueryError:
                found, problem = set(), f"{query.q!r} has no word to look for"
        body = self._desk.index(self.base, clusters, query, found, problem)
        return _Response(200, body, _HTML, headers=_PAGE_HEADERS)

    def _story(self, wanted: str, page: int) -> _Response:
        _, by_id = self._clusters_now()
        key = by_id.get(wanted)
        if key is None:
            return _Response(404, f"no such story: {wanted}\n".encode(), "text/plain; charset=utf-8")
        store = self._store()
        # One story read whole, with its texts; the rest of the store is not.
        members = store.cluster_members(key)
        if not members:
            # Merged into another since the IDs were read: the log has moved since, so
            # they are read again.
            key = self._clusters_now()[1].get(wanted, key)
            members = store.cluster_members(key)
        if not members:
            return _Response(404, f"no such story: {wanted}\n".encode(), "text/plain; charset=utf-8")
        (cluster,) = clusters_of(members, store.canonical)
        body = self._desk.story(self.base, cluster, store.canonical, page)
        return _Response(200, body, _HTML, headers=_PAGE_HEADERS)

    def _index(self) -> _Response:
        base = self.base
        pages = self._pages(self._last_seq())
        index = {
            "desk": f"{base}/",
            "feed": f"{base}/feed.atom",
            "clusters": f"{base}/clusters.json",
            "archive_pages": pages,
            "newest_archive": f"{base}/archive/{pages}.atom" if pages else None,
            "page_size": self.config.page_size,
        }
        return _Response(200, json.dumps(index, indent=2).encode() + b"\n", _JSON)

    def _current(self, last: int) -> _Response:
        base = self.base
        store, config = self._store(), self.config
        pages = self._pages(last)
        links = [("self", f"{base}/feed.atom")]
        if pages:
            links.append(("prev-archive", f"{base}/archive/{pages}.atom"))
        part = FeedPart(changes=(max(0, last - config.page_size), last), links=tuple(links), story_pages=base)
        body = io.BytesIO()
        updated = write_atom(body, store, config.info, config.collapse, part)
        return _Response(200, body.getvalue(), _ATOM, updated, "no-cache")

    def _archive(self, page: int) -> _Response:
        base = self.base
        store, config = self._store(), self.config
        pages = self._pages(self._last_seq())
        if page > pages:
            return _Response(404, f"archive page {page} is not complete yet\n".encode(), "text/plain")
        kept = store.archive_page(config.series, page)
        if kept is None:
            changes = ((page - 1) * config.page_size, page * config.page_size)
            part = FeedPart(changes=changes, story_pages=base)
            entries = b"".join(iter_entries(store, config.collapse, part))
            kept = store.save_archive_page(
                config.series, page, entries, rfc3339(feed_updated(store, config.collapse, part))
            )
        entries, published = kept
        links = [("self", f"{base}/archive/{page}.atom"), ("current", f"{base}/feed.atom")]
        if page > 1:
            links.append(("prev-archive", f"{base}/archive/{page - 1}.atom"))
        if page < pages:
            links.append(("next-archive", f"{base}/archive/{page + 1}.atom"))
        updated = datetime.fromisoformat(published.replace("Z", "+00:00"))
        head = feed_head(config.info, updated, FeedPart(links=tuple(links), archive=True))
        return _Response(200, head + entries + FEED_END, _ATOM, updated, "public, max-age=86400")

    def _clusters(self, last: int) -> _Response:
        del last  # the cache key: the view is re-made when the log moves
        store = self._store()
        view = cluster_view(clusters_of(store.shared_members(), store.canonical), store.canonical)
        for cluster in view["clusters"]:
            cluster["url"] = f"{self.base}/story/{cluster['id'].removeprefix('urn:uuid:')}"
        body = json.dumps(view, ensure_ascii=False, indent=2).encode() + b"\n"
        last_change = store.last_change()
        modified = datetime.fromisoformat(last_change.at) if last_change else None
        return _Response(200, body, _JSON, modified)


def make_app(open_store: Callable[[], Store], config: ServeConfig) -> Callable[..., Iterable[bytes]]:
    """The WSGI application serving a store; ``open_store`` opens one connection
    (called once per server thread)."""
    return _App(open_store, config)


def serve_store(settings: Settings, collapse: bool = False) -> TcpWSGIServer:
    """A waitress server for the store, bound and ready: call ``run()`` on it.

    Its links start with ``settings.base_url``, else with the address it listens on;
    listening on every interface, it needs a base URL (no client's Host header
    makes its links).
    """
    if not settings.base_url and settings.host in ("0.0.0.0", "::", ""):
        raise SettingsError(
            f"serve on {settings.host or 'every interface'}: give --base-url (the address clients "
            "use, e.g. https://feeds.example.com), for the links the documents carry"
        )

    def connect() -> Store:
        return open_store(settings, create=False)

    config = ServeConfig(
        feed_info(settings), page_size=settings.page_size, collapse=collapse, base_url=settings.base_url
    )
    app = _App(connect, config)
    try:
        server = create_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=4,
            ident="newsnorm",
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT,
            max_request_body_size=MAX_REQUEST_BODY,
        )
    except OSError as error:
        raise SettingsError(
            f"cannot listen on {settings.host}:{settings.port}: {error.strerror or error}"
        ) from None
    assert isinstance(server, TcpWSGIServer)  # one host and port: one socket
    if not settings.base_url:
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        app.base = f"http://{host}:{server.getsockname()[1]}"
    return server
