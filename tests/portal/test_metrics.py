"""/metrics of `portal serve --workers 2`: one server's numbers, whichever worker answers."""

from __future__ import annotations

import re

import httpx

from tests.portal.serving import portal_serve


def _served_count(text: str, path: str) -> float:
    pattern = re.compile(
        rf'^portal_requests_total\{{[^}}]*path="{re.escape(path)}"[^}}]*\}} (\S+)$'
    )
    return sum(float(m[1]) for line in text.splitlines() if (m := pattern.match(line)))


def test_every_scrape_counts_the_requests_of_both_workers(db_url: str, redis_url: str) -> None:
    with portal_serve(db_url, redis_url, workers=2) as (url, _):
        for _ in range(60):  # a new connection each: the kernel spreads them over the workers
            assert httpx.get(f"{url}/api/v1/programs", timeout=5).status_code == 200
        # Each scrape is answered by one worker; each must count all 60.
        counts = [
            _served_count(httpx.get(f"{url}/metrics").text, "/api/v1/programs") for _ in range(8)
        ]
        assert counts == [60.0] * 8
