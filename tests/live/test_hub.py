"""The hub inside one running Porch: replay meeting live under concurrent writes, on every backend; pending
events; and a subscriber whose socket stops taking frames.

These drive `Porch` directly, with real storage and real backends; the only stand-in is the socket, a
`send` that records frames (or stops taking them, like a peer that no longer reads).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from databases.core import Connection

from porch.comments import GuestAuthor
from porch.core import Porch
from porch.live import hub as hub_module
from porch.live.subscriber import Subscriber
from porch.models import Event, EventKind
from porch.storage import events as event_rows
from porch.storage import threads as thread_rows
from tests.conftest import make_settings

REDIS = "redis://127.0.0.1:6379/0"


class Socket:
    """Records what the hub writes, like a client that reads everything at once."""

    def __init__(self, after: int | None = None) -> None:
        self.after = after
        self.frames: list[dict[str, Any]] = []
        self.closed: int | None = None

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.close":
            self.closed = message["code"]
        else:
            self.frames.append(json.loads(message["text"]))

    def seqs(self) -> list[int]:
        return [f["seq"] for f in self.frames[1:] if f["type"] != "ping"]


@pytest.fixture
async def porch(tmp_path: Path, database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Porch]:
    live = getattr(request, "param", "memory")
    instance = Porch(make_settings(tmp_path, database_url, live=REDIS if live == "redis" else live))
    await instance.start()
    try:
        yield instance
    finally:
        await instance.stop()


async def post(porch: Porch, text: str, key: str = "/race") -> dict[str, Any]:
    comment, _ = await porch.comments.post(
        porch.settings.sites["blog"],
        key=key,
        text=text,
        parent=None,
        guest=GuestAuthor("Writer", None, None),
        viewer=None,
        title="",
        url="",
        client_address=None,
    )
    return comment


async def thread_seqs(porch: Porch, key: str) -> list[int]:
    async with porch.storage.reading() as conn:
        thread = await thread_rows.find(conn, "blog", key)
        assert thread is not None
        return [event.seq for event in await event_rows.after(conn, thread.id, 0, limit=10_000)]


async def wait_until(condition: Any, what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


# Every backend on every database it works with (LISTEN/NOTIFY needs PostgreSQL).
BACKENDS = [
    ("sqlite", "memory"),
    ("sqlite", "redis"),
    ("postgresql", "memory"),
    ("postgresql", "redis"),
    ("postgresql", "postgres"),
]


@pytest.mark.parametrize(("database_url", "porch"), BACKENDS, indirect=True)
async def test_replay_meets_live_without_gap_or_duplicate_while_comments_pour_in(porch: Porch) -> None:
    await post(porch, "seed")
    sockets: list[Socket] = []
    subscriptions = []

    async def write(count: int) -> None:
        for i in range(count):
            await post(porch, f"comment {i}")
            await asyncio.sleep(random.random() / 200)

    writer = asyncio.create_task(write(40))
    while not writer.done():
        # resume from nothing, from the start, or from what an earlier socket was told
        hellos = [s.frames[0]["seq"] for s in sockets if s.frames]
        socket = Socket(random.choice([None, 0, *hellos[-3:]]))
        sockets.append(socket)
        subscriptions.append(
            asyncio.create_task(porch.live.subscribe("blog", "/race", socket.after, Subscriber(socket.send)))
        )
        await asyncio.sleep(random.random() / 100)
    await writer
    await asyncio.gather(*subscriptions)

    log = await thread_seqs(porch, "/race")
    await wait_until(
        lambda: all(s.frames and (s.seqs() or [s.frames[0]["seq"]])[-1] == log[-1] for s in sockets),
        "every socket to reach the newest event",
    )
    assert len(sockets) > 10
    for socket in sockets:
        hello = socket.frames[0]
        assert hello["type"] == "hello"
        start = socket.after if socket.after is not None else hello["seq"]
        assert socket.seqs() == [seq for seq in log if seq > start], (socket.after, hello)


async def test_events_that_are_not_public_are_never_sent(porch: Porch) -> None:
    visible = await post(porch, "visible", key="/mod")
    async with porch.storage.reading() as conn:
        thread = await thread_rows.find(conn, "blog", "/mod")
    assert thread is not None

    async def pending_update(conn: Connection) -> Event:
        # what moderation will write: an event for moderators only
        payload = json.dumps({**visible, "status": "pending"})
        seq = await event_rows.append(conn, thread.id, int(visible["id"]), EventKind.UPDATED, False, payload)
        return Event(seq, thread.id, "blog", "/mod", EventKind.UPDATED, False, payload)

    hidden = await porch.storage.write(pending_update)
    replayed = Socket(after=0)
    await porch.live.subscribe("blog", "/mod", 0, Subscriber(replayed.send))
    live = Socket()
    await porch.live.subscribe("blog", "/mod", None, Subscriber(live.send))

    porch.live.deliver([hidden])  # as if it had just been committed
    after = await post(porch, "after", key="/mod")
    await wait_until(lambda: len(live.frames) == 2, "the public comment after it")

    await wait_until(lambda: len(replayed.frames) == 3, "the replayed socket to get it too")
    assert [f["comment"]["id"] for f in replayed.frames[1:]] == [visible["id"], after["id"]]
    assert [f["comment"]["id"] for f in live.frames[1:]] == [after["id"]]
    assert all(f.get("comment", {}).get("status") != "pending" for f in replayed.frames + live.frames)


async def test_a_socket_that_stops_taking_frames_is_dropped_and_delays_nobody(porch: Porch) -> None:
    never = asyncio.Event()
    stuck_frames: list[dict[str, Any]] = []

    async def stuck_send(message: dict[str, Any]) -> None:
        stuck_frames.append(message)
        if message["type"] == "websocket.send" and len(stuck_frames) > 1:
            await never.wait()  # the peer's buffers are full: nothing more goes out

    fast = Socket()
    await porch.live.subscribe("blog", "/slow", None, Subscriber(fast.send))
    await porch.live.subscribe("blog", "/slow", None, Subscriber(stuck_send, max_backlog=20_000))
    assert porch.live.subscriber_count() == 2

    posted = [await post(porch, "x" * 1500 + f" {i}", key="/slow") for i in range(20)]
    await wait_until(lambda: len(fast.frames) == 21, "the fast socket to get every comment")
    await wait_until(lambda: stuck_frames[-1]["type"] == "websocket.close", "the slow socket to be closed")

    assert [f["comment"]["id"] for f in fast.frames[1:]] == [p["id"] for p in posted]
    assert stuck_frames[-1]["code"] == 1013
    assert porch.live.stats.dropped_slow == 1
    assert porch.live.subscriber_count() == 1
    # what it did get before being cut off is a prefix of the thread, in order
    got = [json.loads(m["text"])["comment"]["id"] for m in stuck_frames[1:-1]]
    assert got == [p["id"] for p in posted[: len(got)]]
    assert len(got) < len(posted)


async def test_a_socket_that_stalls_for_a_moment_gets_every_frame_in_order(porch: Porch) -> None:
    writable = asyncio.Event()
    written: list[dict[str, Any]] = []

    async def stalling_send(message: dict[str, Any]) -> None:
        if written and not writable.is_set():
            await writable.wait()  # its buffers are full until the test lets it drain
        written.append(json.loads(message["text"]))

    await porch.live.subscribe("blog", "/stall", None, Subscriber(stalling_send))
    posted = [await post(porch, f"comment {i}", key="/stall") for i in range(5)]
    await asyncio.sleep(0.05)
    assert len(written) == 1  # the hello; the first frame waits, and the others queue behind it
    writable.set()
    await wait_until(lambda: len(written) == 6, "the backlog to drain")
    assert [f["comment"]["id"] for f in written[1:]] == [p["id"] for p in posted]
    assert porch.live.stats.dropped_slow == 0


async def test_a_fan_out_to_many_sockets_lets_other_work_run_meanwhile(
    porch: Porch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "FAN_OUT_SLICE", 2)
    happened: list[str] = []

    class Logged(Socket):
        async def send(self, message: dict[str, Any]) -> None:
            await super().send(message)
            happened.append("frame")

    sockets = [Logged() for _ in range(6)]
    for socket in sockets:
        await porch.live.subscribe("blog", "/busy", None, Subscriber(socket.send))
    happened.clear()  # the hellos

    async def other_work() -> None:
        happened.append("other")

    await post(porch, "to all six", key="/busy")
    other = asyncio.create_task(other_work())
    await wait_until(lambda: happened.count("frame") == 6, "every socket to get the comment")
    await other
    assert 0 < happened.index("other") < 6, happened
    assert all(len(s.frames) == 2 for s in sockets)
