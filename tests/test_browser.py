"""The desk in a real browser: Debian's chromium, headless, driven by Selenium
through the system's chromedriver (nothing downloaded), against a ``newsnorm serve``
process on loopback. Each page's screenshot is written to ``build/screenshots/``
(not committed) for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import DEMO, FIXED_EPOCH, ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"
_CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
_DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HOSTILE_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)> Council budget vote"


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: the browser tests must run there)")
    pytest.skip(reason)


def _newsnorm(*args: str) -> subprocess.CompletedProcess[str]:
    env = {"SOURCE_DATE_EPOCH": FIXED_EPOCH, "PATH": "/usr/bin:/bin"}
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)


def _hostile_feeds(folder: Path) -> list[str]:
    paths = []
    for feed in ("one", "two"):
        path = folder / f"{feed}.rss"
        path.write_text(
            f"<rss version='2.0'><channel><title>{feed}</title><link>http://{feed}.example/</link>"
            f"<description>d</description><item><guid>{feed}-1</guid>"
            f"<title><![CDATA[{HOSTILE_TITLE}]]></title><description><![CDATA["
            "<p>The council met on Tuesday to vote on the budget for next year, and the vote was "
            "close, with the mayor casting the deciding vote late at night after a long debate.</p>"
            "]]></description></item></channel></rss>"
        )
        paths.append(str(path))
    return paths


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "s.db"
    done = _newsnorm("ingest", str(DEMO), *_hostile_feeds(folder), "--db", str(db))
    assert done.returncode == 0, done.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, str(ROOT / "cli.py"), "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a hang guard, not a speed test
    while True:
        try:
            httpx.get(f"{base}/index.json", timeout=5)
            break
        except httpx.TransportError:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(_CHROMIUM).exists() and Path(_DRIVER).exists()):
        _missing("no chromium/chromedriver: apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed: pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = _CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,1600")
    driver = webdriver.Chrome(service=Service(executable_path=_DRIVER), options=options)
    driver.set_page_load_timeout(60)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _headlines(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "li.story a.headline")]


def test_the_index_lists_the_demo_clusters(desk: str, browser: Any) -> None:
    browser.get(f"{desk}/")
    browser.save_screenshot(str(SCREENSHOTS / "index.png"))
    headlines = _headlines(browser)
    assert any(h.startswith("France and Germany agreed") for h in headlines), headlines
    # The hostile headline is text on the page: no script ran, no image was made.
    assert HOSTILE_TITLE in headlines
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert browser.find_elements(By.TAG_NAME, "img") == []


def test_a_story_page_shows_the_diff(desk: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{desk}/")
    link = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "li.story a.headline")
        if a.text.startswith("France and Germany")
    )
    link.click()
    assert "/story/" in browser.current_url
    browser.save_screenshot(str(SCREENSHOTS / "story.png"))
    members = browser.find_elements(By.CSS_SELECTOR, "section.member")
    assert len(members) == 2
    removed = [d.text for d in browser.find_elements(By.CSS_SELECTOR, "table.diff del")]
    added = [i.text for i in browser.find_elements(By.CSS_SELECTOR, "table.diff ins")]
    assert removed and added
    # The style sheet was allowed and applied: inserted words are marked green.
    color = browser.find_element(By.CSS_SELECTOR, "table.diff ins").value_of_css_property("background-color")
    assert color.replace(" ", "") == "rgba(200,245,200,1)"


def test_the_search_box_finds_a_word_of_the_text(desk: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{desk}/")
    everything = _headlines(browser)
    box = browser.find_element(By.NAME, "q")
    box.send_keys("officials")  # in the body of the story, not in its headline
    box.submit()
    deadline = time.monotonic() + 30
    while "q=officials" not in browser.current_url and time.monotonic() < deadline:
        time.sleep(0.1)
    browser.save_screenshot(str(SCREENSHOTS / "search.png"))
    found = _headlines(browser)
    assert len(found) == 1 and found[0].startswith("France and Germany") and len(everything) > 1
    assert "officials" not in found[0]
