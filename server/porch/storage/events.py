"""The event log: one row per created, edited or deleted comment, written in the same transaction as the change.
Its ids (`seq`) only grow; live clients resume from the last one they saw.

Rows are appended, and only ever changed to forget words: when a comment is edited, its earlier rows are
rewritten to show the current version, and when it is deleted they are removed, leaving the row of the
deletion. A client replaying the log then learns what the comment is now, never what it was."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import Event, EventKind
from porch.storage import sql
from porch.storage.schema import events, threads

_columns = (events, threads.c.site, threads.c.key)
_joined = events.join(threads, events.c.thread_id == threads.c.id)


def _event(row: Any) -> Event:
    return Event(
        seq=row["id"],
        thread_id=row["thread_id"],
        site=row["site"],
        thread_key=row["key"],
        kind=EventKind(row["kind"]),
        public=bool(row["public"]),
        payload=row["payload"],
    )


async def append(
    conn: Connection, thread_id: int, comment_id: int | None, kind: EventKind, public: bool, payload: str
) -> int:
    """Append an event; `comment_id` is None for an event of the whole thread (locked, unlocked)."""
    row = await sql.fetch_one(
        conn,
        "INSERT INTO events (thread_id, comment_id, kind, public, payload, created)"
        " VALUES (:thread_id, :comment_id, :kind, :public, :payload, :created) RETURNING id",
        {"thread_id": thread_id, "comment_id": comment_id, "kind": kind.value, "public": public,
         "payload": payload, "created": time.time()},
    )
    assert row is not None
    return int(row[0])


async def rewrite_comment(conn: Connection, comment_id: int, payload: str) -> None:
    """Make every row of this comment show `payload` (its current version)."""
    await sql.execute(
        conn, "UPDATE events SET payload = :payload WHERE comment_id = :comment_id",
        {"payload": payload, "comment_id": comment_id},
    )


async def forget_comment(conn: Connection, comment_id: int, before_seq: int) -> None:
    """Remove the rows of this comment older than `before_seq` (the row that records its deletion)."""
    await sql.execute(
        conn, "DELETE FROM events WHERE comment_id = :comment_id AND id < :before",
        {"comment_id": comment_id, "before": before_seq},
    )


async def get(conn: Connection, seq: int) -> Event | None:
    row = await conn.fetch_one(sa.select(*_columns).select_from(_joined).where(events.c.id == seq))
    return _event(row) if row else None


async def get_many(conn: Connection, seqs: Sequence[int]) -> list[Event]:
    rows = await conn.fetch_all(
        sa.select(*_columns).select_from(_joined).where(events.c.id.in_(list(seqs))).order_by(events.c.id)
    )
    return [_event(row) for row in rows]


async def latest_seq(conn: Connection, thread_id: int) -> int:
    value = await conn.fetch_val(sa.select(sa.func.max(events.c.id)).where(events.c.thread_id == thread_id))
    return int(value or 0)


async def after(conn: Connection, thread_id: int, seq: int, limit: int = 1000) -> list[Event]:
    """Events of one thread with an id above `seq`, oldest first."""
    rows = await conn.fetch_all(
        sa.select(*_columns)
        .select_from(_joined)
        .where(events.c.thread_id == thread_id, events.c.id > seq)
        .order_by(events.c.id)
        .limit(limit)
    )
    return [_event(row) for row in rows]


async def all_after(conn: Connection, seq: int, limit: int = 1000) -> list[Event]:
    """Events of every thread with an id above `seq`, oldest first (for filling a gap after an outage)."""
    rows = await conn.fetch_all(
        sa.select(*_columns).select_from(_joined).where(events.c.id > seq).order_by(events.c.id).limit(limit)
    )
    return [_event(row) for row in rows]


async def max_seq(conn: Connection) -> int:
    return int(await conn.fetch_val(sa.select(sa.func.max(events.c.id))) or 0)
