"""The store: where articles, fingerprints, story clusters and the change log live.

:class:`Store` is the protocol every backend keeps (``protocol.py``); the embedded
SQLite store (``sqlite.py``) is the default, a PostgreSQL database (``postgres.py``)
the store a fleet of workers shares. Both run the same queries (``relational.py``).
:func:`open_store` is the one way the commands open one, from the settings.
"""

from __future__ import annotations

from normalizer.canonical import CanonicalRule
from normalizer.clusters import settle_cluster
from normalizer.errors import SettingsError
from normalizer.model import FingerprintParams
from normalizer.settings import Settings
from normalizer.store.migrations import SCHEMA_VERSION
from normalizer.store.protocol import LastChange, Store, StoredArticle, StoredVersion
from normalizer.store.relational import RelationalStore
from normalizer.store.sqlite import SqliteStore
from normalizer.values import is_postgres_url

__all__ = [
    "SCHEMA_VERSION",
    "LastChange",
    "RelationalStore",
    "SqliteStore",
    "Store",
    "StoredArticle",
    "StoredVersion",
    "apply_rule",
    "open_store",
]


def open_store(settings: Settings, *, create: bool = True, path: str | None = None) -> RelationalStore:
    """The store the settings name (``path`` overrides ``settings.db``): a SQLite file,
    or a ``postgresql://`` URL.

    ``create=False`` is for the commands that only read a store: a missing one is an
    error, not a new empty store, and the store's own canonical rule stands whatever
    the settings say (a reader that re-picked would log changes that are not news
    for every ``emit --changed``; see :attr:`RelationalStore.rule_is_current`). A
    writing command (``create=True``) re-picks a store whose clusters were picked
    under another rule, unless the store is read-only here.
    """
    name = path or settings.db
    # A reader adopts the store's fingerprint parameters (it makes no signature); a
    # writer's must equal them.
    params = settings.fingerprint_params if create else None
    store: RelationalStore
    if is_postgres_url(name):
        store = _postgres(name, params, settings, create=create)
    else:
        store = SqliteStore(name, params, settings.canonical_rule, create=create)
    try:
        if create and not store.rule_is_current and not store.read_only:
            apply_rule(store, settings.canonical_rule)
    except BaseException:
        store.close()
        raise
    return store


def _postgres(
    url: str, params: FingerprintParams | None, settings: Settings, *, create: bool
) -> RelationalStore:
    try:
        # Imported only for a PostgreSQL store: psycopg is an optional extra.
        from normalizer.store.postgres import PostgresStore  # noqa: PLC0415
    except ImportError:
        raise SettingsError(
            "db: a postgresql:// store needs psycopg: pip install 'newsnorm[postgres]'"
        ) from None
    return PostgresStore(url, params, settings.canonical_rule, create=create)


def apply_rule(store: RelationalStore, rule: CanonicalRule) -> int:
    """Re-pick every shared cluster's canonical member under ``rule``, in one
    transaction, and record the rule; how many clusters changed their canonical member.

    A rule is not news: a re-picked entry is logged as changed at the time of the
    last change, so feed/updated does not move for it.
    """
    changed = 0
    with store.transaction():
        last = store.last_change()
        for cluster in store.shared_clusters():
            before = store.canonical_of(cluster)
            state = settle_cluster(store.cluster_texts(cluster), rule)
            store.write_cluster(cluster, state)
            if state.canonical != before:
                changed += 1
                if last is not None:
                    store.log_changes(state.member_ids, last.at, "cluster")
        store.save_rule(rule)
    return changed
