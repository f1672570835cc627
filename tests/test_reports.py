"""Reports: dups' JSON and table and serve's cluster view, from one description per member."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from feeds.jobs import ingest_inputs
from feeds.publish.atom import atom_id
from feeds.publish.reports import cluster_table, cluster_view, dups_document, story_clusters
from normalizer.settings import Settings
from normalizer.store import open_store

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"
NOW = datetime(2024, 5, 1, tzinfo=UTC)


def test_the_cli_document_and_the_served_view_describe_members_alike() -> None:
    settings = Settings()
    with open_store(settings, path=":memory:") as store:
        ingest_inputs([str(DEMO)], store, settings, NOW)
        clusters = story_clusters(store, store.canonical)
        document = dups_document(clusters, store)
        view = cluster_view(clusters, store.canonical)
        table = cluster_table(clusters, store.canonical)
    assert sum(len(ids) for ids in document["clusters"]) == 35
    shared = [c for c in clusters if len(c.members) > 1]
    assert [c["id"] for c in view["clusters"]] == [atom_id(c.key) for c in shared]  # singletons left out
    links = {link["id"]: link for link in document["links"]}
    for cluster in view["clusters"]:
        for member in cluster["members"]:
            if member["rule"] != "founder":
                same = {k: v for k, v in links[member["input_id"]].items() if k != "id"}
                assert {k: member[k] for k in same} == same
    assert view["canonical_rule"] == document["canonical_rule"]
    assert table.splitlines()[-1].endswith(store.canonical.describe())
    assert len(table.splitlines()) == 35 + 2  # header, a line per article, the rule
