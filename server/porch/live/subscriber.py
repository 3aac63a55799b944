"""One live socket as the hub sees it: the frames waiting to be written to it, and who writes them.

The hub hands frames over without waiting (`offer`), so one socket can never hold up the others. Frames
wait here until the socket takes them; a socket that stops reading lets them pile up, and once more than
`max_backlog` bytes wait (on top of what the operating system and the server already buffer) the
subscriber is dropped: its backlog is freed and the socket is closed with 1013, after which the client
resumes from the last seq it saw.

A frame is written at once when the socket can take it, which is nearly always: the send runs to its end
without a task. Only a socket that cannot take it (its buffers are full) gets a writer task, for as long as
frames wait. Tasks for thousands of sockets on every event would cost time, and since they would all be
alive together they would be kept past the young garbage collections and bring on full ones, which walk
every object of the process (about 0.8 s with 9,900 sockets).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.websockets import WebSocketDisconnect

from porch.live.frames import PING, Frame, Message

logger = logging.getLogger("porch.live")

MAX_BACKLOG = 1024 * 1024
CLOSE_TOO_SLOW = 1013  # "try again later": the client should reconnect with `after`

Send = Callable[[Message], Coroutine[Any, Any, None]]

# What sending to a socket that has gone away raises (Starlette turns the server's OSError into
# WebSocketDisconnect, and refuses with RuntimeError once a close has been sent).
_GONE = (WebSocketDisconnect, OSError, RuntimeError)


class Subscriber:
    __slots__ = ("_backlog", "_closer", "_held", "_on_drop", "_send", "_waiting", "_writer", "cursor", "gone",
                 "live", "max_backlog")  # fmt: skip

    def __init__(self, send: Send, *, max_backlog: int = MAX_BACKLOG) -> None:
        self._send = send
        self.max_backlog = max_backlog
        self.cursor = 0  # the highest seq handed to this socket; later events only
        self.live = False  # until the replay is sent, events are held back
        self.gone = False  # dropped for being slow, or the socket went away
        self._held: list[Frame] | None = []  # until live
        self._backlog: deque[Frame] | None = None  # only while a writer task exists: idle sockets stay small
        self._waiting = 0  # bytes in `_backlog`, including the frame being written
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._on_drop: Callable[[Subscriber], None] | None = None

    def on_drop(self, callback: Callable[[Subscriber], None]) -> None:
        self._on_drop = callback

    async def send_now(self, message: Message) -> None:
        """Write a message before going live (hello and replay); waits for the socket to take it."""
        await self._send(message)

    def go_live(self, cursor: int) -> None:
        """The replay up to `cursor` is sent: from now on events above it are written as they come."""
        self.cursor = max(self.cursor, cursor)
        self.live = True
        held, self._held = self._held or [], None
        for frame in held:
            self.offer(frame)

    def offer(self, frame: Frame) -> None:
        """Queue an event's frame for this socket, unless it already has it. Never waits."""
        if self.gone:
            return
        if not self.live:
            assert self._held is not None
            self._held.append(frame)
            if sum(f.size for f in self._held) > self.max_backlog:
                self.drop()
            return
        if frame.seq <= self.cursor:
            return  # already replayed
        self.cursor = frame.seq
        self._queue(frame)

    def ping(self) -> None:
        # A socket with frames waiting is not idle; piling pings onto a slow reader would not help it.
        if self.live and not self.gone and not self._backlog:
            self._queue(PING)

    def _queue(self, frame: Frame) -> None:
        if self._writer is None:
            self._write_now(frame)
            return
        if self._waiting + frame.size > self.max_backlog:
            self.drop()
            return
        assert self._backlog is not None
        self._backlog.append(frame)
        self._waiting += frame.size

    def _write_now(self, frame: Frame) -> None:
        """Write `frame` without a task if the socket takes it at once; otherwise hand it to a writer task."""
        send = self._send(frame.message)
        try:
            blocked_on = send.send(None)
        except StopIteration:
            return  # written
        except _GONE:
            self._gone()
            return
        # The socket is not writable: the send is parked (before writing anything) until it is.
        self._backlog = deque((frame,))
        self._waiting = frame.size
        self._writer = asyncio.create_task(self._write(send, blocked_on))

    async def _write(self, started: Coroutine[Any, Any, None], blocked_on: Any) -> None:
        backlog = self._backlog
        assert backlog is not None
        try:
            await _finish(started, blocked_on)
            self._waiting -= backlog.popleft().size
            while backlog:
                frame = backlog[0]
                await self._send(frame.message)
                backlog.popleft()
                self._waiting -= frame.size
        except _GONE:
            self._gone()
        finally:
            started.close()  # a no-op once it has finished; cleans up if we were cancelled before it did
            self._writer = None
            self._backlog = None

    def _gone(self) -> None:
        self.gone = True
        self._backlog = None
        self._waiting = 0

    def drop(self) -> None:
        """Too much is waiting: stop queueing, free the backlog, and close the socket with 1013."""
        if self.gone:
            return
        self.gone = True
        logger.info("dropping a live subscriber that does not keep up (%d bytes waiting)", self._waiting)
        self._held = None
        self._gone()
        if self._on_drop is not None:
            self._on_drop(self)
        # The writer can only be parked waiting for the socket to become writable, before it has written
        # anything of its frame, so cancelling it cannot cut a frame in half.
        if self._writer is not None:
            self._writer.cancel()
        self._closer = asyncio.create_task(self._close(CLOSE_TOO_SLOW, "too slow: reconnect with after"))

    async def _close(self, code: int, reason: str) -> None:
        # The close frame goes out once the socket has taken what the server already buffered; the
        # client then resumes. Until then this waits, holding nothing but the socket itself.
        with contextlib.suppress(*_GONE):
            await self._send({"type": "websocket.close", "code": code, "reason": reason})

    def discard(self) -> None:
        """The socket is finished with: stop any writing on its behalf."""
        for task in (self._writer, self._closer):
            if task is not None:
                task.cancel()
        self._held = None
        self._gone()


async def _finish(send: Coroutine[Any, Any, None], blocked_on: Any) -> None:
    """Run a send that was started by hand (`send.send(None)`) and is parked on `blocked_on`, to its end.

    This is what a task does with a coroutine: wait until what it is parked on is done, then resume it.
    If our task is cancelled meanwhile, the send is closed where it is parked, before it wrote anything.
    """
    while True:
        try:
            if blocked_on is None:  # a bare yield, as asyncio.sleep(0) does
                await asyncio.sleep(0)
            else:
                await asyncio.wait([blocked_on])  # returns when done; its outcome is for `send` to see
        except asyncio.CancelledError:
            send.close()
            raise
        try:
            blocked_on = send.send(None)
        except StopIteration:
            return
