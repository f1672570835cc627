"""The store: where articles, fingerprints, story clusters and the change log live.

:class:`Store` is the protocol every backend keeps (``protocol.py``); the embedded
SQLite store (``sqlite.py``) is the default. :func:`open_store` is the one way the
commands open one, from the settings.
"""

from __future__ import annotations

from normalizer.canonical import CanonicalRule
from normalizer.clusters import settle_cluster
from normalizer.settings import Settings
from normalizer.store.migrations import SCHEMA_VERSION
from normalizer.store.protocol import LastChange, Store, StoredArticle, StoredVersion
from normalizer.store.sqlite import SqliteStore

__all__ = [
    "SCHEMA_VERSION",
    "LastChange",
    "SqliteStore",
    "Store",
    "StoredArticle",
    "StoredVersion",
    "apply_rule",
    "open_store",
]


def open_store(settings: Settings, *, create: bool = True, path: str | None = None) -> SqliteStore:
    """The store the settings name (``path`` overrides ``settings.db``).

    ``create=False`` is for the commands that only read a store: a missing one is an
    error, not a new empty store. A store whose clusters were picked under another
    canonical rule is re-picked under the settings' rule, unless it is read-only
    here (its own rule then stands).
    """
    store = SqliteStore(
        path or settings.db, settings.fingerprint_params, settings.canonical_rule, create=create
    )
    try:
        if not store.rule_is_current and not store.read_only:
            apply_rule(store, settings.canonical_rule)
    except BaseException:
        store.close()
        raise
    return store


def apply_rule(store: SqliteStore, rule: CanonicalRule) -> int:
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
