"""Live fan-out: 9,900 subscribers of one thread on one server process.

    .venv/bin/python bench/live_fanout.py [--subscribers 9900] [--client-processes 2] [--comments 5]

Starts one server process (uvicorn with the same options as `porch serve`: websockets-sansio, per-message
deflate off; SQLite and the memory backend, the default deployment), connects the subscribers from a few
client processes, then posts comments one at a time and prints:

- connect time: from the first connection attempt until every socket has received its hello;
- server RSS per idle socket: growth of the server's resident memory over the idle sockets;
- delivery latency p50 / p99 / max: from the moment the POST answered to the moment each socket received
  the frame (all processes read the same monotonic clock); a negative figure means the frame arrived before
  the POST's answer did;
- the hub's counters: events encoded versus frames handed to sockets, to confirm one encoding per event,
  and the server's time spent writing each event to every socket;
- full garbage collections in the server during delivery, and their total time.

Clients are lean on purpose (websockets' sans-I/O protocol on a bare asyncio transport, recording arrival
times only): they share the two cores with the server, and a heavy client would be measured instead. For
the same reason there are only two of them by default: the scheduler shares the CPU per process, and with
four the server got a fifth of the machine.
The open-file limit here is 20,000 for server and clients together; the script raises its soft limit to the
hard one and the processes it starts inherit that.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "server"))

SITE = "bench"
THREAD = "/fanout"
CONNECT_CONCURRENCY = 100  # handshakes in flight per client process


def raise_open_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


# ---- the server process ------------------------------------------------------------------------------------


def serve(config: str, port: int, stats_file: str) -> None:
    """Run Porch as `porch serve` does, and write the hub's counters to `stats_file` on SIGUSR1."""
    import uvicorn

    from porch.app import create_app
    from porch.settings import load_settings

    settings = load_settings(config, data_dir=Path(config).parent)
    app = create_app(settings)
    gc.collect()  # as `porch serve` does: what is loaded at start stays out of full collections
    gc.freeze()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            ws="websockets-sansio",
            ws_per_message_deflate=False,
            log_level="warning",
            access_log=False,
            lifespan="on",
            backlog=4096,
        )
    )

    collections: dict[str, Any] = {"gen2": 0, "gen2_seconds": 0.0, "started": 0.0}

    def time_collections(phase: str, info: dict[str, int]) -> None:
        # Full collections walk every object of the process: with thousands of sockets they take a while.
        if info["generation"] == 2:
            if phase == "start":
                collections["started"] = time.perf_counter()
            else:
                collections["gen2"] += 1
                collections["gen2_seconds"] += time.perf_counter() - collections["started"]

    gc.callbacks.append(time_collections)

    def dump_stats() -> None:
        hub = app.state.porch.live
        stats = {**vars(hub.stats), "subscribers": hub.subscriber_count(), "gen2": collections["gen2"],
                 "gen2_seconds": collections["gen2_seconds"]}  # fmt: skip
        Path(stats_file).write_text(json.dumps(stats))

    async def main() -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump_stats)
        await server.serve()

    asyncio.run(main())


# ---- the client processes ----------------------------------------------------------------------------------


class Probe(asyncio.Protocol):
    """One subscriber: the WebSocket protocol from `websockets` without its per-connection task and queue."""

    def __init__(self, url: str, hello: asyncio.Future[None], arrivals: list[tuple[float, bytes]]) -> None:
        from websockets.client import ClientProtocol
        from websockets.uri import parse_uri

        self.protocol = ClientProtocol(parse_uri(url), max_size=None)
        self.hello = hello
        self.arrivals = arrivals
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        from websockets.frames import Frame, Opcode
        from websockets.http11 import Response

        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if event.status_code != 101 and not self.hello.done():
                    self.hello.set_exception(RuntimeError(f"handshake refused: {event.status_code}"))
            elif isinstance(event, Frame) and event.opcode == Opcode.TEXT:
                if not self.hello.done():
                    self.hello.set_result(None)
                elif not bytes(event.data).startswith(b'{"type":"ping"'):
                    self.arrivals.append((arrived, bytes(event.data)))
        self._flush()  # pongs for the server's keep-alive pings

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.transport.write(chunk)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.hello.done():
            self.hello.set_exception(ConnectionError("closed before hello"))


async def run_clients(port: int, count: int) -> None:
    """Connect `count` subscribers, say "ready", and on "report" print every arrival as JSON."""
    loop = asyncio.get_running_loop()
    url = f"ws://127.0.0.1:{port}/api/v1/live?site={SITE}&thread={THREAD}"
    arrivals: list[tuple[float, bytes]] = []
    probes: list[Probe] = []
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one() -> None:
        async with gate:
            hello: asyncio.Future[None] = loop.create_future()
            _, probe = await loop.create_connection(lambda: Probe(url, hello, arrivals), "127.0.0.1", port)
            probes.append(probe)
            await hello

    await asyncio.gather(*(one() for _ in range(count)))
    print("ready", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while (line := (await reader.readline()).decode().strip()) != "report":
        if not line:
            return
    report = []
    for arrived, data in arrivals:
        frame = json.loads(data)
        report.append([frame["comment"]["id"], arrived])
    still_open = sum(1 for probe in probes if probe.transport is not None and not probe.transport.is_closing())
    print(json.dumps({"arrivals": report, "open": still_open}))
    sys.stdout.flush()


# ---- the driver --------------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def post(base: str, text: str) -> str:
    body = json.dumps({"site": SITE, "thread": THREAD, "text": text, "author": {"name": "Bench"}}).encode()
    request = urllib.request.Request(
        base + "/api/v1/comments", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return str(json.loads(response.read())["comment"]["id"])


def wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def read_stats(server: subprocess.Popen[bytes], stats_file: Path) -> dict[str, Any]:
    stats_file.unlink(missing_ok=True)
    server.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while not stats_file.exists() or not stats_file.read_text():
        if time.monotonic() > deadline:
            raise SystemExit("the server did not report its counters")
        time.sleep(0.05)
    return json.loads(stats_file.read_text())  # type: ignore[no-any-return]


def drive(args: argparse.Namespace) -> None:
    limit = raise_open_file_limit()
    print(f"open-file limit {limit}; {args.subscribers} subscribers from {args.client_processes} client processes")
    folder = Path(tempfile.mkdtemp(prefix="porch-live-bench-"))
    config = folder / "porch.toml"
    config.write_text(
        f'database = "sqlite:///{folder / "porch.db"}"\nlive = "memory"\n'
        f'[sites.{SITE}]\norigins = ["http://127.0.0.1:*"]\nrate_limit = 0\n'
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stats_file = folder / "stats.json"
    me = [sys.executable, __file__]
    server = subprocess.Popen([*me, "serve", "--config", str(config), "--port", str(port), "--stats", str(stats_file)])
    clients: list[subprocess.Popen[bytes]] = []
    try:
        wait_healthy(base, server)
        post(base, "warm-up")  # the thread exists, every code path has run once
        time.sleep(1)
        rss_idle = rss_kib(server.pid)

        shares = [args.subscribers // args.client_processes] * args.client_processes
        shares[0] += args.subscribers - sum(shares)
        started = time.monotonic()
        clients = [
            subprocess.Popen(
                [*me, "clients", "--port", str(port), "--count", str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
            for n in shares
        ]
        for client in clients:
            assert client.stdout is not None
            if client.stdout.readline().strip() != b"ready":
                raise SystemExit("a client process failed to connect its subscribers")
        connect_time = time.monotonic() - started
        time.sleep(2)  # let the server settle before reading its memory
        rss_connected = rss_kib(server.pid)
        before = read_stats(server, stats_file)
        if before["subscribers"] != args.subscribers:
            raise SystemExit(f"the hub has {before['subscribers']} subscribers, expected {args.subscribers}")

        posted: dict[str, float] = {}
        for i in range(args.comments):
            comment_id = post(base, f"Comment {i} for everyone. " * 8)
            posted[comment_id] = time.monotonic()
            time.sleep(args.pause)
        after = read_stats(server, stats_file)

        arrivals: dict[str, list[float]] = {comment_id: [] for comment_id in posted}
        still_open = 0
        for client in clients:
            assert client.stdin is not None and client.stdout is not None
            client.stdin.write(b"report\n")
            client.stdin.flush()
            report = json.loads(client.stdout.readline())
            still_open += report["open"]
            for comment_id, arrived in report["arrivals"]:
                arrivals[comment_id].append(arrived - posted[comment_id])
    finally:
        for process in [*clients, server]:
            process.terminate()
        for process in [*clients, server]:
            process.wait(30)

    print(f"connect time       {connect_time:.1f} s for {args.subscribers} sockets (each until its hello)")
    per_socket = (rss_connected - rss_idle) * 1024 / args.subscribers
    print(f"server RSS         {rss_idle / 1024:.0f} MB idle, {rss_connected / 1024:.0f} MB with the sockets:"
          f" {per_socket / 1000:.1f} kB per idle socket")  # fmt: skip
    everything: list[float] = []
    for n, latencies in enumerate(arrivals.values()):
        everything += latencies
        missing = args.subscribers - len(latencies)
        print(f"comment {n}          delivered to {len(latencies)} sockets"
              f"{f' ({missing} MISSING)' if missing else ''}:"
              f" p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms,"
              f" max {max(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"all comments       p50 {percentile(everything, 0.5) * 1000:.0f} ms,"
          f" p99 {percentile(everything, 0.99) * 1000:.0f} ms, max {max(everything) * 1000:.0f} ms,"
          f" mean {statistics.fmean(everything) * 1000:.0f} ms (from the POST's answer)")  # fmt: skip
    encoded = after["events_encoded"] - before["events_encoded"]
    queued = after["frames_queued"] - before["frames_queued"]
    print(f"encoding           {encoded} events encoded for {args.comments} comments,"
          f" {queued} frames handed to sockets ({queued // max(encoded, 1)} per encoding)")  # fmt: skip
    fanout = (after["fanout_seconds"] - before["fanout_seconds"]) / max(encoded, 1)
    print(f"server fan-out     {fanout * 1000:.0f} ms per event to write it to every socket"
          f" ({fanout / args.subscribers * 1e6:.0f} us per socket); the rest is the clients reading it")  # fmt: skip
    print(f"full GCs           {after['gen2'] - before['gen2']} in the server while delivering,"
          f" {(after['gen2_seconds'] - before['gen2_seconds']) * 1000:.0f} ms in all")  # fmt: skip
    print(f"sockets open       {still_open} of {args.subscribers} at the end; {after['dropped_slow']} dropped as slow")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command")
    serve_args = commands.add_parser("serve")
    serve_args.add_argument("--config", required=True)
    serve_args.add_argument("--port", type=int, required=True)
    serve_args.add_argument("--stats", required=True)
    client_args = commands.add_parser("clients")
    client_args.add_argument("--port", type=int, required=True)
    client_args.add_argument("--count", type=int, required=True)
    parser.add_argument("--subscribers", type=int, default=9900)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--comments", type=int, default=5)
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between comments")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.config, args.port, args.stats)
    elif args.command == "clients":
        asyncio.run(run_clients(args.port, args.count))
    else:
        drive(args)


if __name__ == "__main__":
    main()
