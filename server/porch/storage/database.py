"""The database handle: connections, serialised writes with group commit, and durability settings.

Writes go through one long-lived connection, one batch at a time. Requests that arrive while a batch is
being committed wait and are committed together in the next transaction (group commit); if one of them
fails, the batch is run again with each request inside its own savepoint, so that it rolls back only its
own changes. A caller's `write()` returns only
after its transaction has committed, and on SQLite `synchronous=FULL` makes that commit durable: an
acknowledged comment survives the process being killed, and the machine losing power.

Reads use a small pool of long-lived connections (opening a SQLite connection costs a thread each time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import databases
from databases.core import Connection

from porch.storage import migrations, sql

T = TypeVar("T")
Work = Callable[[Connection], Awaitable[Any]]

logger = logging.getLogger("porch.storage")

READ_CONNECTIONS = 4
MAX_BATCH = 128
EVENT_ORDER_LOCK_ID = 74_657_202  # PostgreSQL: makes event ids become visible in the order they were handed out


class Storage:
    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        self._database = databases.Database(url)
        self._writer: Connection | None = None
        self._readers: asyncio.Queue[Connection] = asyncio.Queue()
        self._all_readers: list[Connection] = []
        self._pending: list[tuple[Work, asyncio.Future[Any]]] = []
        self._wakeup = asyncio.Event()
        self._writer_task: asyncio.Task[None] | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    async def connect(self, *, migrate: bool = True) -> None:
        await self._database.connect()
        self._writer = await self._open()
        if self.is_sqlite:
            # WAL lets readers work while a write commits; the mode is stored in the database file.
            await self._writer.execute("PRAGMA journal_mode = WAL")
        if migrate:
            await migrations.migrate(self._writer, self.dialect)
        for _ in range(READ_CONNECTIONS):
            reader = await self._open()
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)
        self._writer_task = asyncio.create_task(self._write_batches(), name="porch-writer")

    async def disconnect(self) -> None:
        if self._writer_task is not None:
            self._writer_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer_task
        for connection in [*self._all_readers, self._writer]:
            if connection is not None:
                await connection.__aexit__(None, None, None)
        self._all_readers.clear()
        self._writer = None
        await self._database.disconnect()

    async def _open(self) -> Connection:
        # A connection of our own, not the per-task one that `Database.connection()` hands out.
        connection = Connection(self._database, self._database._backend)
        await connection.__aenter__()
        if self.is_sqlite:
            for pragma in ("foreign_keys = ON", "synchronous = FULL", "busy_timeout = 10000"):
                await connection.execute(f"PRAGMA {pragma}")
        return connection

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[Connection]:
        """Borrow a connection for reads. Never write through it."""
        connection = await self._readers.get()
        try:
            yield connection
        except Exception:
            # The connection may be broken (a restarted database server, killed backends). Then the idle
            # ones most likely are too: replace every broken one now, so that one failed request is all
            # an outage costs instead of one per pooled connection.
            if not await self._alive(connection):
                connection = await self._replace(connection)
                await self._replace_broken_idle_readers()
            raise
        finally:
            self._readers.put_nowait(connection)

    async def _replace_broken_idle_readers(self) -> None:
        idle = []
        while not self._readers.empty():
            idle.append(self._readers.get_nowait())
        for connection in idle:
            if not await self._alive(connection):
                connection = await self._replace(connection)
            self._readers.put_nowait(connection)

    async def _alive(self, connection: Connection) -> bool:
        try:
            await connection.fetch_val("SELECT 1")
        except Exception:
            return False
        return True

    async def _replace(self, connection: Connection) -> Connection:
        """A fresh connection in place of a broken one (the broken one again if none can be opened now)."""
        replacement = None
        # The driver's own pool may hand out connections that were killed along with this one and whose
        # end it has not noticed yet: take the first one that answers.
        for _ in range(READ_CONNECTIONS + 2):
            try:
                candidate = await self._open()
            except Exception:
                break
            if await self._alive(candidate):
                replacement = candidate
                break
            with contextlib.suppress(Exception):
                await candidate.__aexit__(None, None, None)
        if replacement is None:
            logger.warning("could not reopen a database connection; will retry on next failure")
            return connection
        with contextlib.suppress(Exception):
            await connection.__aexit__(None, None, None)
        if connection in self._all_readers:
            self._all_readers[self._all_readers.index(connection)] = replacement
        return replacement

    async def migrate(self, target: int = migrations.HEAD) -> list[int]:
        assert self._writer is not None, "connect() first"
        return await migrations.migrate(self._writer, self.dialect, target)

    async def write(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Run `work` in a write transaction and return its result once that transaction has committed.

        If `work` raises, its changes are rolled back and the exception is raised here; other writes in the
        same batch are not affected. `work` may run more than once (see `_run_batch`): it must only act
        through the connection it is given.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append((work, future))
        self._wakeup.set()
        return await future

    async def _write_batches(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                await self._commit_batch(batch)

    async def _commit_batch(self, batch: list[tuple[Work, asyncio.Future[Any]]]) -> None:
        writer = self._writer
        assert writer is not None
        try:
            try:
                outcomes = await self._run_batch(writer, batch, savepoints=False)
            except _WorkFailed as failed:  # rolled back: run the works again, each in its own savepoint
                if len(batch) == 1:
                    outcomes = [(False, failed.error)]
                else:
                    outcomes = await self._run_batch(writer, batch, savepoints=True)
        except Exception as exc:  # the transaction itself failed: nothing in it was stored
            logger.exception("write transaction failed")
            try:
                await writer.execute("ROLLBACK")
            except Exception:
                self._writer = await self._replace(writer)
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():  # the caller went away; its write is committed all the same
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    async def _run_batch(
        self, writer: Connection, batch: list[tuple[Work, asyncio.Future[Any]]], *, savepoints: bool
    ) -> list[tuple[bool, Any]]:
        """Run the works of `batch` in one transaction, commit it, and return each work's outcome.

        Without `savepoints` the works run back to back, and the first one to fail rolls the whole
        transaction back and raises `_WorkFailed`. With them, each work runs in its own savepoint, so that a
        failing work undoes only its own changes. Savepoints cost two round trips per work and most batches
        have no failure, so a batch is tried without them first; a work may therefore run twice, and must not
        act outside the database.
        """
        await sql.execute(writer, "BEGIN IMMEDIATE" if self.is_sqlite else "BEGIN")
        if not self.is_sqlite:
            await sql.execute(writer, f"SELECT pg_advisory_xact_lock({EVENT_ORDER_LOCK_ID})")
        outcomes: list[tuple[bool, Any]] = []
        for index, (work, _) in enumerate(batch):
            savepoint = f"w{index}"
            if savepoints:
                await sql.execute(writer, f"SAVEPOINT {savepoint}")
            try:
                result = await work(writer)
            except Exception as exc:
                if not savepoints:
                    await sql.execute(writer, "ROLLBACK")
                    raise _WorkFailed(exc) from exc
                await sql.execute(writer, f"ROLLBACK TO SAVEPOINT {savepoint}")
                outcomes.append((False, exc))
            else:
                if savepoints:
                    await sql.execute(writer, f"RELEASE SAVEPOINT {savepoint}")
                outcomes.append((True, result))
        await sql.execute(writer, "COMMIT")
        return outcomes


class _WorkFailed(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error
