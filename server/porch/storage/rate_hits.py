"""The rate_hits table (migration 4): sliding windows of hits shared by every process of a deployment that
runs with `live = "postgres"`. Each hit is counted inside a write transaction, and every process's write
transactions on PostgreSQL take one advisory lock (database.py), so two processes never both let through the
hit that fills a window."""

from __future__ import annotations

from databases.core import Connection

from porch.storage import sql


async def hit(conn: Connection, key: str, limit: int, now: float, window: float) -> float | None:
    """Record a hit at `now` unless `limit` hits are in the window; None if recorded, else the seconds to wait."""
    cutoff = now - window
    await sql.execute(conn, "DELETE FROM rate_hits WHERE key = :key AND at <= :cutoff", {"key": key, "cutoff": cutoff})
    row = await sql.fetch_one(conn, "SELECT COUNT(*), MIN(at) FROM rate_hits WHERE key = :key", {"key": key})
    assert row is not None
    if int(row[0]) >= limit:
        return float(row[1]) + window - now
    await sql.execute(conn, "INSERT INTO rate_hits (key, at) VALUES (:key, :at)", {"key": key, "at": now})
    return None


async def sweep(conn: Connection, before: float) -> None:
    """Forget every hit older than `before`: clients that came once and never again."""
    await sql.execute(conn, "DELETE FROM rate_hits WHERE at <= :before", {"before": before})
