"""The threads table: one row per page that has comments, created with its first comment."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import Thread
from porch.storage.schema import threads


def _thread(row: Any) -> Thread:
    return Thread(
        id=row["id"], site=row["site"], key=row["key"], title=row["title"], url=row["url"], locked=bool(row["locked"])
    )


async def find(conn: Connection, site: str, key: str) -> Thread | None:
    row = await conn.fetch_one(sa.select(threads).where(threads.c.site == site, threads.c.key == key))
    return _thread(row) if row else None


async def get(conn: Connection, thread_id: int) -> Thread | None:
    row = await conn.fetch_one(sa.select(threads).where(threads.c.id == thread_id))
    return _thread(row) if row else None


async def find_or_create(conn: Connection, site: str, key: str, title: str, url: str) -> Thread:
    """The thread, created with `title` and `url` if it does not exist yet. Call inside a write transaction."""
    existing = await find(conn, site, key)
    if existing is not None:
        return existing
    await conn.execute(
        sa.insert(threads).values(site=site, key=key, title=title, url=url, locked=False, created=time.time())
    )
    created = await find(conn, site, key)
    assert created is not None
    return created
