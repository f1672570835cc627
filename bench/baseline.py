"""The hand-written pipeline the benchmark compares with, written the way the
packages' own docs show: feedparser to read, lxml for text, one
``MinHash.update()`` per shingle, ``MinHashLSH`` for candidates, lxml to write
Atom. No cleaning, no store.

    python -m bench.baseline FEED_FOLDER OUT.atom
"""

from __future__ import annotations

import sys
from pathlib import Path

import feedparser
import lxml.html
from datasketch import MinHash, MinHashLSH
from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"


def main(folder: Path, out: Path) -> int:
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    etree.SubElement(feed, f"{{{ATOM}}}title").text = "baseline"
    count = 0
    for path in sorted(folder.iterdir()):
        for entry in feedparser.parse(path.read_bytes()).entries:
            text = lxml.html.fromstring(entry.get("summary") or "<p></p>").text_content()
            words = text.lower().split()
            minhash = MinHash(num_perm=128)
            for i in range(max(1, len(words) - 3)):
                minhash.update(" ".join(words[i : i + 4]).encode("utf-8"))
            duplicates = lsh.query(minhash)
            lsh.insert(entry.id, minhash)
            element = etree.SubElement(feed, f"{{{ATOM}}}entry")
            etree.SubElement(element, f"{{{ATOM}}}id").text = entry.id
            etree.SubElement(element, f"{{{ATOM}}}title").text = entry.get("title", "")
            etree.SubElement(element, f"{{{ATOM}}}content").text = text
            if duplicates:
                element.set("duplicate-of", sorted(duplicates)[0])
            count += 1
    out.write_bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))
    print(count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
