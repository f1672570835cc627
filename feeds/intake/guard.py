"""Where fetches may go (the public internet, unless the operator allows more), and
for how long (one deadline for the whole fetch).

newsnorm fetches what strangers' documents point at (a feed's redirect, an OPML
list's entries) and republishes what it gets. Without a guard a feed could send
it to ``http://169.254.169.254/`` (a cloud's metadata service), a router's admin
page or a database's HTTP port on loopback, and the answer would be published.

The check is made twice, both times on addresses, not names:

- **before each request** (the first and every redirect), on the addresses the
  host resolves to: a refused destination sends no packet;
- **at connect time**, in the network backend httpx's connection pool uses: the
  host is resolved once more, every address checked, and the socket connected to
  a checked address, never to the name, so DNS rebinding between the two checks
  cannot pass.

Refused: loopback, private (RFC 1918, ULA), link-local, multicast, reserved,
unspecified and shared (CGNAT) addresses, and IPv4 written inside IPv6. The
operator allows them all (``--allow-private-networks``) or some
(``allowed_addresses``: addresses or networks, as Mastodon's
ALLOWED_PRIVATE_ADDRESSES).

The same backend holds each fetch to one wall-clock deadline (:func:`deadline`):
every connect, read and write of its connections waits at most until then, so a
server that trickles its response headers a byte at a time, each just inside the
read timeout, is cut off at the deadline like one that trickles its body.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["AddressGuard", "RefusedAddressError", "deadline", "guarded_transport"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


class RefusedAddressError(httpcore.ConnectError):
    """A destination outside what fetches may reach (httpx reports it as a ConnectError)."""


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos}, key=lambda a: (":" in a, a))


def _kind(address: IPAddress) -> str | None:
    """Why an address is not on the public internet (None: it is)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _kind(address.ipv4_mapped) or None
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if address.is_global else "non-public"


class AddressGuard:
    """Decides which addresses fetches may connect to.

    Args:
        allow_private: every address is allowed (the operator's opt-in).
        allowed: addresses or networks allowed although not public.
        resolve: host and port to addresses (``socket.getaddrinfo`` by default;
            a test gives its own, so no name is looked up for real).
    """

    def __init__(
        self, allow_private: bool = False, allowed: Iterable[str] = (), resolve: Resolver | None = None
    ) -> None:
        self.allow_private = allow_private
        self.allowed = tuple(ipaddress.ip_network(item.strip(), strict=False) for item in allowed)
        self._resolve = resolve or _resolve

    def refusal(self, address: str) -> str | None:
        """Why a connection to ``address`` is refused (None: it may go)."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        kind = _kind(ip)
        if kind is None or any(ip in network for network in self.allowed):
            return None
        return f"{address} is a {kind} address: refused (--allow-private-networks allows it)"

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to, each checked; raises if any is refused."""
        try:
            found = [host] if _is_literal(host) else list(self._resolve(host, port))
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
        for address in found:
            problem = self.refusal(address)
            if problem is not None:
                raise RefusedAddressError(f"{host}: {problem}" if host != address else problem)
        if not found:
            raise httpcore.ConnectError(f"cannot resolve {host}: no address")
        return found


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


# The deadline of the fetch this thread is making (each fetch worker makes one at a time).
_current = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Hold the fetch made inside to ``seconds`` of wall-clock time, all told."""
    _current.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _current.at = None


def _within_deadline(timeout: float | None) -> float | None:
    """The time an operation may take: its own timeout, cut to the fetch's deadline."""
    at: float | None = getattr(_current, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the fetch's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _within_deadline(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, connecting only to checked addresses."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self._guard.addresses(host.strip("[]"), port):
            try:
                stream = self._inner.connect_tcp(
                    address, port, _within_deadline(timeout), local_address, socket_options
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as error:
                last = error
        assert last is not None  # addresses() gives at least one
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        del timeout, socket_options  # nothing is connected
        raise RefusedAddressError(f"{path}: a Unix socket: refused")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(guard: AddressGuard) -> httpx.HTTPTransport:
    """An httpx transport whose connections go only where ``guard`` allows."""
    transport = httpx.HTTPTransport()
    # httpx builds its pool without a way to pass a network backend; the pool's
    # backend is the one seam httpcore offers for connecting (its documented
    # extension point), so it is set on the pool httpx made.
    pool = transport._pool
    pool._network_backend = _GuardedBackend(guard)
    return transport
