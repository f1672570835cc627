"""Canonical text -> exact digest + MinHash signature (the only MinHash builder).

The canonical text is the cleaned body only (no headline, dateline or chrome),
case-folded and reduced to its words, so that a re-headlined, re-credited or
re-chromed copy of a story gets the same shingles as the original.

Signatures are datasketch MinHashes with an explicit scheme and seed, fed in one
batch per text through xxhash (never one ``update()`` per token). Their bytes are
little-endian unsigned 32-bit values, so they compare across machines. They only
propose candidates (LSH); similarity is then measured exactly on shingle sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import xxhash
from datasketch import MinHash

from normalizer.model import Fingerprint, FingerprintParams, Similarity

__all__ = [
    "Sketcher",
    "band_keys",
    "canonical_tokens",
    "compare",
    "estimate_jaccard",
    "text_figures",
    "text_shingles",
]

_WORD = re.compile(r"\w+", re.UNICODE)
_DTYPE = np.dtype("<u4")


def canonical_tokens(paragraphs: Sequence[str]) -> list[str]:
    """The words of a body, case-folded, without punctuation or markup."""
    return _WORD.findall(" ".join(paragraphs).casefold())


def _ordered_shingles(tokens: list[str], size: int) -> list[bytes]:
    if len(tokens) <= size:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    return [" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)]


def text_shingles(paragraphs: Sequence[str], size: int) -> frozenset[bytes]:
    """The set of ``size``-word shingles of a body: what similarity is measured on."""
    return frozenset(_ordered_shingles(canonical_tokens(paragraphs), size))


def text_figures(paragraphs: Sequence[str]) -> frozenset[str]:
    """The numbers a body quotes (as digit runs): copies of a story quote the same ones."""
    return frozenset(token for token in canonical_tokens(paragraphs) if token.isdigit())


class Sketcher:
    """Builds fingerprints with one fixed set of parameters.

    The permutations are drawn once (from the seed) and copied for every text.
    """

    def __init__(self, params: FingerprintParams) -> None:
        if params.scheme != "affine32" or params.hash != "xxh32":
            raise ValueError(
                f"unsupported fingerprint scheme {params.scheme}/{params.hash}: "
                "this version builds affine32 signatures over xxh32"
            )
        for name, bands, rows in (
            ("", params.bands, params.rows),
            ("lead ", params.lead_bands, params.lead_rows),
        ):
            if bands * rows > params.num_perm:
                raise ValueError(f"{name}bands x rows ({bands} x {rows}) exceeds num_perm {params.num_perm}")
        self.params = params
        self._template = MinHash(
            num_perm=params.num_perm,
            seed=params.seed,
            hashfunc=xxhash.xxh32_intdigest,
            scheme="affine32",
        )

    def _signature(self, shingles: list[bytes]) -> bytes:
        sketch = self._template.copy()
        # Sorted so that the batch is the same on every run, whatever the order.
        sketch.update_batch(sorted(shingles))
        return np.asarray(sketch.hashvalues, dtype=_DTYPE).tobytes()

    def fingerprint(self, paragraphs: Sequence[str]) -> Fingerprint:
        """The fingerprint of a cleaned body."""
        tokens = canonical_tokens(paragraphs)
        ordered = _ordered_shingles(tokens, self.params.shingle_words)
        distinct = set(ordered)
        lead = list(dict.fromkeys(ordered[: self.params.lead_shingles]))
        return Fingerprint(
            digest=xxhash.xxh3_128_hexdigest(" ".join(tokens).encode("utf-8")),
            signature=self._signature(list(distinct)),
            shingles=len(distinct),
            lead=self._signature(lead),
        )


def _values(signature: bytes) -> np.ndarray:
    return np.frombuffer(signature, dtype=_DTYPE)


def estimate_jaccard(a: bytes, b: bytes) -> float:
    """The share of equal MinHash values: an unbiased estimate of Jaccard similarity."""
    left, right = _values(a), _values(b)
    if left.shape != right.shape:
        raise ValueError(f"signatures of {left.size} and {right.size} values cannot be compared")
    return float(np.count_nonzero(left == right)) / float(left.size)


def compare(new: frozenset[bytes], old: frozenset[bytes]) -> Similarity:
    """Exact Jaccard similarity and containment each way of two shingle sets."""
    if not new or not old:
        return Similarity(jaccard=0.0, containment_new=0.0, containment_old=0.0)
    overlap = len(new & old)
    return Similarity(
        jaccard=round(overlap / len(new | old), 4),
        containment_new=round(overlap / len(new), 4),
        containment_old=round(overlap / len(old), 4),
    )


_LEAD_SEED_OFFSET = 1 << 16


def _bands(signature: bytes, bands: int, rows: int, seed_offset: int) -> list[int]:
    width = rows * _DTYPE.itemsize
    keys = []
    for band in range(bands):
        value = xxhash.xxh3_64_intdigest(
            signature[band * width : (band + 1) * width], seed=seed_offset + band
        )
        keys.append(value - (1 << 64) if value >= 1 << 63 else value)
    return keys


def band_keys(fingerprint: Fingerprint, params: FingerprintParams) -> list[int]:
    """Signed 64-bit LSH keys: one per band of the signature, then one per band of the lead.

    Each band hashes with its own seed, so equal keys mean the same band of the
    same kind of signature.
    """
    keys = _bands(fingerprint.signature, params.bands, params.rows, 0)
    if fingerprint.lead:
        keys += _bands(fingerprint.lead, params.lead_bands, params.lead_rows, _LEAD_SEED_OFFSET)
    return keys
