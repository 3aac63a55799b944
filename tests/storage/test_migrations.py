"""Schema migrations: an old database upgrades without losing data; many processes may migrate at once."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from starlette.testclient import TestClient

from porch.app import create_app
from porch.storage import Storage
from porch.storage.migrations import HEAD, MIGRATIONS, current_version
from tests.conftest import make_settings
from tests.processes import write_config


async def make_version_1_database(url: str) -> None:
    """A database as the first release of Porch left it, with a thread, two comments and their events.

    Ids are left to the database (1 and 2 in a new one), as Porch itself does.
    """
    storage = Storage(url)
    await storage.connect(migrate=False)
    try:
        assert await storage.migrate(target=1) == [1]

        async def seed(conn):
            for statement in [
                "INSERT INTO threads (site, key, title, url, locked, created) VALUES ('blog', '/old', 'Old post', '', FALSE, 1700000000)",
                "INSERT INTO identities (provider, subject, name, email, url, avatar, created) VALUES ('guest', 'g1', 'Early bird', 'e@example.com', NULL, NULL, 1700000000)",
                "INSERT INTO comments (thread_id, parent_id, root_id, identity_id, text, html, status, score, client_hash, created, edited) VALUES (1, NULL, NULL, 1, 'first', '<p>first</p>', 'approved', 0, NULL, 1700000000, NULL)",
                "INSERT INTO comments (thread_id, parent_id, root_id, identity_id, text, html, status, score, client_hash, created, edited) VALUES (1, 1, 1, 1, 'reply', '<p>reply</p>', 'approved', 0, NULL, 1700000001, NULL)",
                "INSERT INTO events (thread_id, comment_id, kind, public, payload, created) VALUES (1, 1, 'comment.created', TRUE, '{}', 1700000000)",
                "INSERT INTO events (thread_id, comment_id, kind, public, payload, created) VALUES (1, 2, 'comment.created', TRUE, '{}', 1700000001)",
            ]:
                await conn.execute(statement)

        await storage.write(seed)
    finally:
        await storage.disconnect()


def test_upgrade_keeps_depths_and_never_reuses_an_event_seq(tmp_path, database_url):
    """Migration 3 fills in each comment's depth; migration 4 rebuilds the events table on SQLite, and a seq
    handed out before (even one whose row was removed since) is never handed out again."""
    asyncio.run(make_version_1_database(database_url))

    async def remove_newest_event() -> None:
        storage = Storage(database_url)
        await storage.connect(migrate=False)
        try:
            await storage.write(lambda conn: conn.execute("DELETE FROM events WHERE id = 2"))
        finally:
            await storage.disconnect()

    asyncio.run(remove_newest_event())
    settings = make_settings(tmp_path, database_url)
    with TestClient(create_app(settings)) as client:
        created = client.post(
            "/api/v1/comments", json={"site": "blog", "thread": "/old", "text": "new", "author": {"name": "Bo"},
                                      "parent": "2"}
        ).json()["comment"]
        page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/old"}).json()
        assert page["thread"]["seq"] == 3  # not 2 again
        assert created["parent"] == "2"

    async def depths() -> list[tuple[int, int]]:
        storage = Storage(database_url)
        await storage.connect(migrate=False)
        try:
            async with storage.reading() as conn:
                return [(row[0], row[1]) for row in await conn.fetch_all("SELECT id, depth FROM comments ORDER BY id")]
        finally:
            await storage.disconnect()

    assert asyncio.run(depths()) == [(1, 0), (2, 1), (3, 2)]


def test_upgrade_from_the_first_version_keeps_data(tmp_path, database_url):
    asyncio.run(make_version_1_database(database_url))
    settings = make_settings(tmp_path, database_url)
    with TestClient(create_app(settings)) as client:  # starting the app migrates to the newest version
        page = client.get("/api/v1/comments", params={"site": "blog", "thread": "/old"}).json()
        assert [(c["id"], c["parent"], c["html"]) for c in page["comments"]] == [
            ("1", None, "<p>first</p>"),
            ("2", "1", "<p>reply</p>"),
        ]
        assert page["thread"]["title"] == "Old post"
        assert page["thread"]["seq"] == 2
        # New rows get ids after the old ones: nothing is reused.
        created = client.post(
            "/api/v1/comments", json={"site": "blog", "thread": "/old", "text": "new", "author": {"name": "Bo"}}
        ).json()["comment"]
        assert int(created["id"]) > 2
        assert client.get("/api/v1/comments", params={"site": "blog", "thread": "/old"}).json()["thread"]["seq"] > 2

    async def version() -> int:
        storage = Storage(database_url)
        await storage.connect(migrate=False)
        try:
            async with storage.reading() as conn:
                return await current_version(conn, storage.dialect)
        finally:
            await storage.disconnect()

    assert asyncio.run(version()) == HEAD == MIGRATIONS[-1].version


def test_migrations_are_numbered_in_order():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_several_processes_migrate_an_empty_database_at_once(tmp_path, database_url):
    config = write_config(tmp_path / "porch.toml", database=database_url)
    command = [sys.executable, "-m", "porch", "migrate", "--config", str(config), "--data-dir", str(tmp_path)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        results.append((process.returncode, out, err))
    for code, out, err in results:
        assert code == 0, err
        assert f"schema at version {HEAD}" in out
    applied = [out for _, out, _ in results if "applied" in out]
    assert len(applied) == 1, results  # exactly one process did the work
