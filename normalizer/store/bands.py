"""The SQLite store's duplicate index: LSH band keys in an indexed table.

A run looks its band keys up with one indexed query and loads only its
candidates' shingle sets; nothing is held in memory between inputs. New rows wait
in ``recent_bands`` and are folded into ``bands`` in key order once there are
:data:`RECENT_BANDS_LIMIT` of them, because inserted one by one into a table of
millions each would dirty a page of its own.

Look-up, decision and remembering are one step because they happen inside the
store's write transaction (``BEGIN IMMEDIATE``: one writer at a time); the bands
of a new text are written with its article (see :meth:`BandIndex.write`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from normalizer.dedup import Candidate, Decide, Match
from normalizer.model import Fingerprint
from normalizer.store.database import Database
from normalizer.store.rows import CANDIDATE_COLUMNS, candidate, in_chunks

__all__ = ["ARTICLES_PER_BAND", "MAX_CANDIDATES", "RECENT_BANDS_LIMIT", "BandIndex"]

# Band rows wait in a small table until there are this many (about 8,500 articles).
RECENT_BANDS_LIMIT = 500_000
# A join costs the same however large the story it joins. Under one band key, at
# most this many articles are read (the first stored): a story syndicated by
# thousands of sites shares its keys with all of its copies, and a new copy needs a
# few of them to verify against, not all. Of the articles read, a new text is
# verified against at most MAX_CANDIDATES: those sharing the most of its bands (the
# best estimated similarities), then the first stored. Below these numbers, which a
# story of a few dozen copies does not reach, every candidate is verified as before.
ARTICLES_PER_BAND = 32
MAX_CANDIDATES = 64
_KEYS_PER_QUERY = 100


@lru_cache(maxsize=8)
def _under_query(keys: int) -> str:
    # One text per number of keys: made once, and found again in sqlite3's statement cache.
    one = "SELECT article FROM (SELECT article FROM {} WHERE band_key = ? ORDER BY article LIMIT ?)"
    return " UNION ALL ".join(one.format(table) for table in ("bands", "recent_bands") for _ in range(keys))


class BandIndex:
    """The band table of one SQLite connection, as a :class:`normalizer.dedup.DuplicateIndex`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def _articles_under(self, band_keys: Sequence[int]) -> tuple[str, list[object]]:
        """A query of the ids of the articles under these band keys, once per key they
        share (at most ARTICLES_PER_BAND a key and table), and its parameters."""
        parameters: list[object] = []
        for _ in ("bands", "recent_bands"):
            for key in band_keys:
                parameters += [key, ARTICLES_PER_BAND]
        return _under_query(len(band_keys)), parameters

    def candidates(self, band_keys: Sequence[int], exclude: str | None = None) -> list[Candidate]:
        """Stored articles sharing LSH bands with a text, with their shingle sets: at
        most MAX_CANDIDATES, those sharing the most bands first (then the first stored)."""
        if not band_keys:
            return []
        shared: Counter[int] = Counter()
        # In groups of keys: SQLite allows 500 terms in one compound SELECT.
        for start in range(0, len(band_keys), _KEYS_PER_QUERY):
            under, parameters = self._articles_under(band_keys[start : start + _KEYS_PER_QUERY])
            shared.update(int(row[0]) for row in self._db.execute(under, parameters))
        chosen = sorted(shared, key=lambda article: (-shared[article], article))[:MAX_CANDIDATES]
        if not chosen:
            return []
        rows = self._db.execute(
            f"""
            SELECT {CANDIDATE_COLUMNS}
            FROM articles a JOIN signatures s ON s.article = a.id
            WHERE a.id IN ({",".join("?" * len(chosen))})
            ORDER BY a.id
            """,
            sorted(chosen),
        ).fetchall()
        return [candidate(row) for row in rows if row["key"] != exclude]

    def hold_bands(self, band_keys: Sequence[int]) -> None:
        """Keep other writers off these band keys until the transaction ends. SQLite's
        transaction already has the store to itself (``BEGIN IMMEDIATE``)."""

    def _hold_clusters(self, keys: Sequence[str], clusters: dict[str, str]) -> dict[str, str]:
        """Keep other writers off these clusters until the transaction ends; the
        clusters of ``keys`` as they are once held (see :meth:`hold_bands`)."""
        del keys
        return clusters

    def match(
        self, new: Candidate, fingerprint: Fingerprint, band_keys: Sequence[int], decide: Decide
    ) -> Match:
        """The cluster a new text joins, decided over its stored candidates."""
        del fingerprint  # the band keys say all the band table needs
        self.hold_bands(band_keys)
        decision = decide(self.candidates(band_keys, exclude=new.key))
        linked = decision.linked_to
        if linked is None:
            return Match(decision, new.key)
        # One query for every match's cluster: a copy of a story syndicated a thousand
        # times verifies against a thousand members.
        keys = [linked, *decision.also]
        clusters = self._hold_clusters(keys, self._clusters_of(keys))
        cluster = clusters.get(linked, linked)
        # A text that is a copy of members of two stories makes them one story (the
        # order the copies arrived in then no longer decides the partition).
        others = {clusters[key] for key in decision.also if key in clusters} - {cluster}
        return Match(decision, cluster, tuple(sorted(others)))

    def _clusters_of(self, keys: Sequence[str]) -> dict[str, str]:
        """The cluster of each stored article among ``keys`` (one query per 500 keys)."""
        found: dict[str, str] = {}
        for chunk in in_chunks(keys):
            rows = self._db.execute(
                "SELECT a.key, m.cluster FROM members m JOIN articles a ON a.id = m.article "
                f"WHERE a.key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((str(row[0]), str(row[1])) for row in rows)
        return found

    def write(self, article_id: int, band_keys: Sequence[int]) -> None:
        """Index a stored article under its band keys."""
        self._db.executemany(
            "INSERT OR IGNORE INTO recent_bands VALUES (?, ?)", [(key, article_id) for key in band_keys]
        )

    def forget(self, article_id: int) -> None:
        """Drop an article's band rows (its text is being replaced)."""
        self._db.execute("DELETE FROM bands WHERE article = ?", (article_id,))
        self._db.execute("DELETE FROM recent_bands WHERE article = ?", (article_id,))

    def waiting(self) -> int:
        """How many band rows wait to be folded."""
        return int(self._db.execute("SELECT COUNT(*) FROM recent_bands").fetchone()[0])

    def fold(self) -> None:
        """Move the waiting rows into the main table, in key order (inside a transaction)."""
        self._db.execute(
            "INSERT OR IGNORE INTO bands SELECT band_key, article FROM recent_bands ORDER BY 1, 2"
        )
        self._db.execute("DELETE FROM recent_bands")
