"""A bounded fuzz run: real fixture bytes, mutated, through every reader and the cleaner.

The target is the whole reading edge (sniffing, the hardened pre-screen, the
feed, page and text readers, cleaning): whatever the bytes, it returns articles
or raises the project's own error. ``FUZZ_EXAMPLES`` sets the run's size (CI
runs 3,000 examples, well under two minutes).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import DEMO, HOSTILE
from .hostile_inputs import read_and_clean

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
_SEED_FILES = [
    *(p for p in sorted(HOSTILE.rglob("*")) if p.is_file() and p.stat().st_size < 20_000),
    DEMO / "agencies-dateline-seed.txt",
    DEMO / "scraped-article-near-duplicate.txt",
]
SEEDS = [p.read_bytes() for p in _SEED_FILES]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A seed document with a few byte-level mutations: flips, cuts, splices, repeats."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        operation = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "splice"]))
        at = draw(st.integers(0, len(data)))
        if operation == "flip" and data:
            index = min(at, len(data) - 1)
            data[index] = draw(st.integers(0, 255))
        elif operation == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif operation == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [b"<", b">", b"&", b"]]>", b"<!ENTITY", b"\x00", b"\xff\xfe", b"&#0;", b"<![CDATA["]
                )
            )
        elif operation == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 128))] * draw(st.integers(1, 20))
        else:
            other = draw(st.sampled_from(SEEDS))
            data[at:at] = other[: draw(st.integers(0, len(other)))]
    return bytes(data)


@given(mutated())
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_fuzz_reading_edge(data: bytes) -> None:
    read_and_clean(data)
