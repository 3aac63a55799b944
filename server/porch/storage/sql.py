"""Plain SQL for the statements on the hot paths, run on the driver's own connection in one round trip.

`databases` compiles a SQLAlchemy statement on every call (that took most of the CPU time of posting a
comment) and needs three trips to SQLite's worker thread per query (execute, fetch, close cursor). The
statements that every new comment and every counts request run are therefore written here as SQL text with
`:name` parameters, valid on both SQLite and PostgreSQL, and sent straight to aiosqlite or asyncpg. Rows
come back as tuples in the order of the SELECT list. Everything else keeps using SQLAlchemy Core through
`databases`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite
from databases.core import Connection

Row = Sequence[Any]

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


async def fetch_all(conn: Connection, sql: str, values: Mapping[str, Any] | None = None) -> list[Row]:
    raw = conn.raw_connection
    if isinstance(raw, aiosqlite.Connection):
        return list(await raw.execute_fetchall(sql, values or {}))
    query, names = _positional(sql)
    return list(await raw.fetch(query, *((values or {})[name] for name in names)))


async def fetch_one(conn: Connection, sql: str, values: Mapping[str, Any] | None = None) -> Row | None:
    rows = await fetch_all(conn, sql, values)
    return rows[0] if rows else None


async def execute(conn: Connection, sql: str, values: Mapping[str, Any] | None = None) -> None:
    """A statement whose rows, if any, are not needed (asyncpg sends one without parameters unprepared)."""
    raw = conn.raw_connection
    if isinstance(raw, aiosqlite.Connection):
        await raw.execute_fetchall(sql, values or {})
        return
    query, names = _positional(sql)
    await raw.execute(query, *((values or {})[name] for name in names))


@functools.cache
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """`:name` parameters as asyncpg's `$1, $2...`, and the names in that order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return _PARAMETER.sub(number, sql), tuple(names)
