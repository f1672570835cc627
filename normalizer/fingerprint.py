"""Canonical text -> digest, shingle set, MinHash signatures (the only MinHash builder).

The canonical text is the cleaned body only (no headline, dateline or chrome),
folded and reduced to its tokens (:mod:`normalizer.tokens`: words, or characters
of the scripts written without spaces), so that a re-headlined, re-credited or
re-chromed copy of a story gets the same shingles as the original.

Each text is tokenised once. Its tokens are hashed with xxh32 and every run of
``shingle_words`` word hashes is combined into one 32-bit shingle id (a
polynomial over uint64, folded; all in numpy). The sorted set of shingle ids is
kept with the article: similarity is measured exactly on it. The ids also feed
the datasketch MinHashes (explicit ``affine32`` scheme and seed, one batch per
text, never one ``update()`` per token), which only propose candidates (LSH).
Every array is little-endian uint32, so stores compare across machines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xxhash

from normalizer.model import HASH_SCHEME, Fingerprint, FingerprintParams, Similarity
from normalizer.tokens import canonical_text, figures, headline_tokens, tokens, word_count

__all__ = [
    "HASH_SCHEME",
    "Sketcher",
    "affine32_permutations",
    "affine32_signature",
    "band_keys",
    "canonical_tokens",
    "compare",
    "headline_key",
    "shingle_ids",
]

_DTYPE = np.dtype("<u4")
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_HALF = np.uint64(32)
_LEAD_SEED_OFFSET = 1 << 16
_HEADLINE_SEED = 1 << 17
# A headline of fewer words than this is no evidence of a story ("Weather",
# "Live updates", "Markets at a glance"): it gets no headline key.
HEADLINE_MIN_WORDS = 5
_WORD_CACHE_LIMIT = 500_000


def canonical_tokens(paragraphs: Sequence[str]) -> list[str]:
    """The tokens of a body, folded, without punctuation or markup."""
    return tokens(canonical_text(paragraphs))


def headline_key(title: str) -> int | None:
    """The band key of a headline (its folded tokens), or ``None`` for one too short
    to mean a story. Equal keys: the same headline, whatever its case and spacing."""
    if word_count(title) < HEADLINE_MIN_WORDS:
        return None
    folded = " ".join(headline_tokens(title))
    return _signed(xxhash.xxh3_64_intdigest(folded.encode("utf-8"), seed=_HEADLINE_SEED))


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _word_id(token: str) -> int:
    return xxhash.xxh32_intdigest(token.encode("utf-8"))


def shingle_ids(tokens: Sequence[str], size: int, word_ids: dict[str, int] | None = None) -> np.ndarray:
    """The id of every run of ``size`` words, in text order (a text shorter than
    ``size`` words is one shingle). ``word_ids`` caches word hashes across texts."""
    if not tokens:
        return np.zeros(0, dtype=_DTYPE)
    if word_ids is None:
        word_ids = {}
    try:
        # Most words of a text are known from earlier ones: try the cache alone first.
        words = np.fromiter(map(word_ids.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    except KeyError:
        for token in set(tokens).difference(word_ids):
            word_ids[token] = _word_id(token)
        words = np.fromiter(map(word_ids.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    width = min(size, len(tokens))
    count = len(tokens) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        # uint64 arrays wrap on overflow: the polynomial is taken modulo 2**64.
        combined = combined * _MULTIPLIER + words[offset : offset + count]
    return ((combined >> _HALF) ^ combined).astype(_DTYPE)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch pre-mixes input hashes."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations for a seed: odd multipliers ``a`` and
    offsets ``b``, drawn as ``MinHash(num_perm, seed, scheme="affine32")`` draws them
    (a test holds the two equal).

    Drawn here rather than read off a datasketch MinHash: importing datasketch imports
    scipy, half a second of start-up for every run, most of a small one.
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def affine32_signature(ids: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """datasketch's ``affine32`` MinHash of a batch of 32-bit ids, in one numpy pass.

    The same values as ``MinHash(hashfunc=identity, scheme="affine32").update_batch``
    (a test holds the two equal), without its per-item Python loop.
    """
    mixed = _fmix32(ids.astype(np.uint32, copy=False)).reshape(-1, 1)
    return np.asarray((mixed * a + b).min(axis=0), dtype=_DTYPE)


class Sketcher:
    """Builds fingerprints with one fixed set of parameters.

    The permutations are drawn once (from the seed) and copied for every text.
    """

    def __init__(self, params: FingerprintParams) -> None:
        if params.scheme != "affine32" or params.hash != HASH_SCHEME:
            raise ValueError(
                f"unsupported fingerprint scheme {params.scheme}/{params.hash}: "
                f"this version builds affine32 signatures over {HASH_SCHEME}"
            )
        shapes = (("", params.bands, params.rows), ("lead ", params.lead_bands, params.lead_rows))
        for name, bands, rows in shapes:
            if bands * rows > params.num_perm:
                raise ValueError(f"{name}bands x rows ({bands} x {rows}) exceeds num_perm {params.num_perm}")
        self.params = params
        # News vocabulary is bounded: word hashes are kept for the sketcher's life
        # (a few MB), up to a cap that keeps memory flat on endless input.
        self._word_ids: dict[str, int] = {}
        # The permutations are datasketch's own for this seed and scheme, applied in
        # one numpy expression (see affine32_signature); an empty set keeps
        # datasketch's initial values, the largest 32-bit value.
        self._a, self._b = affine32_permutations(params.num_perm, params.seed)
        self._empty = np.full(params.num_perm, 0xFFFFFFFF, dtype=_DTYPE).tobytes()

    def _signature(self, ids: np.ndarray) -> bytes:
        if not ids.size:
            return self._empty
        return affine32_signature(ids, self._a, self._b).tobytes()

    def fingerprint(self, paragraphs: Sequence[str], title: str = "") -> Fingerprint:
        """The fingerprint of a cleaned body (and the key of its headline)."""
        text = canonical_text(paragraphs)
        words = tokens(text)
        if len(self._word_ids) > _WORD_CACHE_LIMIT:
            self._word_ids.clear()
        ordered = shingle_ids(words, self.params.shingle_words, self._word_ids)
        distinct = np.unique(ordered)
        return Fingerprint(
            digest=xxhash.xxh3_128_hexdigest(" ".join(words).encode("utf-8")),
            signature=self._signature(distinct),
            shingles=int(distinct.size),
            lead=self._signature(np.unique(ordered[: self.params.lead_shingles])),
            shingle_set=distinct.tobytes(),
            figures=figures(text),
            headline=headline_key(title),
        )


def _values(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=_DTYPE)


def compare(new: bytes, old: bytes) -> Similarity:
    """Exact Jaccard similarity and containment each way of two sorted shingle-id sets."""
    left, right = _values(new), _values(old)
    if not left.size or not right.size:
        return Similarity(jaccard=0.0, containment_new=0.0, containment_old=0.0)
    overlap = int(np.intersect1d(left, right, assume_unique=True).size)
    return Similarity(
        jaccard=round(overlap / (left.size + right.size - overlap), 4),
        containment_new=round(overlap / left.size, 4),
        containment_old=round(overlap / right.size, 4),
    )


def _bands(signature: bytes, bands: int, rows: int, seed_offset: int) -> list[int]:
    width = rows * _DTYPE.itemsize
    keys = []
    for band in range(bands):
        chunk = signature[band * width : (band + 1) * width]
        value = xxhash.xxh3_64_intdigest(chunk, seed=seed_offset + band)
        keys.append(_signed(value))
    return keys


def band_keys(fingerprint: Fingerprint, params: FingerprintParams) -> list[int]:
    """Signed 64-bit LSH keys: one per band of the signature, then one per band of the
    lead, then the headline's (a text without a body has only that one).

    Each band hashes with its own seed, so equal keys mean the same band of the
    same kind of signature.
    """
    keys = []
    if fingerprint.shingles:
        keys += _bands(fingerprint.signature, params.bands, params.rows, 0)
        if fingerprint.lead:
            keys += _bands(fingerprint.lead, params.lead_bands, params.lead_rows, _LEAD_SEED_OFFSET)
    if fingerprint.headline is not None:
        keys.append(fingerprint.headline)
    return keys
