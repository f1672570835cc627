"""Polling that is polite: when a feed may be fetched again, and what a fetch teaches.

The rules, as a demanding feed reader keeps them (Miniflux, lemon24/reader):

* ``Retry-After`` on 429 and 503 is honoured: the feed is not fetched before then
  (capped at :data:`MAX_WAIT`, so a server cannot silence a feed for a year).
* ``Cache-Control: max-age`` (else ``Expires``) on a good answer is honoured the
  same way, capped at :data:`MAX_FRESH`.
* Failures in a row back off exponentially: 15 minutes, 30, an hour... up to
  :data:`MAX_BACKOFF`; one good answer resets them.
* A permanent redirect (301, 308) moves the feed: it is fetched at its new address
  from then on (its validators are kept there). A temporary one moves nothing.
* 410 Gone marks the feed gone: it is not polled again.

A feed that is not due, or gone, is passed over and counted; ``--force`` fetches it
all the same. Times are the run's own clock (``now``), so a run can be reproduced.
The functions are pure: the store keeps the :class:`FeedState` they return.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from feeds.intake.fetched import Fetched, RefusedFetchError
from normalizer.errors import InputError
from normalizer.store.protocol import FeedState

__all__ = ["MAX_BACKOFF", "MAX_FRESH", "MAX_WAIT", "after_failure", "after_fetch", "fetch_address", "not_due"]

FIRST_BACKOFF = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)
MAX_WAIT = timedelta(days=7)
MAX_FRESH = timedelta(hours=24)
# Permanent moves followed from one stored feed to the next, at most.
_MAX_MOVES = 5


def not_due(state: FeedState | None, now: datetime, force: bool) -> str | None:
    """Why a feed is not fetched now (gone, or not due until a time), or ``None``."""
    if state is None or force:
        return None
    if state.gone:
        return f"gone (HTTP 410 on {state.checked_at}): not polled again without --force"
    if state.next_at is not None and datetime.fromisoformat(state.next_at) > now:
        return f"not due until {state.next_at} ({_why_waiting(state)}; --force fetches it now)"
    return None


def _why_waiting(state: FeedState) -> str:
    if state.failures:
        return f"{state.failures} failed fetch(es) in a row: {state.problem}"
    return "the server's Cache-Control or Expires"


def fetch_address(url: str, state: FeedState | None, state_of: Callable[[str], FeedState | None]) -> str:
    """Where to fetch a feed (whose state is ``state``): its address, or where permanent
    redirects moved it, following the moves recorded at each address."""
    address, seen = url, {url}
    for _ in range(_MAX_MOVES):
        if state is None or not state.moved_to or state.moved_to in seen:
            return address
        address = state.moved_to
        seen.add(address)
        state = state_of(address)
    return address


def after_fetch(url: str, state: FeedState | None, fetched: Fetched, now: datetime) -> FeedState:
    """The state after a good answer (200 or 304): failures reset, the server's
    freshness honoured, a permanent move remembered."""
    fresh = None
    if fetched.fresh_for:
        fresh = _iso(now + min(timedelta(seconds=fetched.fresh_for), MAX_FRESH))
    before = state or FeedState(url)
    return dataclasses.replace(
        before,
        status=fetched.status,
        checked_at=_iso(now),
        changed_at=_iso(now) if fetched.status == 200 else before.changed_at,
        next_at=fresh,
        failures=0,
        gone=False,
        moved_to=fetched.moved_to or before.moved_to,
        problem=None,
    )


def after_failure(url: str, state: FeedState | None, error: InputError, now: datetime) -> FeedState:
    """The state after a failed fetch: the server's ``Retry-After`` if it gave one,
    else the next step of the back-off; 410 marks the feed gone."""
    before = state or FeedState(url)
    failures = before.failures + 1
    status = error.status if isinstance(error, RefusedFetchError) else None
    backoff = min(FIRST_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)
    retry = error.retry_after if isinstance(error, RefusedFetchError) else None
    wait = min(timedelta(seconds=retry), MAX_WAIT) if retry is not None else backoff
    return dataclasses.replace(
        before,
        status=status,
        checked_at=_iso(now),
        next_at=_iso(now + wait),
        failures=failures,
        gone=status == 410,
        problem=error.problem,
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat()
