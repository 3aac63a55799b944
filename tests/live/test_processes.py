"""Two real server processes sharing the real PostgreSQL (and Redis), for both multi-process backends:
cross-process delivery, resume, a backend outage, and a client that stops reading.

Delivery deadlines (5 s) are for correctness, and they are shorter than the log's safety-net read (15 s),
so a backend that stopped delivering fails here instead of being rescued by the periodic read.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
import redis.asyncio as aioredis
from websockets.exceptions import ConnectionClosed

from tests.conftest import POSTGRES_SERVER, make_postgres_url
from tests.live.processes import REDIS_URL, Server, connect, next_frame, start_servers

pytestmark = pytest.mark.slow

BACKENDS = {"redis": REDIS_URL, "postgres": "postgres", "memory": "memory"}


@pytest.fixture(scope="module", params=list(BACKENDS))
def servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Processes A and B of one deployment, started at once on an empty database of their own.

    The memory backend serves one process only: there A and B are the same process, and its outage is the
    database's (every connection to it terminated).
    """
    name = f"porch_live_{os.getpid()}_{request.param}"
    database = make_postgres_url(name)
    count = 1 if request.param == "memory" else 2
    started = start_servers(tmp_path_factory.mktemp(request.param), database, BACKENDS[request.param], count)
    yield started * 2 if count == 1 else started
    for server in started:
        server.stop()
    asyncio.run(_drop_database(name))


async def _drop_database(name: str) -> None:
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def backend_of(servers: list[Server]) -> str:
    text = (servers[0].log.parent / "porch.toml").read_text()
    return next(name for name, live in BACKENDS.items() if f'live = "{live}"' in text)


async def test_a_comment_posted_to_one_process_reaches_sockets_on_both(servers: list[Server]) -> None:
    a, b = servers
    thread = "/cross"
    status, _ = b.request("GET", "/api/v1/comments?site=blog&thread=/cross")  # B caches the empty page
    assert status == 200
    async with await connect(b.live_url(thread)) as on_b, await connect(a.live_url(thread)) as on_a:
        assert (await next_frame(on_b))["type"] == "hello"
        assert (await next_frame(on_a))["type"] == "hello"
        posted = await a.post(thread, "from A")
        frame_b, frame_a = await next_frame(on_b), await next_frame(on_a)
    assert frame_b == frame_a
    assert frame_b["type"] == "comment.created" and frame_b["comment"] == posted
    # B dropped its cached page when A's event reached it
    status, page = b.request("GET", "/api/v1/comments?site=blog&thread=/cross")
    assert [c["id"] for c in page["comments"]] == [posted["id"]]
    assert page["thread"]["seq"] == frame_b["seq"]


async def test_events_from_both_processes_arrive_in_seq_order(servers: list[Server]) -> None:
    a, b = servers
    thread = "/both"
    async with await connect(b.live_url(thread)) as ws:
        await next_frame(ws)
        posted = await asyncio.gather(*(server.post(thread, f"comment {i}") for i in range(10) for server in (a, b)))
        frames = [await next_frame(ws) for _ in posted]
    seqs = [f["seq"] for f in frames]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {f["comment"]["id"] for f in frames} == {p["id"] for p in posted}


async def test_a_client_that_reconnects_with_after_gets_exactly_what_it_missed(servers: list[Server]) -> None:
    a, b = servers
    thread = "/resume"
    async with await connect(b.live_url(thread)) as ws:
        await next_frame(ws)
        await a.post(thread, "seen")
        seen = (await next_frame(ws))["seq"]
    missed = [await a.post(thread, f"missed {i}") for i in range(3)]
    async with await connect(b.live_url(thread, after=seen)) as ws:
        hello = await next_frame(ws)
        replayed = [await next_frame(ws) for _ in missed]
        live = await b.post(thread, "live again")
        after_replay = await next_frame(ws)
    assert hello == {"type": "hello", "seq": replayed[-1]["seq"]}
    assert [f["comment"]["id"] for f in replayed] == [m["id"] for m in missed]
    assert after_replay["comment"]["id"] == live["id"]  # no duplicate of the replay, no gap


async def _cut_backend(backend: str, database: str) -> int:
    """Cut every process off its backend: what a Redis or PostgreSQL restart does to connections."""
    if backend == "redis":
        client = aioredis.from_url(REDIS_URL)
        try:
            return int(await client.client_kill_filter(_type="pubsub"))
        finally:
            await client.aclose()
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/{database}")
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return len(rows)
    finally:
        await conn.close()


async def _post_through_the_outage(server: Server, thread: str, text: str) -> dict[str, Any]:
    """Post until it is accepted: a moment of 5xx while connections are re-established is allowed."""
    deadline = time.monotonic() + 10
    while True:
        status, body = await asyncio.to_thread(server.post_now, thread, text)
        if status == 201:
            return body["comment"]  # type: ignore[no-any-return]
        assert status >= 500 and time.monotonic() < deadline, (status, body)
        await asyncio.sleep(0.05)


async def test_after_a_backend_outage_the_next_comment_arrives_and_resume_loses_nothing(
    servers: list[Server],
) -> None:
    a, b = servers
    thread = "/outage"
    database = f"porch_live_{os.getpid()}_{backend_of(servers)}"
    async with await connect(b.live_url(thread)) as ws:
        await next_frame(ws)
        await a.post(thread, "before")
        resume_from = (await next_frame(ws))["seq"]

    async with await connect(b.live_url(thread)) as on_b, await connect(a.live_url(thread)) as on_a:
        await next_frame(on_b)
        await next_frame(on_a)
        assert await _cut_backend(backend_of(servers), database) >= 2  # both processes' connections
        posted = await _post_through_the_outage(a, thread, "right after the outage")
        # no further comment is needed to push it through
        assert (await next_frame(on_b))["comment"]["id"] == posted["id"]
        assert (await next_frame(on_a))["comment"]["id"] == posted["id"]
        also = await _post_through_the_outage(b, thread, "and later, from B")
        assert (await next_frame(on_a))["comment"]["id"] == also["id"]

    async with await connect(b.live_url(thread, after=resume_from)) as ws:
        await next_frame(ws)
        replayed = [(await next_frame(ws))["comment"]["id"] for _ in range(2)]
    assert replayed == [posted["id"], also["id"]]


async def test_a_client_that_stops_reading_delays_nobody_and_is_dropped(servers: list[Server]) -> None:
    a, b = servers
    thread = "/slow"
    # A client that never calls recv(): the library stops reading the socket after one message, the
    # kernel's receive buffer fills (it grows only as the application reads), then the server's.
    async with await connect(b.live_url(thread), max_queue=1, ping_interval=None) as slow:
        async with await connect(b.live_url(thread)) as fast:
            assert (await next_frame(fast))["type"] == "hello"
            posted = []
            for i in range(160):  # about 8 MB: more than the socket buffers and the 1 MB backlog together
                posted.append(await a.post(thread, f"{i} " + "x" * 50_000))
                frame = await next_frame(fast)
                assert frame["comment"]["id"] == posted[-1]["id"]

        # Now it reads: what the buffers held, then the close. (Before uvicorn's own keep-alive gives up on
        # it, 20 s after an unanswered ping, which would close it with 1011 instead.)
        received: list[int] = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                frame = await next_frame(slow, timeout=10)
                if frame["type"] != "hello":
                    received.append(frame["seq"])
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
    assert 0 < len(received) < len(posted)
    assert received == sorted(received)
