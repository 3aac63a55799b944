"""The threads table: one row per page that has comments, created with its first comment."""

from __future__ import annotations

import time
from typing import Any

from databases.core import Connection

from porch.models import Thread
from porch.storage import sql

_SELECT = "SELECT id, site, key, title, url, locked FROM threads"


def _thread(row: Any) -> Thread:
    return Thread(id=row[0], site=row[1], key=row[2], title=row[3], url=row[4], locked=bool(row[5]))


async def find(conn: Connection, site: str, key: str) -> Thread | None:
    values = {"site": site, "key": key}
    row = await sql.fetch_one(conn, f"{_SELECT} WHERE site = :site AND key = :key", values)
    return _thread(row) if row else None


async def get(conn: Connection, thread_id: int) -> Thread | None:
    row = await sql.fetch_one(conn, f"{_SELECT} WHERE id = :id", {"id": thread_id})
    return _thread(row) if row else None


async def find_or_create(conn: Connection, site: str, key: str, title: str, url: str) -> Thread:
    """The thread, created with `title` and `url` if it does not exist yet. Call inside a write transaction."""
    existing = await find(conn, site, key)
    if existing is not None:
        return existing
    row = await sql.fetch_one(
        conn,
        "INSERT INTO threads (site, key, title, url, locked, created)"
        " VALUES (:site, :key, :title, :url, :locked, :created) RETURNING id",
        {"site": site, "key": key, "title": title, "url": url, "locked": False, "created": time.time()},
    )
    assert row is not None
    return Thread(id=row[0], site=site, key=key, title=title, url=url, locked=False)
