"""The cluster decision: canonical member, superseded versions, similarities, as one value."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from normalizer.canonical import CanonicalRule, cluster_member
from normalizer.clusters import ClusterText, settle_cluster
from normalizer.dedup import Candidate
from normalizer.fingerprint import canonical_tokens, compare, shingle_ids

WORDS = [f"word{i}" for i in range(200)]
DAY = datetime(2024, 5, 1, tzinfo=UTC)


def _text(key: str, words: list[str]) -> Candidate:
    text = " ".join(words)
    shingles = np.unique(shingle_ids(canonical_tokens([text]), 4)).tobytes()
    return Candidate(key=key, digest=text, shingles=shingles, word_count=len(words))


def _member(
    order: int, key: str, words: list[str], hours: int, url: str, link: str | None = None
) -> ClusterText:
    member = cluster_member(
        key,
        DAY.replace(hour=hours),
        len(words),
        order,
        source=(None, url, None, None, "feed.rss"),
        link=(link, "k1" if link else key),
    )
    return ClusterText(member=member, text=_text(key, words))


def test_the_rule_picks_the_canonical_member_and_similarities_follow_it() -> None:
    founder = _member(1, "k1", WORDS[:150], 8, "https://wire.example/1")
    longer = _member(2, "k2", WORDS, 9, "https://site.example/2", link="excerpt")
    earliest = settle_cluster([founder, longer], CanonicalRule(("earliest",)))
    assert earliest.canonical == 1
    longest = settle_cluster([founder, longer], CanonicalRule(("longest",)))
    assert longest.canonical == 2
    expected = compare(founder.text.shingles, longer.text.shingles).jaccard
    assert dict(longest.similarities) == {1: expected, 2: 1.0}
    assert dict(earliest.similarities) == {1: 1.0, 2: expected}
    assert earliest.member_ids == (1, 2) and earliest.superseded == ()


def test_an_update_supersedes_its_own_publishers_earlier_version_and_is_canonical() -> None:
    first = _member(1, "k1", WORDS[:150], 8, "https://wire.example/1")
    copy = _member(2, "k2", WORDS[:150], 9, "https://site.example/2", link="copy")
    update = _member(3, "k3", WORDS, 10, "https://wire.example/3", link="update")
    state = settle_cluster([first, copy, update], CanonicalRule(("earliest",)))
    assert state.canonical == 3  # the newest version, whatever the rule
    assert state.superseded == ((1, "k3"),)  # the wire's first take, not the site's copy
    assert dict(state.similarities)[3] == 1.0


def test_the_decision_does_not_depend_on_the_order_members_are_given_in() -> None:
    members = [
        _member(1, "k1", WORDS[:150], 8, "https://wire.example/1"),
        _member(2, "k2", WORDS[:180], 8, "https://site.example/2", link="excerpt"),
        _member(3, "k3", WORDS[:150], 8, "https://other.example/3", link="copy"),
    ]
    rule = CanonicalRule(("earliest", "longest"))
    assert settle_cluster(members, rule) == settle_cluster(list(reversed(members)), rule)


def test_settling_a_join_from_the_state_before_gives_the_full_decision() -> None:
    import random

    from normalizer.clusters import ClusterState, changed_members, resettle_cluster

    rng = random.Random(5)
    kinds = [None, "copy", "excerpt", "rewrite", "update", "copy", "excerpt", "update", "copy"]
    pool = [
        _member(order, f"k{order}", WORDS[: rng.randint(60, 200)], rng.randint(0, 23),
                f"https://{rng.choice(['wire', 'site', 'other'])}.example/{order}", link=kind)
        for order, kind in enumerate(kinds, start=1)
    ]  # fmt: skip
    rule = CanonicalRule(("earliest", "longest"))
    texts = {m.member.order: m.text for m in pool}
    read: list[int] = []

    def texts_of(ids: object) -> dict[int, Candidate]:
        read.extend(ids)  # type: ignore[call-overload]
        return {i: texts[i] for i in ids}  # type: ignore[attr-defined]

    state = settle_cluster(pool[:1], rule)
    for size in range(2, len(pool) + 1):
        joined = pool[size - 1]
        # What the store holds once the new member is added: it, at similarity 1.
        before = ClusterState(
            state.canonical, state.superseded, (*state.similarities, (joined.member.order, 1.0))
        )
        read.clear()
        again = resettle_cluster([m.member for m in pool[:size]], rule, before, joined.member.order, texts_of)
        assert again == settle_cluster(pool[:size], rule)
        if again.canonical == state.canonical:
            # Only the new member and the canonical one are read, and at most they and
            # the members whose standing moved are logged.
            assert sorted(set(read)) == sorted({joined.member.order, state.canonical})
        assert changed_members(before, again) >= {again.canonical}
        state = again


def test_a_join_decided_from_two_members_is_the_join_decided_from_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Copies of one story arriving in a random order, with random dates and lengths
    (so the canonical member is sometimes beaten, sometimes an update arrives): the
    store after each join holds what settling the whole cluster gives, and most joins
    into the story with versions are decided without settling it whole."""
    import random
    from datetime import timedelta

    import normalizer.pipeline
    from normalizer.model import Origin, RawEntry
    from normalizer.pipeline import Pipeline
    from normalizer.settings import Settings
    from normalizer.store import open_store
    from tests.story_corpus import _variant, make_items

    rng = random.Random(8)
    story = make_items(1, seed=12)[0]
    settings = Settings()
    entries = []
    for n in range(60):
        title = f"UPDATE 1-{story.title}" if n % 17 == 16 else story.title
        entries.append(
            RawEntry(
                f"c{n}", Origin("feed", f"site{n % 7}.rss"), title, _variant(story.body, rng), "text",
                guid=f"urn:c{n}", published=DAY + timedelta(minutes=rng.randrange(600)),
            )
        )  # fmt: skip
    whole: list[int] = []
    settle_whole = normalizer.pipeline.resettle_cluster
    monkeypatch.setattr(
        normalizer.pipeline, "resettle_cluster", lambda *a: whole.append(len(whole)) or settle_whole(*a)
    )
    with open_store(settings, path=":memory:") as store:
        pipeline = Pipeline(store, settings, DAY + timedelta(days=1))
        settled_with_versions = 0
        for entry in entries:
            had_versions = any(
                store.cluster_standing(s.cluster_key)[1].superseded for s in store.stored_articles()
            )
            settled = len(whole)
            pipeline.ingest([entry])
            settled_with_versions += had_versions and len(whole) > settled
            for cluster in {s.cluster_key for s in store.stored_articles()}:
                _, written = store.cluster_standing(cluster)
                assert written == settle_cluster(store.cluster_texts(cluster), settings.canonical_rule)
        assert len({s.cluster_key for s in store.stored_articles()}) == 1
    # The story has versions from its first update (the 17th copy) on: of the 43
    # joins after it, only updates and copies that take the canonical place settle it whole.
    assert settled_with_versions < 15


def test_a_join_decided_from_the_updates_and_two_members_is_the_join_decided_from_all() -> None:
    """Random clusters with versions (updates of several publishers, copies linked to
    any version, random times and lengths) and a random new member: wherever the quick
    join decides, it decides what settling every member gives; and it does decide
    for most joins into stories with versions."""
    import random

    from normalizer.canonical import superseded
    from normalizer.clusters import ClusterState, JoinStanding, join_cluster

    rng = random.Random(21)
    rules = [
        CanonicalRule(("earliest", "longest")),
        CanonicalRule(("latest",)),
        CanonicalRule(("source-priority", "longest"), ("site.example",)),
    ]
    from normalizer.canonical import outranks

    decided = with_versions = of_older_version = 0
    for trial in range(600):
        rule = rng.choice(rules)
        size = rng.randint(2, 9)
        pool: list[ClusterText] = []
        for order in range(1, size + 2):
            host = rng.choice(["wire", "site", "other"])
            kind = None if order == 1 else rng.choice(["copy", "excerpt", "rewrite", "update", "copy"])
            member = cluster_member(
                f"k{trial}-{order:02d}",
                DAY.replace(hour=rng.randint(0, 5)) if rng.random() < 0.9 else None,
                rng.randint(60, 200),
                order,
                source=(None, f"https://{host}.example/{order}", None, None, "f"),
                link=(kind, pool[rng.randrange(len(pool))].member.key if pool else f"k{trial}-01"),
            )  # fmt: skip
            pool.append(ClusterText(member, _text(member.key, WORDS[: member.word_count])))
        stored, joining = pool[:-1], pool[-1]
        state = settle_cluster(stored, rule)
        members = {m.member.order: m.member for m in stored}
        updates = tuple(m for m in members.values() if m.link_type == "update")
        standing = JoinStanding(
            canonical=members[state.canonical],
            joining=joining.member,
            updates=updates,
            replaced=frozenset(superseded(list(members.values()))) & {u.key for u in updates},
        )
        texts = {m.member.order: m.text for m in pool}
        quick = join_cluster(standing, rule, lambda ids, texts=texts: {i: texts[i] for i in ids})
        if quick is None:
            continue
        decided += 1
        with_versions += bool(state.superseded)
        # A copy of an older version does not compete, however it ranks.
        of_older_version += outranks(joining.member, standing.canonical, rule)
        before, after = quick
        expected = settle_cluster(pool, rule)
        assert before.canonical == after.canonical == expected.canonical == state.canonical
        similarities = {**dict(state.similarities), **dict(after.similarities)}
        assert (
            ClusterState(state.canonical, state.superseded, tuple(sorted(similarities.items()))) == expected
        )
    assert decided > 200 and with_versions > 100 and of_older_version > 20
