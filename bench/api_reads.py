"""Read throughput of the comments API, measured with wrk against a real `porch serve` process.

    .venv/bin/python bench/api_reads.py [--duration 10] [--connections 16]

Seeds, through the HTTP API, a 200-comment thread (150 top-level comments and 50 replies), a 10-comment thread
and 10 more threads for the counts request, then runs wrk for each endpoint and prints requests/s and latency
percentiles next to Isso's figures measured on the same kind of machine (issue 2).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import urllib.request
from pathlib import Path

from _common import SITE, Server, author_name, comment_text, post_comment, request, run_wrk

ISSO = {"thread200": 16.0, "thread10": 230.0, "counts10": 1430.0}
TARGET_MULTIPLE = {"thread200": 150, "thread10": 20, "counts10": None}

COUNTS_SCRIPT = """\
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{body}'
"""


def seed_thread(base: str, key: str, total: int, replies: int, rng: random.Random) -> None:
    ids: list[str] = []
    for _ in range(total - replies):
        ids.append(post_comment(base, key, comment_text(rng), author_name(rng)))
    for _ in range(replies):
        ids.append(post_comment(base, key, comment_text(rng), author_name(rng), parent=rng.choice(ids)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent wrk connections (default 16)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    args = parser.parse_args()
    rng = random.Random(2)

    with tempfile.TemporaryDirectory(prefix="porch-bench-") as tmp, Server(Path(tmp)) as server:
        base = server.url
        print(f"porch serve on {base}, data in {tmp}; seeding through the API...")
        seed_thread(base, "/big/", 200, 50, rng)
        seed_thread(base, "/small/", 10, 3, rng)
        count_keys = [f"/list/{i}/" for i in range(10)]
        for key in count_keys:
            seed_thread(base, key, rng.randint(1, 5), 0, rng)

        big = f"{base}/api/v1/comments?site={SITE}&thread=/big/&limit=200"
        small = f"{base}/api/v1/comments?site={SITE}&thread=/small/"
        status, page = request(big)
        assert status == 200 and len(page["comments"]) == 200 and page["next"] is None, (status, page)
        with urllib.request.urlopen(big) as response:
            big_size = len(response.read())
        status, page = request(small)
        assert status == 200 and len(page["comments"]) == 10, (status, page)
        counts_request = {"site": SITE, "threads": count_keys}
        counts_body = json.dumps(counts_request, separators=(",", ":"))  # no ' inside: it goes into a Lua string
        status, answer = request(f"{base}/api/v1/counts", "POST", counts_request)
        assert status == 200 and len(answer["counts"]) == 10 and all(answer["counts"].values()), answer
        script = Path(tmp) / "counts.lua"
        script.write_text(COUNTS_SCRIPT.format(body=counts_body))

        cases = [
            ("thread200", f"GET 200-comment thread ({big_size // 1024} kB)", big, None),
            ("thread10", "GET 10-comment thread", small, None),
            ("counts10", "POST counts for 10 threads", f"{base}/api/v1/counts", script),
        ]
        print(f"wrk -c{args.connections} -t{args.wrk_threads} -d{args.duration}s, loopback, one server process\n")
        print(f"{'endpoint':<38}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'Isso/s':>9}{'x Isso':>9}")
        for name, label, url, lua in cases:
            run_wrk(url, connections=args.connections, threads=args.wrk_threads, duration=2, script=lua)  # warm up
            result = run_wrk(
                url, connections=args.connections, threads=args.wrk_threads, duration=args.duration, script=lua
            )
            multiple = result["rps"] / ISSO[name]
            target = TARGET_MULTIPLE[name]
            verdict = "" if target is None else ("  ok" if multiple >= target else f"  BELOW {target}x")
            print(
                f"{label:<38}{result['rps']:>10,.0f}{result['p50']:>9.2f}{result['p90']:>9.2f}"
                f"{result['p99']:>9.2f}{ISSO[name]:>9,.0f}{multiple:>8,.0f}x{verdict}"
            )


if __name__ == "__main__":
    main()
