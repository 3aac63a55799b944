"""Storage.write: serialised, group-committed writes where one failure rolls back only its own changes."""

from __future__ import annotations

import asyncio
import contextlib

from porch.storage import Storage, identities


class Refused(Exception):
    pass


async def test_concurrent_writes_commit_independently(database_url):
    storage = Storage(database_url)
    await storage.connect()
    try:

        def work(number: int):
            async def run(conn):
                identity = await identities.insert_guest(conn, f"writer {number}", None, None, None)
                if number % 5 == 0:
                    raise Refused(number)  # after a change: that change must be rolled back
                return identity

            return run

        results = await asyncio.gather(*(storage.write(work(n)) for n in range(100)), return_exceptions=True)
        refused = [r for r in results if isinstance(r, Refused)]
        assert len(refused) == 20
        ids = [r for r in results if isinstance(r, int)]
        assert len(set(ids)) == 80
        async with storage.reading() as conn:
            names = {row["name"] for row in await conn.fetch_all("SELECT name FROM identities")}
        assert names == {f"writer {n}" for n in range(100) if n % 5}
    finally:
        await storage.disconnect()


async def test_a_write_is_visible_to_readers_once_it_returns(database_url):
    storage = Storage(database_url)
    await storage.connect()
    try:
        for n in range(20):
            await storage.write(lambda conn, n=n: identities.insert_guest(conn, f"n{n}", None, None, None))
            async with storage.reading() as conn:
                assert await conn.fetch_val("SELECT COUNT(*) FROM identities") == n + 1
    finally:
        await storage.disconnect()


async def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    storage = Storage(f"sqlite:///{tmp_path / 'porch.db'}")
    await storage.connect()
    try:
        async with storage.reading() as conn:
            assert (await conn.fetch_val("PRAGMA journal_mode")).lower() == "wal"
            assert await conn.fetch_val("PRAGMA synchronous") == 2  # FULL
            assert await conn.fetch_val("PRAGMA foreign_keys") == 1
    finally:
        await storage.disconnect()


async def test_after_postgres_kills_every_connection_one_read_fails_then_all_recover(tmp_path, postgres_database_name):
    """PostgreSQL only: pg_terminate_backend is how an outage looks to a connection pool."""
    import asyncpg

    from tests.conftest import POSTGRES_SERVER, reset_postgres_database

    await reset_postgres_database(postgres_database_name)
    storage = Storage(f"{POSTGRES_SERVER}/{postgres_database_name}")
    await storage.connect()
    try:
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        try:
            killed = await admin.fetchval(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
                postgres_database_name,
            )
        finally:
            await admin.close()
        assert killed >= 5  # the writer and the readers
        await asyncio.sleep(0.2)  # let the backends exit

        failures = 0
        for _ in range(12):
            try:
                async with storage.reading() as conn:
                    assert await conn.fetch_val("SELECT 1") == 1
            except Exception:
                failures += 1
        assert failures == 1

        def write():
            return storage.write(lambda conn: identities.insert_guest(conn, "after", None, None, None))

        with contextlib.suppress(Exception):  # the writer's was killed too: its first transaction may fail, once
            await write()
        assert isinstance(await write(), int)
    finally:
        await storage.disconnect()
