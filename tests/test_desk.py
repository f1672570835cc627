"""The desk view of ``serve``: the clusters page, the story pages with their diffs,
search and filters, escaping of a stranger's text, the policy headers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from feeds.publish.atom import feed_info
from feeds.publish.desk import STORIES_PER_PAGE, story_id
from feeds.publish.diff import Piece, paragraph_diff, word_diff
from feeds.publish.serve import ServeConfig, make_app
from normalizer.settings import Settings
from normalizer.store import open_store

from .conftest import DEMO, FIXED_EPOCH, ROOT

SANITIZE = ROOT / "fixtures" / "feedparser-sanitize"
BASE = "https://desk.example/news"
EXT = "urn:newsnorm:atom-extension:1"

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _newsnorm(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    env = {"SOURCE_DATE_EPOCH": FIXED_EPOCH, "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)


def _app(db: Path) -> App:
    settings = Settings(db=str(db))
    config = ServeConfig(feed_info(settings), base_url=BASE)
    return make_app(lambda: open_store(settings, create=False), config)


def _get(app: App, path: str, query: str = "", **headers: str) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(response_headers))

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, **headers}
    body = b"".join(app(environ, start))
    return answer["status"], answer["headers"], body


def _stories(page: bytes) -> list[str]:
    tree = lxml_html.fromstring(page)
    return [a.text_content() for a in tree.xpath("//li[@class='story']/a[@class='headline']")]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("desk") / "s.db"
    done = _newsnorm("ingest", str(DEMO), str(ROOT / "fixtures" / "real"), "--db", str(db))
    assert done.returncode in (0, 3), done.stderr
    return db


# -- the diff ----------------------------------------------------------------


def test_a_trimmed_tail_is_removed_paragraphs() -> None:
    rows = paragraph_diff(["One.", "Two.", "Three."], ["One."])
    assert [row.kind for row in rows] == ["same", "removed", "removed"]
    assert rows[1].left == (Piece("del", "Two."),) and rows[1].right == ()


def test_an_update_adding_two_paragraphs_shows_them_inserted() -> None:
    rows = paragraph_diff(["Lead.", "Body."], ["Lead.", "New one.", "New two.", "Body."])
    assert [row.kind for row in rows] == ["same", "added", "added", "same"]
    assert [row.right for row in rows if row.kind == "added"] == [
        (Piece("ins", "New one."),),
        (Piece("ins", "New two."),),
    ]


def test_a_moved_paragraph_is_a_move_not_a_loss() -> None:
    rows = paragraph_diff(["A a.", "B b.", "C c."], ["B b.", "C c.", "A a."])
    assert sorted(row.kind for row in rows) == ["moved", "moved", "same", "same"]
    assert not any(piece.kind != "same" for row in rows for piece in (*row.left, *row.right))


def test_words_changed_inside_a_paragraph_are_marked_and_the_text_kept() -> None:
    old, new = "The minister resigned on Tuesday.", "The prime minister resigned on Monday."
    left, right = word_diff(old, new)
    assert "".join(p.text for p in left) == old and "".join(p.text for p in right) == new
    assert [p.text for p in left if p.kind == "del"] == ["Tuesday."]
    assert [p.text.strip() for p in right if p.kind == "ins"] == ["prime", "Monday."]
    rows = paragraph_diff([old], [new])
    assert [row.kind for row in rows] == ["changed"]


# -- the pages ---------------------------------------------------------------


def test_the_index_lists_the_clusters_of_two_or_more(demo_db: Path) -> None:
    app = _app(demo_db)
    status, headers, page = _get(app, "/")
    assert status == "200 OK" and headers["Content-Type"] == "text/html; charset=utf-8"
    clusters = json.loads(_get(app, "/clusters.json")[2])["clusters"]
    titles = _stories(page)
    assert len(titles) == len(clusters) >= 1
    canonical_titles = {m["title"] for c in clusters for m in c["members"] if m["canonical"]}
    assert set(titles) == canonical_titles
    # Each cluster of clusters.json names its story page, which the index links to.
    links = lxml_html.fromstring(page).xpath("//li[@class='story']/a/@href")
    assert sorted(links) == sorted(c["url"] for c in clusters)
    assert all(url.startswith(f"{BASE}/story/") for url in links)


def test_a_story_page_shows_each_copy_against_the_canonical_one(demo_db: Path) -> None:
    app = _app(demo_db)
    clusters = json.loads(_get(app, "/clusters.json")[2])["clusters"]
    pair = next(
        c for c in clusters if any(m["input_id"] == "scraped-article-near-duplicate" for m in c["members"])
    )
    status, _, page = _get(app, pair["url"].removeprefix(BASE))
    assert status == "200 OK"
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//section[contains(@class, 'member')]")) == 2
    assert len(tree.xpath("//section[contains(@class, 'canonical')]")) == 1
    assert tree.xpath("//table[@class='diff']//del") and tree.xpath("//table[@class='diff']//ins")
    standing = " ".join(tree.xpath("//dl[@class='standing']//text()"))
    assert "jaccard" in standing and "canonical?" in standing
    # Any member's id leads to the page of the story it is in.
    member_ids = [m["id"].removeprefix("urn:uuid:") for m in pair["members"]]
    assert {_get(app, f"/story/{i}")[2] for i in member_ids} == {page}
    assert _get(app, f"/story/{story_id('no such key')}")[0] == "404 Not Found"


def test_search_and_filters_narrow_the_index(demo_db: Path) -> None:
    app = _app(demo_db)
    everything = _stories(_get(app, "/")[2])
    found = _stories(_get(app, "/", "q=fighter+jet")[2])
    assert len(found) == 1 and found[0].startswith("France and Germany")
    assert _stories(_get(app, "/", "q=zzyzx")[2]) == []
    assert b"has no word to look for" in _get(app, "/", "q=%3F%21")[2]
    copies = _stories(_get(app, "/", "type=copy")[2]) + _stories(_get(app, "/", "type=rewrite")[2])
    assert set(copies) <= set(everything)
    assert _stories(_get(app, "/", "source=no+such+source")[2]) == []
    assert _get(app, "/", "page=abc&q=" + "x" * 10_000)[0] == "200 OK"  # cut, not a failure


def test_pages_of_the_index_hold_the_newest_stories_first(tmp_path: Path) -> None:
    # Stories told twice each (two feeds), more of them than one page holds.
    count = STORIES_PER_PAGE + 5
    for feed in ("a", "b"):
        items = "".join(
            f"<item><guid>{feed}-{n}</guid><title>Story number {n} of the day</title>"
            f"<pubDate>Tue, 02 Oct 2018 {n % 24:02d}:{n % 60:02d}:00 GMT</pubDate><description>"
            + " ".join(f"word{n}x{w}" for w in range(60))
            + "</description></item>"
            for n in range(count)
        )
        (tmp_path / f"{feed}.rss").write_text(
            f"<rss version='2.0'><channel><title>{feed}</title><link>http://{feed}.example/</link>"
            f"<description>d</description>{items}</channel></rss>"
        )
    db = tmp_path / "s.db"
    assert (
        _newsnorm("ingest", str(tmp_path / "a.rss"), str(tmp_path / "b.rss"), "--db", str(db)).returncode == 0
    )
    app = _app(db)
    first, second = _get(app, "/")[2], _get(app, "/", "page=2")[2]
    assert len(_stories(first)) == STORIES_PER_PAGE and len(_stories(second)) == 5
    assert not set(_stories(first)) & set(_stories(second))
    assert b'rel="next"' in first and b'rel="prev"' in second


def test_pages_carry_a_policy_that_allows_no_script_and_answer_304(demo_db: Path) -> None:
    app = _app(demo_db)
    _, headers, page = _get(app, "/")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy  # none: default-src
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert _get(app, "/", HTTP_IF_NONE_MATCH=headers["ETag"])[0] == "304 Not Modified"
    style = _get(app, "/desk.css")
    assert style[0] == "200 OK" and style[1]["Content-Type"].startswith("text/css")
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //*[@style] | //style")  # nothing inline to allow


def _unsafe(page: bytes) -> list[str]:
    """What in a page could run: script or embedding elements, event attributes,
    script URLs."""
    tree = lxml_html.fromstring(page)
    running = ("script", "iframe", "object", "embed", "base", "style")
    found = [str(el.tag) for el in tree.iter() if el.tag in running]
    found += [f"meta@{m.get('http-equiv')}" for m in tree.iter("meta") if m.get("http-equiv")]
    found += [f"form@{f.get('action')}" for f in tree.iter("form") if f.get("action") != f"{BASE}/"]
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{element.tag}@{name}")
            if name in ("href", "src", "action") and not value.startswith((BASE, "http://", "https://")):
                found.append(f"{element.tag}@{name}={value[:40]}")
    return found


def test_no_page_runs_a_stranger_s_script(tmp_path: Path) -> None:
    # feedparser's 745 sanitiser cases (each a feed with hostile markup somewhere),
    # and hostile titles of our own told twice, so that they are clusters.
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> &lt;b onmouseover=alert(3)&gt;'
    for feed in ("one", "two"):
        (tmp_path / f"{feed}.rss").write_text(
            f"<rss version='2.0'><channel><title>{feed}</title><link>http://{feed}.example/</link>"
            f"<description>d</description><item><guid>{feed}</guid><title><![CDATA[{hostile}]]></title>"
            "<description><![CDATA[<p>The council met on Tuesday to vote on the budget for next year, "
            "and the vote was close, with the mayor casting the deciding vote late at night.</p>"
            f"<p>{hostile}</p>]]></description><link>javascript:alert(4)</link></item></channel></rss>"
        )
    db = tmp_path / "s.db"
    done = _newsnorm(
        "ingest", str(SANITIZE), str(tmp_path / "one.rss"), str(tmp_path / "two.rss"), "--db", str(db),
        "--format", "json",
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stderr
    # The cases' entries were read (some cases have none); many clean to the same
    # text, which is then one article.
    assert json.loads(done.stdout)["entries"]["read"] > 500
    app = _app(db)
    with open_store(Settings(db=str(db)), create=False) as store:
        keys = [s.article.key for s in store.stored_articles()]
    pages = [_get(app, "/")[2], _get(app, "/", "q=alert")[2]]
    pages += [_get(app, f"/story/{story_id(key)}")[2] for key in keys]
    assert all(_unsafe(page) == [] for page in pages), [_unsafe(p) for p in pages if _unsafe(p)][:3]
    # The hostile title is shown as the text it is.
    index = lxml_html.fromstring(pages[0])
    assert any("<script>alert(1)</script>" in title for title in _stories(pages[0])), _stories(pages[0])
    assert not index.xpath("//img")


def test_the_served_feed_links_each_story_to_its_page(demo_db: Path) -> None:
    from lxml import etree

    app = _app(demo_db)
    feed = etree.fromstring(_get(app, "/feed.atom")[2])
    stories = feed.findall(f".//{{{EXT}}}story")
    linked = {s.get("href") for s in stories if s.get("href")}
    clusters = json.loads(_get(app, "/clusters.json")[2])["clusters"]
    # The feed holds the newest changes: each of its stories of two or more links to
    # its page, and a story of one has no page to link to.
    assert linked and linked <= {c["url"] for c in clusters}
    for story in stories:
        told_twice = story.get("canonical") == "false" or story.findall(f"{{{EXT}}}member")
        assert (story.get("href") is not None) == bool(told_twice)
    index = json.loads(_get(app, "/index.json")[2])
    assert index["desk"] == f"{BASE}/" and index["feed"] == f"{BASE}/feed.atom"


def test_the_story_views_read_no_body_but_the_story_page_s(demo_db: Path) -> None:
    with open_store(Settings(db=str(demo_db)), create=False) as store:
        full = {s.article.key: s for s in store.stored_articles()}
        light = store.shared_members()
        keys = [k for k, _ in store.story_keys()]
    assert sorted(keys) == sorted(full)
    assert light and all(s.cluster_size > 1 and s.article.paragraphs == () for s in light)
    assert {s.article.key for s in light} == {k for k, s in full.items() if s.cluster_size > 1}
    # What the canonical rule reads (the words) is the stored count, not zero.
    assert all(s.word_count == full[s.article.key].word_count > 0 for s in light)
