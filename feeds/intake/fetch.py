"""HTTP fetching, politely: conditional GET, timeouts, size caps, few redirects.

The only network code of newsnorm. httpx does the protocol (redirects, gzip and
friends, connection reuse); this module adds the rules a feed reader owes the
sites it reads and turns every failure into one line naming the URL.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpcore
import httpx

from feeds.intake.fetched import MAX_REDIRECTS, Fetched, FetchPolicy, RefusedFetchError, Validators, is_url
from feeds.intake.guard import AddressGuard, RefusedAddressError, deadline, guarded_transport
from normalizer.errors import InputError

__all__ = ["MAX_REDIRECTS", "FetchPolicy", "Fetched", "Fetcher", "RefusedFetchError", "Validators", "is_url"]

log = logging.getLogger("newsnorm.fetch")
# Types that can never hold a feed or an article; anything textual, XML or JSON
# is read, and so is a missing or generic type (the bytes are sniffed anyway).
_REFUSED_PREFIXES = ("image/", "audio/", "video/", "font/", "model/", "multipart/")
_REFUSED_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/vnd.ms-excel",
        "application/msword",
        "application/x-shockwave-flash",
        "application/wasm",
        "application/javascript",
    }
)


def _retry_after(response: httpx.Response) -> float | None:
    """The seconds ``Retry-After`` asks for (a number, or an HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    return _seconds_until(response, value)


def _seconds_until(response: httpx.Response, value: str) -> float | None:
    """The seconds from the response's own ``Date`` (else now) to an HTTP date."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    try:
        sent = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError):
        sent = None
    start = sent if sent is not None and sent.tzinfo is not None else datetime.now(UTC)
    return max(0.0, (when - start).total_seconds())


def _fresh_for(response: httpx.Response) -> float | None:
    """How long the server says its document stays fresh: ``max-age``, else ``Expires``;
    ``no-cache`` and ``no-store`` say no time at all."""
    directives = [d.strip().lower() for d in response.headers.get("Cache-Control", "").split(",")]
    if "no-cache" in directives or "no-store" in directives:
        return None
    for directive in directives:
        name, _, value = directive.partition("=")
        if name.strip() == "max-age" and value.strip().isdigit():
            return float(value.strip())
    expires = response.headers.get("Expires")
    return _seconds_until(response, expires) if expires else None


def _moved_to(response: httpx.Response) -> str | None:
    """The address after the leading run of permanent redirects (301, 308): a temporary
    redirect first, or none, moves nothing."""
    moved = None
    for hop in response.history:
        location = hop.headers.get("Location")
        if hop.status_code not in (301, 308) or not location:
            break
        moved = str(hop.url.join(location))
    return moved


def _status_problem(response: httpx.Response) -> str:
    problem = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    retry_after = response.headers.get("Retry-After")
    if response.status_code in (429, 503) and retry_after:
        problem += f" (the server asks to retry after {retry_after})"
    elif response.status_code == 410:
        problem += " (the feed is gone for good: remove it from the list)"
    return problem


def _refused_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(_REFUSED_PREFIXES) or media_type in _REFUSED_TYPES


def _etag(response: httpx.Response) -> str | None:
    """The ETag if it can be sent back as it is (visible ASCII, at most 1,024
    characters): a garbled one would fail every later conditional request."""
    value: str | None = response.headers.get("ETag")
    if not value or len(value) > 1024 or not all(33 <= ord(c) <= 126 for c in value):
        return None
    return value


def _last_modified(response: httpx.Response) -> str | None:
    """The Last-Modified header if it is a date (a garbled one is not echoed back)."""
    value: str | None = response.headers.get("Last-Modified")
    if not value:
        return None
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return value


class Fetcher:
    """One HTTP client for a run: connections are reused across a site's feeds.

    Use as a context manager, or call :meth:`close`.

    Args:
        policy: the limits and the User-Agent.
        guard: where fetches may connect (by default the policy's; a test gives one
            with its own resolver).
        transport: how requests reach the network (by default httpx's own, connecting
            only where the policy's address guard allows); a caller can put a
            recorder in its place, as httpx allows. Every request, redirects
            included, is checked against the guard before it is sent.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        transport: httpx.BaseTransport | None = None,
        guard: AddressGuard | None = None,
    ) -> None:
        self.policy = policy
        self._guard = guard or AddressGuard(policy.allow_private_networks, policy.allowed_addresses)
        self._client = httpx.Client(
            transport=transport or guarded_transport(self._guard),
            event_hooks={"request": [self._check_destination]},
            headers={"User-Agent": policy.user_agent, "Accept": _ACCEPT, "Accept-Encoding": _ENCODINGS},
            timeout=httpx.Timeout(policy.timeout),
            follow_redirects=True,
            max_redirects=policy.max_redirects,
        )

    def _check_destination(self, request: httpx.Request) -> None:
        """Refuse a request (the first or a redirect) to a host whose addresses the
        guard refuses, before anything is sent; the connection is checked again."""
        if self._guard.allow_private:
            return
        try:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            self._guard.addresses(request.url.host, port)
        except RefusedAddressError as error:
            raise httpx.ConnectError(str(error), request=request) from None
        except httpcore.ConnectError:
            return  # not resolvable: the connection attempt says so in its own words

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET a URL, conditionally when validators from an earlier fetch are given.

        Raises:
            InputError: the URL could not be fetched; the message says why (the
                status, a timeout, too many redirects, too large, a wrong type).
        """
        headers = validators.headers() if validators else {}
        try:
            with deadline(self.policy.timeout), self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response, validators)
        except httpx.TooManyRedirects:
            raise InputError(url, f"more than {self.policy.max_redirects} redirects") from None
        except httpx.TimeoutException:
            raise InputError(url, f"timed out after {self.policy.timeout:g} s") from None
        except httpx.UnsupportedProtocol as error:
            raise InputError(url, f"cannot fetch: {error}") from None
        except httpx.HTTPError as error:
            raise InputError(url, f"cannot fetch: {type(error).__name__}: {error}") from None

    def _read(self, url: str, response: httpx.Response, validators: Validators | None) -> Fetched:
        final_url = str(response.url)
        log.info("%s: HTTP %d%s", url, response.status_code, f" from {final_url}" if final_url != url else "")
        if response.status_code == 304 and validators is not None:
            return Fetched(
                url, final_url, None, validators, status=304, fresh_for=_fresh_for(response),
                moved_to=_moved_to(response),
            )  # fmt: skip
        if response.status_code != 200:
            retry = _retry_after(response) if response.status_code in (429, 503) else None
            raise RefusedFetchError(url, _status_problem(response), response.status_code, retry)
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding not in _BOUNDED_ENCODINGS:
            # httpx would decode any encoding it knows, asked for or not; a zstd or
            # brotli frame of a few KB can decode to gigabytes in one piece.
            raise InputError(url, f"content encoding {encoding!r} not accepted (only gzip and deflate)")
        content_type = response.headers.get("Content-Type")
        if _refused_type(content_type):
            raise InputError(url, f"not a feed or an article: content type {content_type}")
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise InputError(url, f"too large: {int(declared):,} bytes (limit {limit:,}; see --max-input-mb)")
        return Fetched(
            url,
            final_url,
            self._body(url, response),
            Validators(_etag(response), _last_modified(response)),
            content_type,
            fresh_for=_fresh_for(response),
            moved_to=_moved_to(response),
        )

    def _body(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, held to the size cap and to one deadline for the whole read.

        The cap counts decoded bytes (a small gzip can inflate to gigabytes), and
        the deadline stops a server that trickles a byte just inside each read
        timeout.
        """
        limit = self.policy.max_bytes
        deadline = time.monotonic() + self.policy.timeout
        chunks: list[bytes] = []
        size = 0
        # No chunk size: each piece is handed on as it arrives, so the deadline is
        # checked even when the server sends a byte at a time.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise InputError(url, f"too large: over {limit:,} bytes once decoded (see --max-input-mb)")
            if time.monotonic() > deadline:
                raise InputError(url, f"timed out after {self.policy.timeout:g} s (body still arriving)")
            chunks.append(chunk)
        return b"".join(chunks)


# Encodings whose decoding is bounded per piece read (gzip and deflate expand at most
# about a thousandfold), so the size cap can stop a bomb before it is in memory; one
# layer only (each layer of gzip over gzip multiplies the ratio).
_ENCODINGS = "gzip, deflate"
_BOUNDED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})
_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/feed+json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.7, text/html;q=0.6, */*;q=0.1"
)
