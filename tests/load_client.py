"""A bounded load loop against a running ``newsnorm serve``, run as its own process.

``python -m tests.load_client BASE_URL REQUESTS`` sends REQUESTS requests over
a few keep-alive connections, cycling through the feed, the archive pages,
the cluster view and conditional requests, and prints one JSON line: the count
of each status and any errors. It exits 1 if any answer was not 200 or 304.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import httpx


def run(base: str, requests: int) -> dict[str, object]:
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    with httpx.Client(timeout=30.0) as client:
        index = client.get(f"{base}/index.json").json()
        pages = int(index["archive_pages"])
        paths = ["/feed.atom", "/clusters.json", *(f"/archive/{n}.atom" for n in range(1, pages + 1))]
        etags: dict[str, str] = {}
        for number in range(requests):
            path = paths[number % len(paths)]
            # Every other round asks conditionally, as a polite feed reader does.
            headers = {"If-None-Match": etags[path]} if number % 2 and path in etags else {}
            try:
                response = client.get(base + path, headers=headers)
            except httpx.HTTPError as error:
                errors.append(f"{path}: {type(error).__name__}: {error}")
                continue
            statuses[str(response.status_code)] += 1
            if response.status_code == 200:
                etags[path] = response.headers["ETag"]
            elif response.status_code != 304:
                errors.append(f"{path}: HTTP {response.status_code}")
    return {"statuses": dict(statuses), "errors": errors[:20], "requests": requests}


if __name__ == "__main__":
    report = run(sys.argv[1], int(sys.argv[2]))
    print(json.dumps(report, sort_keys=True))
    sys.exit(1 if report["errors"] else 0)
