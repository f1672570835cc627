"""Canonical text -> exact digest + MinHash signature (the only MinHash builder).

The canonical text is the cleaned body only (no headline, dateline or chrome),
case-folded and reduced to its words, so that a re-headlined, re-credited or
re-chromed copy of a story gets the same shingles as the original.

Signatures are datasketch MinHashes with an explicit scheme and seed, fed in one
batch per text through xxhash (never one ``update()`` per token). Their bytes are
little-endian unsigned 32-bit values, so they compare across machines.
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
]

_WORD = re.compile(r"\w+", re.UNICODE)
_DTYPE = np.dtype("<u4")


def canonical_tokens(paragraphs: Sequence[str]) -> list[str]:
    """The words of a body, case-folded, without punctuation or markup."""
    return _WORD.findall(" ".join(paragraphs).casefold())


def _shingles(tokens: list[str], size: int) -> set[bytes]:
    if len(tokens) <= size:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode("utf-8") for i in range(len(tokens) - size + 1)}


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
        if params.bands * params.rows > params.num_perm:
            raise ValueError(
                f"bands x rows ({params.bands} x {params.rows}) exceeds num_perm {params.num_perm}"
            )
        self.params = params
        self._template = MinHash(
            num_perm=params.num_perm,
            seed=params.seed,
            hashfunc=xxhash.xxh32_intdigest,
            scheme="affine32",
        )

    def fingerprint(self, paragraphs: Sequence[str]) -> Fingerprint:
        """The fingerprint of a cleaned body."""
        tokens = canonical_tokens(paragraphs)
        shingles = _shingles(tokens, self.params.shingle_words)
        sketch = self._template.copy()
        # Sorted so that the batch (and any float summation inside it) is the same
        # on every run, whatever the set's iteration order.
        sketch.update_batch(sorted(shingles))
        signature = np.asarray(sketch.hashvalues, dtype=_DTYPE).tobytes()
        digest = xxhash.xxh3_128_hexdigest(" ".join(tokens).encode("utf-8"))
        return Fingerprint(digest=digest, signature=signature, shingles=len(shingles))


def _values(signature: bytes) -> np.ndarray:
    return np.frombuffer(signature, dtype=_DTYPE)


def estimate_jaccard(a: bytes, b: bytes) -> float:
    """The share of equal MinHash values: an unbiased estimate of Jaccard similarity."""
    left, right = _values(a), _values(b)
    if left.shape != right.shape:
        raise ValueError(f"signatures of {left.size} and {right.size} values cannot be compared")
    return float(np.count_nonzero(left == right)) / float(left.size)


def compare(new: Fingerprint, old: Fingerprint) -> Similarity:
    """Jaccard and containment each way, estimated from signatures and set sizes.

    With J the Jaccard estimate and |A|, |B| the shingle counts,
    |A ∩ B| = J (|A| + |B|) / (1 + J), and containment of A in B is |A ∩ B| / |A|.
    """
    if new.digest == old.digest:
        return Similarity(jaccard=1.0, containment_new=1.0, containment_old=1.0)
    jaccard = estimate_jaccard(new.signature, old.signature)
    overlap = jaccard * (new.shingles + old.shingles) / (1.0 + jaccard)
    return Similarity(
        jaccard=round(jaccard, 4),
        containment_new=round(min(1.0, overlap / max(new.shingles, 1)), 4),
        containment_old=round(min(1.0, overlap / max(old.shingles, 1)), 4),
    )


def band_keys(signature: bytes, params: FingerprintParams) -> list[int]:
    """One signed 64-bit key per LSH band: equal keys, equal band of the signature."""
    width = params.rows * _DTYPE.itemsize
    keys = []
    for band in range(params.bands):
        value = xxhash.xxh3_64_intdigest(signature[band * width : (band + 1) * width], seed=band)
        keys.append(value - (1 << 64) if value >= 1 << 63 else value)
    return keys
