"""Score page metadata and extraction speed on pages with expected Readability output.

Usage (by hand; the pages are not shipped):
    .venv/bin/python -m scripts.page_eval ../shared/corpus/readability/test-pages
    .venv/bin/python -m scripts.page_eval fixtures/pages -v

Prints how many titles and bylines equal the expected ones exactly (bylines also
after dropping a leading "By"), and pages per second of extraction in-process
(parse + metadata + body, one core).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from normalizer.extract import extract_page
from normalizer.safexml import parse_html


def _loose(value: str | None) -> str:
    text = " ".join((value or "").split())
    return text[3:] if text.lower().startswith("by ") else text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", type=Path, help="folder of <page>/source.html + expected-metadata.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each mismatch")
    args = parser.parse_args()
    folders = sorted(p for p in args.pages.iterdir() if (p / "expected-metadata.json").exists())
    sources = [(p.name, (p / "source.html").read_bytes()) for p in folders]
    expected = {p.name: json.loads((p / "expected-metadata.json").read_text("utf-8")) for p in folders}
    titles = bylines = loose_bylines = 0
    start = time.perf_counter()
    pages = {name: extract_page(parse_html(data, name)) for name, data in sources}
    elapsed = time.perf_counter() - start
    for name, page in pages.items():
        want = expected[name]
        title_ok = page.title == " ".join((want.get("title") or "").split())
        byline_ok = (page.byline or None) == (" ".join((want.get("byline") or "").split()) or None)
        titles += title_ok
        bylines += byline_ok
        loose_bylines += _loose(page.byline) == _loose(want.get("byline"))
        if args.verbose and not (title_ok and byline_ok):
            print(f"{name}:\n  title  {page.title!r}\n  wanted {want.get('title')!r}")
            print(f"  byline {page.byline!r}\n  wanted {want.get('byline')!r}")
    n = len(pages)
    print(
        f"pages={n} title exact={titles}/{n} ({titles / n:.0%}) "
        f"byline exact={bylines}/{n} ({bylines / n:.0%}) "
        f"byline without 'By'={loose_bylines}/{n} ({loose_bylines / n:.0%}) pages/s={n / elapsed:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
