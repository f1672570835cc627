"""Schema 8: script-aware fingerprints, and the refusals table.

Stores made before schema 8 fingerprinted texts by ``\\w+`` words alone: a Chinese
clause was one token, full-width digits and Arabic hamza forms were other words,
figures were bare digit runs and headlines had no band key. Their fingerprints
cannot be compared with the ones this version makes, so the migration makes every
stored article's fingerprint again, from its stored body and headline, with the
store's own parameters (seed, permutations, bands) and the current tokens, and
records the new hash scheme. Links and clusters already decided stay as they were:
they are the store's history; new articles are judged against the new fingerprints.

It runs inside the opening write transaction, like every migration: a store is
migrated whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from normalizer.fingerprint import Sketcher, band_keys
from normalizer.model import HASH_SCHEME, WORDS_HASH_SCHEME, FingerprintParams
from normalizer.store.bodies import BodyCodec
from normalizer.store.database import Database, article_batches

__all__ = ["current_meta", "refingerprint"]

# Candidates a new article's text matched and other evidence refused, with the reason.
_REFUSALS = """
CREATE TABLE IF NOT EXISTS refusals (
    article {id} NOT NULL REFERENCES articles(id),
    candidate TEXT {collate} NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (article, candidate)
)
"""


def current_meta(stored: dict[str, str]) -> dict[str, str]:
    """A store's meta values as they are once migrated: a store before schema 8 that
    hashed words is fingerprinted again under the current scheme (its other
    parameters stay), so it is checked as such."""
    try:
        version = int(stored.get("schema_version", "0"))
    except ValueError:
        return stored
    if stored and version < 8 and stored.get("hash") == WORDS_HASH_SCHEME:
        return {**stored, "hash": HASH_SCHEME}
    return stored


def refingerprint(
    band_tables: tuple[str, ...], new_bands: str, *, postgres: bool = False
) -> Callable[[Database], None]:
    """The migration for a backend whose band rows are in ``band_tables`` (new rows go
    to ``new_bands``)."""
    refusals = (
        _REFUSALS.format(id="BIGINT", collate='COLLATE "C"')
        if postgres
        else _REFUSALS.format(id="INTEGER", collate="")
    )

    def apply(db: Database) -> None:
        meta = {str(row[0]): str(row[1]) for row in db.execute("SELECT key, value FROM meta")}
        params = FingerprintParams.from_meta(current_meta(meta)) if meta else FingerprintParams()
        sketcher = Sketcher(params)
        bodies = BodyCodec()
        for table in band_tables:
            db.execute(f"DELETE FROM {table}")
        for rows in article_batches(db, "id, title, body"):
            for row in rows:
                article_id, body = int(row[0]), bodies.unpack(row[2]) if row[2] else ""
                fingerprint = sketcher.fingerprint(body.split("\n\n") if body else [], str(row[1]))
                db.execute(
                    "UPDATE signatures SET digest = ?, shingles = ?, shingle_set = ?, figures = ? "
                    "WHERE article = ?",
                    (
                        fingerprint.digest,
                        fingerprint.shingles,
                        fingerprint.shingle_set,
                        " ".join(fingerprint.figures),
                        article_id,
                    ),
                )
                db.executemany(
                    f"INSERT INTO {new_bands} (band_key, article) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(key, article_id) for key in band_keys(fingerprint, params)],
                )
        db.execute(refusals)
        if meta:
            db.execute("UPDATE meta SET value = ? WHERE key = 'hash'", (HASH_SCHEME,))

    return apply
