"""A real HTTP server on 127.0.0.1 for the fetch tests, with the kinds of answer
feed sites give: a feed with validators, errors, a slow server, a huge or
inflating body, redirect chains and loops, a wrong content type, an OPML list.

It runs in a thread of the test process and records every request it gets.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .conftest import DEMO

FEED = (DEMO / "bbc.rss.xml").read_bytes()
OTHER_FEED = (DEMO / "heise.atom").read_bytes()
ETAG = '"bbc-v1"'
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
SLOW_SECONDS = 3.0
MEGABYTE = 1024 * 1024


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    """The running server: its base URL and the requests it has answered."""

    base: str
    seen: list[Seen] = field(default_factory=list)
    feed: bytes = FEED
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


_TEXT = {"Content_Type": "text/plain"}
# A Russian feed in KOI8-R with no encoding declaration: only the HTTP charset says it.
KOI8_TITLE = "Правительство обсудило меры поддержки"
KOI8_FEED = (
    f"<rss version='2.0'><channel><title>Новости</title><item><guid>urn:koi8:1</guid>"
    f"<title>{KOI8_TITLE}</title><description>Правительство в среду обсудило новые меры поддержки "
    "экономики, в том числе льготные кредиты для малого бизнеса.</description></item></channel></rss>"
).encode("koi8-r")
# Answers that never change: status, body, headers.
_FIXED: dict[str, tuple[int, bytes, dict[str, str]]] = {
    "/atom": (200, OTHER_FEED, {"Content_Type": "application/atom+xml"}),
    "/missing": (404, b"not here", _TEXT),
    "/broken": (500, b"oops", _TEXT),
    "/busy": (503, b"later", {**_TEXT, "Retry_After": "120"}),
    "/huge": (200, b"<rss>" + b" " * (2 * MEGABYTE) + b"</rss>", {}),
    "/inflating": (
        200,
        gzip.compress(b"<rss>" + b" " * (50 * MEGABYTE) + b"</rss>", compresslevel=9),
        {"Content_Encoding": "gzip"},
    ),
    "/gzipped": (200, gzip.compress(FEED), {"Content_Encoding": "gzip"}),
    "/loop": (302, b"", {"Location": "/loop"}),
    # Redirects a hostile feed's server might send: to a cloud metadata service, a
    # private network, loopback by IPv6, an IPv4-mapped address and a name.
    "/to-metadata": (302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}),
    "/to-private": (302, b"", {"Location": "http://10.0.0.1/admin"}),
    "/to-ula": (302, b"", {"Location": "http://[fd00::1]/"}),
    "/to-mapped": (302, b"", {"Location": "http://[::ffff:192.168.1.1]/"}),
    "/to-name": (302, b"", {"Location": "http://metadata.google.internal/computeMetadata/v1/"}),
    "/picture": (200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {"Content_Type": "image/png"}),
    "/koi8": (200, KOI8_FEED, {"Content_Type": "application/rss+xml; charset=KOI8-R"}),
}


def _zstd_bomb() -> bytes:
    """About 200 MB of spaces as one Zstandard frame of a few KB (made a piece at a
    time, so the test never holds the 200 MB either)."""
    import zstandard

    compressor = zstandard.ZstdCompressor(level=19).compressobj()
    piece = b" " * MEGABYTE
    frame = compressor.compress(b"<rss>")
    for _ in range(200):
        frame += compressor.compress(piece)
    return frame + compressor.flush()


def _opml(server: FeedServer) -> bytes:
    outlines = "".join(
        f'<outline text="{name}" type="rss" xmlUrl="{server.url(name)}"/>' for name in ("/feed", "/atom")
    )
    return (
        '<?xml version="1.0"?><opml version="2.0"><head><title>desk</title></head><body>'
        f'<outline text="wires">{outlines}<outline text="mail" xmlUrl="mailto:desk@example.org"/>'
        f'<outline text="again" xmlUrl="{server.url("/feed")}"/></outline>'
        "</body></opml>"
    ).encode()


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read ``server.seen`` instead."""

        def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            named = {name.replace("_", "-"): value for name, value in headers.items()}
            named.setdefault("Content-Type", "application/rss+xml; charset=utf-8")
            for name, value in named.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            server.seen.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}))
            exact = {
                "/feed": self._feed,
                "/dated": self._dated,
                "/slow": self._slow,
                "/trickle": self._trickle,
                "/trickle-headers": self._trickle_headers,
                "/huge-unannounced": lambda: self._chunked(b"<rss>" + b" " * (2 * MEGABYTE) + b"</rss>"),
                "/list.opml": lambda: self._send(200, _opml(server), Content_Type="text/x-opml"),
                "/zstd-bomb": lambda: self._send(200, _zstd_bomb(), Content_Encoding="zstd"),
                "/gzip-twice": lambda: self._send(
                    200, gzip.compress(gzip.compress(FEED)), Content_Encoding="gzip, gzip"
                ),
                "/odd-etag": lambda: self._send(200, FEED, ETag='"caf\u00e9"'),
            }
            if path in _FIXED:
                status, body, headers = _FIXED[path]
                self._send(status, body, **headers)
            elif path in exact:
                exact[path]()
            elif path.startswith("/hop/"):
                left = int(path.rsplit("/", 1)[1])
                self._send(302, Location=f"/hop/{left - 1}" if left > 1 else "/atom")
            elif path.startswith("/delay/"):
                self._delayed(path)
            else:
                self._send(404, b"no such path", Content_Type="text/plain")

        def _dated(self) -> None:
            # Last-Modified only: the conditional request is If-Modified-Since.
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304)
            else:
                self._send(200, FEED, Last_Modified=LAST_MODIFIED)

        def _slow(self) -> None:
            time.sleep(SLOW_SECONDS)
            self._send(200, FEED)

        def _delayed(self, path: str) -> None:
            """/delay/MS/NAME: a one-story feed after MS milliseconds, counting the
            requests in flight at once."""
            _, _, millis, name = path.split("/", 3)
            with server.lock:
                server.active += 1
                server.most_active = max(server.most_active, server.active)
            try:
                time.sleep(int(millis) / 1000)
                item = (
                    f"<item><guid>urn:delay:{name}</guid><title>Story {name}</title>"
                    f"<description>The story called {name}, told in a sentence of its own "
                    f"about {name}.</description></item>"
                )
                self._send(
                    200, f"<rss version='2.0'><channel><title>{name}</title>{item}</channel></rss>".encode()
                )
            finally:
                with server.lock:
                    server.active -= 1

        def _feed(self) -> None:
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, ETag=ETAG)
            else:
                self._send(200, server.feed, ETag=ETAG, Last_Modified=LAST_MODIFIED)

        def _trickle(self) -> None:
            """Headers at once, then a byte at a time: each read is quick, the whole is not."""
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            try:
                for index in range(len(FEED)):
                    self.wfile.write(FEED[index : index + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up, as it should

        def _trickle_headers(self) -> None:
            """A status line, then header bytes one at a time, each just inside any read
            timeout: only a deadline for the whole fetch stops it."""
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(400):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass  # the client gave up, as it should

        def _chunked(self, body: bytes) -> None:
            """A body without Content-Length: only counting the bytes can stop it."""
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for start in range(0, len(body), 65536):
                    chunk = body[start : start + 65536]
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gives up mid-answer is what several tests do on purpose."""


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[str]:
    """Run a loopback server in a thread; its base URL; stop it on leaving."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """Start the server on a free loopback port; stop it on leaving."""
    state = FeedServer(base="")
    with serving(_QuietServer(("127.0.0.1", 0), _handler(state))) as base:
        state.base = base
        yield state
