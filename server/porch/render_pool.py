"""Rendering comments without holding up the event loop.

Markdown costs markdown-it-py from about 5 to 40 microseconds per character, depending on the shape of the
text: a 10,000-character comment made of brackets takes 0.4 s. Rendered on the event loop, that would stall
every request of the server for as long. So short texts, whose worst case is a few milliseconds, are
rendered in place, and longer ones in a worker process, under a deadline: a text that takes longer is
refused (422 `text_too_complex`) and the worker is killed and started again, so no text can keep a CPU busy
for longer than the deadline. One worker renders one text at a time; a text that waits for it longer than
the deadline is refused as well (503 `renderer_busy`), so a flood of long texts delays none but themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from porch.errors import ApiError
from porch.render import Renderer

INLINE_LIMIT = 1000  # characters; the slowest shapes of this length render in under 40 ms
DEADLINE = 2.0  # seconds for a text to be rendered, waiting for the worker included
START_TIMEOUT = 30.0  # seconds for a new worker to be ready; not counted in any text's deadline
_READY = "ready"


def _work(connection: Connection) -> None:
    """The worker process: render every text it is sent, until the pipe closes."""
    renderer = Renderer()
    connection.send(_READY)
    while True:
        try:
            text = connection.recv()
        except EOFError:
            return
        try:
            html: str | None = renderer.render(text)
        except Exception:  # no known text does this; it must not take the worker down with it
            html = None
        connection.send(html)


class _Worker:
    def __init__(self) -> None:
        # A fresh interpreter, not a fork of the server with its threads and sockets.
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process: BaseProcess = context.Process(target=_work, args=(child_end,), daemon=True, name="porch-render")
        self.process.start()
        child_end.close()

    async def started(self) -> None:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(START_TIMEOUT):
            if await loop.run_in_executor(None, self.connection.recv) != _READY:
                raise OSError("the render worker did not start")

    async def render(self, text: str) -> str | None:
        # Pipe reads and writes block: they run in threads, and end with an error when the process is killed.
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.connection.send, text)
        html: str | None = await loop.run_in_executor(None, self.connection.recv)
        return html

    def kill(self) -> None:
        self.process.kill()
        self.process.join(1)
        self.connection.close()


class RenderPool:
    def __init__(
        self, renderer: Renderer, *, inline_limit: int = INLINE_LIMIT, deadline: float = DEADLINE
    ) -> None:
        self._renderer = renderer
        self._inline_limit = inline_limit
        self._deadline = deadline
        self._lock = asyncio.Lock()
        self._worker: _Worker | None = None

    async def render(self, text: str) -> str:
        if len(text) <= self._inline_limit:
            return self._renderer.render(text)
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._deadline
        try:
            async with asyncio.timeout_at(give_up_at):
                await self._lock.acquire()
        except TimeoutError:
            raise ApiError(503, "renderer_busy", "The server is busy formatting other comments; try again.") from None
        try:
            if self._worker is None or not self._worker.process.is_alive():
                starting = loop.time()
                await self._start_worker()
                give_up_at += loop.time() - starting  # starting a worker is not this text's fault
            assert self._worker is not None
            try:
                async with asyncio.timeout_at(give_up_at):
                    html = await self._worker.render(text)
            except TimeoutError:
                self._stop_worker()
                raise ApiError(
                    422, "text_too_complex", "This comment takes too long to format; please simplify its Markdown."
                ) from None
            except (EOFError, OSError):  # the worker died (killed from outside, out of memory)
                self._stop_worker()
                raise _unavailable() from None
            if html is None:
                raise ApiError(422, "text_too_complex", "This comment could not be formatted; please simplify it.")
            return html
        finally:
            self._lock.release()

    async def _start_worker(self) -> None:
        self._stop_worker()
        self._worker = _Worker()
        try:
            await self._worker.started()
        except (TimeoutError, EOFError, OSError):
            self._stop_worker()
            raise _unavailable() from None

    def _stop_worker(self) -> None:
        if self._worker is not None:
            with contextlib.suppress(OSError):
                self._worker.kill()
            self._worker = None

    def close(self) -> None:
        self._stop_worker()


def _unavailable() -> ApiError:
    return ApiError(503, "renderer_unavailable", "The server could not format this comment; try again.")
