"""What a fetch is asked for and what it gives: plain values, without the HTTP client.

Kept apart from :mod:`feeds.intake.fetch` so that a run over files, and every
command that reads no URL, never loads httpx.
"""

from __future__ import annotations

from dataclasses import dataclass

from normalizer.errors import InputError

__all__ = ["MAX_REDIRECTS", "FetchPolicy", "Fetched", "RefusedFetchError", "Validators", "is_url"]

MAX_REDIRECTS = 5


def is_url(name: str) -> bool:
    """Whether an INPUT names a web address rather than a file."""
    return str(name).startswith(("http://", "https://"))


@dataclass(frozen=True)
class Validators:
    """What a server said to recognise its document by next time (RFC 9110 §8.8)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchPolicy:
    """How to fetch: the time and size limits and the name newsnorm goes by."""

    user_agent: str
    timeout: float = 30.0
    max_bytes: int = 100 * 1024 * 1024
    max_redirects: int = MAX_REDIRECTS
    # Where fetches may go beyond the public internet (see feeds/intake/guard.py).
    allow_private_networks: bool = False
    allowed_addresses: tuple[str, ...] = ()


class RefusedFetchError(InputError):
    """A server answered, but not with the document: what it said, for the polling
    state (see feeds/intake/polling.py).

    Args:
        status: the HTTP status.
        retry_after: the seconds the server asked to wait (``Retry-After`` on 429 or
            503), if it said.
    """

    def __init__(self, source: str, problem: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(source, problem)
        self.status = status
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type[RefusedFetchError], tuple[object, ...]]:
        return type(self), (self.source, self.problem, self.status, self.retry_after)


@dataclass(frozen=True)
class Fetched:
    """A fetched document, or ``data=None`` when the server said it has not changed.

    Attributes:
        status: 200, or 304 (not modified).
        fresh_for: the seconds the server says the document stays fresh
            (``Cache-Control: max-age``, else ``Expires``), if it says.
        moved_to: where the feed lives now, if the server moved it for good (the
            address after the leading run of 301 and 308 redirects).
    """

    url: str
    final_url: str
    data: bytes | None
    validators: Validators
    content_type: str | None = None
    status: int = 200
    fresh_for: float | None = None
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        """The server answered 304: nothing new since the validators were stored."""
        return self.data is None
