"""A duplicate memory shared through Redis, so that many ingest processes or machines
flag each other's copies.

The LSH index is datasketch's own ``MinHashLSH`` on its Redis storage (one index
for the whole signature, one for the lead signature). Beside it, each remembered
text keeps what exact verification needs (digest, shingle ids, word count,
figures) and its cluster, in one Redis hash. A Redis lock makes look-up, decision
and remembering one step, so two workers never both found the same story.

Each worker keeps its own SQLite store for articles; the index holds no article
text. The fingerprint parameters are written to Redis on first use and checked by
every later worker, as the store checks its meta table.

This is the only module that imports ``redis``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import redis
from datasketch import LeanMinHash, MinHashLSH

from normalizer.dedup import Candidate, Decide, Match
from normalizer.errors import StoreError
from normalizer.model import Decision, Fingerprint, FingerprintParams, Similarity

__all__ = ["RedisIndex"]

_LOCK_TIMEOUT = 60
_LOCK_WAIT = 300


class RedisIndex:
    """The shared duplicate index at a ``redis://host:port/db`` URL.

    Args:
        url: where the Redis server is.
        params: this run's fingerprint parameters (they must match the index's).
        namespace: the prefix of every Redis key (one index per namespace).
    """

    def __init__(self, url: str, params: FingerprintParams, namespace: str = "newsnorm") -> None:
        self.url = url
        self.params = params
        self.namespace = namespace
        self._redis_errors: tuple[type[Exception], ...] = (redis.RedisError,)
        try:
            self.client: Any = redis.Redis.from_url(url)
            self.client.ping()
            self._check_meta()
            connection = self.client.connection_pool.connection_kwargs
            storage = {
                "type": "redis",
                "redis": {k: connection[k] for k in ("host", "port", "db") if k in connection},
            }
            self.full = MinHashLSH(
                num_perm=params.num_perm,
                params=(params.bands, params.rows),
                storage_config={**storage, "basename": f"{namespace}:full".encode()},
                prepickle=False,
            )
            self.lead = MinHashLSH(
                num_perm=params.num_perm,
                params=(params.lead_bands, params.lead_rows),
                storage_config={**storage, "basename": f"{namespace}:lead".encode()},
                prepickle=False,
            )
        except self._redis_errors as error:
            raise StoreError(f"{url}: cannot use the Redis index: {error}") from None

    def _check_meta(self) -> None:
        expected = self.params.as_dict()
        meta_key = f"{self.namespace}:meta"
        self.client.hsetnx(meta_key, "created", "1")
        for name, value in expected.items():
            self.client.hsetnx(meta_key, name, value)
        stored = {k.decode(): v.decode() for k, v in self.client.hgetall(meta_key).items()}
        mismatched = sorted(k for k in expected if stored.get(k) != expected[k])
        if mismatched:
            details = ", ".join(f"{k} {stored.get(k)} (index) vs {expected[k]} (run)" for k in mismatched)
            raise StoreError(f"{self.url}: the Redis index was made with other parameters: {details}")

    def _text_key(self, key: str) -> str:
        return f"{self.namespace}:text:{key}"

    def _minhash(self, signature: bytes) -> LeanMinHash:
        values = np.frombuffer(signature, dtype="<u4")
        return LeanMinHash(seed=self.params.seed, hashvalues=values, scheme="affine32")

    def match(
        self, new: Candidate, fingerprint: Fingerprint, band_keys: Sequence[int], decide: Decide
    ) -> Match:
        """Under the index-wide lock: the cluster the new text joins, decided over the
        remembered texts, and the text remembered in it."""
        with self._locked():
            known = self.cluster_of(new.key)
            if known is not None:
                # Another worker sharing the index stored this very article first.
                return Match(Decision(new.key, "exact", Similarity(1.0, 1.0, 1.0)), known)
            decision = decide(self.candidates(fingerprint, band_keys, exclude=new.key))
            linked = decision.linked_to
            cluster = (self.cluster_of(linked) if linked else None) or linked or new.key
            self.remember(new, fingerprint, cluster)
            return Match(decision, cluster)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = self.client.lock(f"{self.namespace}:lock", timeout=_LOCK_TIMEOUT, blocking_timeout=_LOCK_WAIT)
        try:
            acquired = lock.acquire()
        except self._redis_errors as error:
            raise StoreError(f"{self.url}: cannot lock the Redis index: {error}") from None
        if not acquired:
            raise StoreError(f"{self.url}: the Redis index stayed locked for {_LOCK_WAIT} s")
        try:
            yield
        finally:
            lock.release()

    def candidates(self, fingerprint: Fingerprint, band_keys: Sequence[int], exclude: str) -> list[Candidate]:
        """The remembered texts sharing an LSH band with the fingerprint (either index)."""
        del band_keys  # datasketch bands the signatures itself
        try:
            found = set(self.full.query(self._minhash(fingerprint.signature)))
            if fingerprint.lead:
                found |= set(self.lead.query(self._minhash(fingerprint.lead)))
            keys = sorted(k.decode("utf-8") for k in found)
            keys = [k for k in keys if k != exclude]
            pipeline = self.client.pipeline()
            for key in keys:
                pipeline.hgetall(self._text_key(key))
            rows = pipeline.execute()
        except self._redis_errors as error:
            raise StoreError(f"{self.url}: cannot query the Redis index: {error}") from None
        return [self._candidate(key, row) for key, row in zip(keys, rows, strict=True) if row]

    @staticmethod
    def _candidate(key: str, row: dict[bytes, bytes]) -> Candidate:
        return Candidate(
            key=key,
            digest=row[b"digest"].decode(),
            shingles=bytes(row[b"shingles"]),
            word_count=int(row[b"words"]),
            figures=frozenset(row[b"figures"].decode().split()),
        )

    def cluster_of(self, key: str) -> str | None:
        """The cluster a remembered text belongs to, if it is remembered."""
        try:
            value = self.client.hget(self._text_key(key), "cluster")
        except self._redis_errors as error:
            raise StoreError(f"{self.url}: cannot read the Redis index: {error}") from None
        return value.decode("utf-8") if value is not None else None

    def remember(self, text: Candidate, fingerprint: Fingerprint, cluster: str) -> None:
        """Add a decided text to both LSH indexes and keep its verification data."""
        name = text.key.encode("utf-8")
        try:
            self.client.hset(
                self._text_key(text.key),
                mapping={
                    "digest": text.digest,
                    "shingles": text.shingles,
                    "words": text.word_count,
                    "figures": " ".join(sorted(text.figures)),
                    "cluster": cluster,
                },
            )
            if name not in self.full:
                self.full.insert(name, self._minhash(fingerprint.signature))
            if fingerprint.lead and name not in self.lead:
                self.lead.insert(name, self._minhash(fingerprint.lead))
        except self._redis_errors as error:
            raise StoreError(f"{self.url}: cannot write to the Redis index: {error}") from None
