"""Fetches reach only the public internet unless the operator allows more: checked
before each request and again at connect time, on addresses, never on names.

The feed server is on 127.0.0.1, which each test allows explicitly where it must be
reached; every refused destination is refused before a packet is sent to it (the
resolver here is the test's own, so no name is looked up for real).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from feeds.intake.fetch import Fetcher, FetchPolicy
from feeds.intake.guard import AddressGuard
from normalizer.errors import InputError

from .conftest import Cli
from .feed_server import MEGABYTE, FeedServer, feed_server

POLICY = FetchPolicy(user_agent="newsnorm-tests/1", timeout=5.0, max_bytes=MEGABYTE)


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def _problem(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(InputError) as caught:
        fetcher.fetch(url)
    return caught.value.problem


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
        ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"), ("fd00::1", "private"), ("224.0.0.251", "multicast"),
        ("0.0.0.0", "unspecified"), ("100.64.0.1", "non-public"), ("240.0.0.1", "private"),
        ("::ffff:10.0.0.1", "private"), ("::ffff:127.0.0.1", "loopback"),
    ],
)  # fmt: skip
def test_every_kind_of_non_public_address_is_refused(address: str, kind: str) -> None:
    problem = AddressGuard().refusal(address)
    assert problem is not None and f"a {kind} address" in problem
    assert AddressGuard(allow_private=True).refusal(address) is None


def test_public_addresses_pass_and_allowed_networks_are_let_through() -> None:
    guard = AddressGuard(allowed=["10.0.0.0/8", "127.0.0.1"])
    assert guard.refusal("93.184.216.34") is None and guard.refusal("2606:2800:220:1::1") is None
    assert guard.refusal("10.200.0.1") is None and guard.refusal("127.0.0.1") is None
    assert guard.refusal("127.0.0.2") is not None and guard.refusal("192.168.1.1") is not None


def test_a_loopback_feed_is_refused_by_default_and_nothing_is_sent(server: FeedServer) -> None:
    before = len(server.seen)
    with Fetcher(POLICY) as fetcher:
        problem = _problem(fetcher, server.url("/feed"))
    assert "127.0.0.1 is a loopback address: refused (--allow-private-networks allows it)" in problem
    assert len(server.seen) == before


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/to-metadata", "169.254.169.254 is a link-local address"),
        ("/to-private", "10.0.0.1 is a private address"),
        ("/to-ula", "fd00::1 is a private address"),
        ("/to-mapped", "::ffff:192.168.1.1 is a private address"),
        ("/to-name", "metadata.google.internal: 169.254.169.254 is a link-local address"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(server: FeedServer, path: str, expected: str) -> None:
    names = {"metadata.google.internal": ["169.254.169.254"]}
    guard = AddressGuard(allowed=["127.0.0.1"], resolve=lambda host, _port: names[host])
    with Fetcher(POLICY, guard=guard) as fetcher:
        problem = _problem(fetcher, server.url(path))
    assert expected in problem and "refused" in problem


def test_a_name_that_rebinds_between_the_checks_is_refused_at_connect_time(server: FeedServer) -> None:
    # The first look-up (before the request) says public, the second (at connect) says
    # loopback: the socket is connected only to an address checked at connect time.
    answers = iter([["93.184.216.34"], ["127.0.0.2"]])
    guard = AddressGuard(allowed=["127.0.0.1"], resolve=lambda _host, _port: next(answers))
    port = server.base.rsplit(":", 1)[1]
    with Fetcher(POLICY, guard=guard) as fetcher:
        problem = _problem(fetcher, f"http://rebind.example:{port}/feed")
    assert "rebind.example: 127.0.0.2 is a loopback address: refused" in problem
    assert next(answers, None) is None  # both checks ran


def test_the_cli_refuses_loopback_unless_allowed(server: FeedServer, cli: Cli, tmp_path: Path) -> None:
    refused = cli("ingest", server.url("/feed"), "--db", str(tmp_path / "a.db"))
    assert refused.exit_code == 3 and "loopback address: refused" in refused.stderr
    allowed = cli("ingest", server.url("/feed"), "--db", str(tmp_path / "b.db"), "--allow-private-networks")
    assert allowed.exit_code == 0, allowed.stderr
    listed = cli(
        "ingest", server.url("/feed"), "--db", str(tmp_path / "c.db"), "--allowed-addresses", "127.0.0.0/8"
    )
    assert listed.exit_code == 0, listed.stderr
    bad = cli(
        "ingest", server.url("/feed"), "--db", str(tmp_path / "d.db"), "--allowed-addresses", "intranet"
    )
    assert bad.exit_code != 0 and "allowed_addresses must be addresses or networks" in bad.stderr
    assert not (tmp_path / "d.db").exists()  # a bad setting touches no store
