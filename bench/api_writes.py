"""Write throughput and durability of POST /api/v1/comments against a real `porch serve` process.

    .venv/bin/python bench/api_writes.py [--duration 10] [--clients 16 64] [--processes 2]

For each number of concurrent clients, keep-alive HTTP/1.1 connections (raw asyncio streams, spread over
several client processes so the client is not the bottleneck) post new comments as fast as the server
accepts them, for --duration seconds. Prints accepted comments/s and latency percentiles, then checks that
the database holds every comment that was answered 201.

Last, the crash test: clients post at full speed, the server gets SIGKILL in the middle of it, is started
again, and every comment acknowledged before the kill must be there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from _common import SITE, Server, author_name, comment_text

ISSO_WRITES = 450.0
TARGET = 3 * ISSO_WRITES
THREADS = 20  # comments are spread over this many threads
REPLY_SHARE = 0.25  # and this share of them answer an earlier comment of the same connection


@dataclass
class ClientResult:
    acknowledged: list[int] = field(default_factory=list)  # ids answered 201
    latencies: list[float] = field(default_factory=list)  # seconds, of the 201s
    failures: dict[str, int] = field(default_factory=dict)  # other statuses, or errors
    started: float = 0.0
    finished: float = 0.0
    cpu: float = 0.0


async def _connection(port: int, until: float, seed: int, result: ClientResult) -> None:
    rng = random.Random(seed)
    texts = [comment_text(rng) for _ in range(50)]
    names = [author_name(rng) for _ in range(20)]
    last: dict[str, int] = {}
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        result.failures[type(exc).__name__] = result.failures.get(type(exc).__name__, 0) + 1
        return
    try:
        while time.time() < until:
            thread = f"/w/{rng.randrange(THREADS)}/"
            body: dict[str, object] = {
                "site": SITE,
                "thread": thread,
                "text": rng.choice(texts),
                "author": {"name": rng.choice(names)},
            }
            if thread in last and rng.random() < REPLY_SHARE:
                body["parent"] = str(last[thread])
            payload = json.dumps(body).encode()
            head = (
                f"POST /api/v1/comments HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
            ).encode()
            sent = time.perf_counter()
            writer.write(head + payload)
            status_line = await reader.readuntil(b"\r\n")
            headers = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in headers.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            answer = await reader.readexactly(length)
            elapsed = time.perf_counter() - sent
            status = int(status_line.split()[1])
            if status == 201:
                comment_id = int(json.loads(answer)["comment"]["id"])
                result.acknowledged.append(comment_id)
                result.latencies.append(elapsed)
                last[thread] = comment_id
            else:
                result.failures[str(status)] = result.failures.get(str(status), 0) + 1
    except (OSError, asyncio.IncompleteReadError):
        # The server went away (the crash test kills it): whatever was not answered was not acknowledged.
        result.failures["connection lost"] = result.failures.get("connection lost", 0) + 1
    finally:
        writer.close()


def _client_process(port: int, connections: int, start: float, duration: float, seed: int) -> ClientResult:
    result = ClientResult()

    async def run() -> None:
        await asyncio.sleep(max(0.0, start - time.time()))
        result.started = time.time()
        await asyncio.gather(
            *(_connection(port, start + duration, seed * 1000 + i, result) for i in range(connections))
        )
        result.finished = time.time()

    asyncio.run(run())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.cpu = usage.ru_utime + usage.ru_stime
    return result


def drive(
    port: int, clients: int, processes: int, duration: float, seed: int, kill_after: tuple[float, Server] | None = None
) -> tuple[list[int], list[float], dict[str, int], float, float]:
    """Run `clients` connections over `processes` processes; optionally SIGKILL the server mid-run."""
    start = time.time() + 1.0  # give every process time to start before the clock does
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        futures = [
            pool.submit(_client_process, port, n, start, duration, seed * 100 + i) for i, n in enumerate(shares) if n
        ]
        if kill_after is not None:
            delay, server = kill_after
            time.sleep(max(0.0, start + delay - time.time()))
            server.kill()
        results = [future.result() for future in futures]
    acknowledged = [i for r in results for i in r.acknowledged]
    latencies = sorted(x for r in results for x in r.latencies)
    failures: dict[str, int] = {}
    for r in results:
        for key, n in r.failures.items():
            failures[key] = failures.get(key, 0) + n
    wall = max(r.finished for r in results) - min(r.started for r in results)
    cpu = sum(r.cpu for r in results)
    return acknowledged, latencies, failures, wall, cpu


def stored_ids(database: Path) -> set[int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT id FROM comments")}


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p / 100))] * 1000 if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (default 10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64], help="concurrent clients (default 16 64)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    args = parser.parse_args()
    all_ok = True

    with tempfile.TemporaryDirectory(prefix="porch-bench-") as tmp:
        server = Server(Path(tmp)).start()
        try:
            print(f"porch serve on {server.url} (one process), data in {tmp}")
            print(f"{args.processes} client processes, keep-alive connections, {args.duration:g} s per run\n")
            print(
                f"{'clients':>7}{'comments/s':>12}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'server CPU':>12}"
                f"{'CPU/comment':>13}{'client CPU':>12}  stored / acknowledged"
            )
            expected: set[int] = set()
            for n, clients in enumerate(args.clients):
                server_cpu = server.cpu_seconds()
                acked, latencies, failures, wall, cpu = drive(server.port, clients, args.processes, args.duration, n)
                server_cpu = server.cpu_seconds() - server_cpu
                expected |= set(acked)
                stored = stored_ids(server.database)
                missing = expected - stored
                all_ok &= not missing and not failures
                rate = len(acked) / wall
                print(
                    f"{clients:>7}{rate:>12,.0f}{percentile(latencies, 50):>9.1f}{percentile(latencies, 90):>9.1f}"
                    f"{percentile(latencies, 99):>9.1f}{server_cpu / wall:>11.0%} "
                    f"{server_cpu / max(1, len(acked)) * 1000:>9.2f} ms{cpu / wall:>11.0%} "
                    f"  {len(stored & expected):,} / {len(expected):,}"
                    + (f"  MISSING {len(missing)}" if missing else "")
                    + (f"  failures {failures}" if failures else "")
                    + ("" if rate >= TARGET else f"  BELOW {TARGET:,.0f}/s")
                )
            print(f"\nIsso: {ISSO_WRITES:,.0f} comments/s; target 3x = {TARGET:,.0f}/s (client CPU: share of one core)")

            clients = max(args.clients)
            print(f"\nCrash test: {clients} clients posting, SIGKILL to the server after 3 s, then restart...")
            acked, _, failures, wall, _ = drive(
                server.port, clients, args.processes, 10.0, 99, kill_after=(3.0, server)
            )
            server.start()
            stored = stored_ids(server.database)
            missing = set(acked) - stored
            in_flight = len(stored - expected - set(acked))
            all_ok &= not missing and bool(acked)
            print(
                f"acknowledged before the kill: {len(acked):,}; present after restart: {len(set(acked) & stored):,}; "
                f"missing: {len(missing)}; stored but never acknowledged (in flight at the kill): {in_flight}"
            )
        finally:
            server.stop()
    print("\nresult:", "every acknowledged comment is durable" if all_ok else "FAILED (see above)")
    raise SystemExit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
