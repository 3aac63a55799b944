"""Moderation's tables and queries: statuses and pins, reader reports, bans, the moderation log, thread locks,
and the moderators' view of comments across threads (migration 4)."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import GUEST_PROVIDER, CommentStatus, StoredComment, Thread
from porch.storage import sql
from porch.storage.comments import _COLUMN_NAMES, _comment
from porch.storage.schema import bans, comments, flags, moderation_log, threads

# Comments, statuses and threads


async def set_status(conn: Connection, comment_id: int, status: CommentStatus) -> None:
    """A moderator's decision: the comment's reports are settled with it."""
    await sql.execute(
        conn,
        "UPDATE comments SET status = :status, flag_count = 0 WHERE id = :id",
        {"status": status.value, "id": comment_id},
    )


async def hold(conn: Connection, comment_id: int) -> None:
    """Hide an approved comment from readers until a moderator decides (its reports stay counted)."""
    await sql.execute(
        conn, "UPDATE comments SET status = :pending WHERE id = :id AND status = :approved",
        {"pending": CommentStatus.PENDING.value, "approved": CommentStatus.APPROVED.value, "id": comment_id},
    )


async def set_pinned(conn: Connection, comment_id: int, pinned: bool) -> None:
    await conn.execute(sa.update(comments).where(comments.c.id == comment_id).values(pinned=pinned))


async def set_locked(conn: Connection, thread_id: int, locked: bool) -> None:
    await conn.execute(sa.update(threads).where(threads.c.id == thread_id).values(locked=locked))


async def has_approved_comment(conn: Connection, site: str, identity_id: int | None, email: str | None) -> bool:
    """True when this author has an approved comment on the site: the signed-in identity, or for a guest any
    guest identity with the same e-mail address (a guest gets a new identity with every comment)."""
    if identity_id is None and not email:
        return False
    author = "c.identity_id = :identity_id" if identity_id is not None else "i.provider = :guest AND LOWER(i.email) = :email"
    row = await sql.fetch_one(
        conn,
        "SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id JOIN identities i ON i.id = c.identity_id"
        f" WHERE t.site = :site AND c.status = :approved AND {author} LIMIT 1",
        {"site": site, "approved": CommentStatus.APPROVED.value, "identity_id": identity_id,
         "guest": GUEST_PROVIDER, "email": (email or "").strip().lower()},
    )
    return row is not None


async def comments_of(conn: Connection, site: str, identity_id: int | None, client_hash: str | None,
                      email: str | None) -> list[int]:
    """Ids of the comments on a site by the author a ban names, for purging them."""
    conditions = []
    values: dict[str, Any] = {"site": site, "guest": GUEST_PROVIDER}
    if identity_id is not None:
        conditions.append("c.identity_id = :identity_id")
        values["identity_id"] = identity_id
    if client_hash:
        conditions.append("(i.provider = :guest AND c.client_hash = :client_hash)")
        values["client_hash"] = client_hash
    if email:
        conditions.append("(i.provider = :guest AND LOWER(i.email) = :email)")
        values["email"] = email.strip().lower()
    if not conditions:
        return []
    rows = await sql.fetch_all(
        conn,
        "SELECT c.id FROM comments c JOIN threads t ON t.id = c.thread_id JOIN identities i ON i.id = c.identity_id"
        f" WHERE t.site = :site AND ({' OR '.join(conditions)}) ORDER BY c.id",
        values,
    )
    return [int(row[0]) for row in rows]


# What Akismet needs to hear of a decision

FACTS_KEPT = 30 * 86400  # seconds


@dataclass(frozen=True)
class SpamFacts:
    client_address: str | None
    user_agent: str | None
    referrer: str | None


async def keep_facts(conn: Connection, comment_id: int, facts: SpamFacts, now: float) -> None:
    await sql.execute(conn, "DELETE FROM spam_facts WHERE created < :cutoff", {"cutoff": now - FACTS_KEPT})
    await sql.execute(
        conn,
        "INSERT INTO spam_facts (comment_id, client_address, user_agent, referrer, created)"
        " VALUES (:id, :address, :agent, :referrer, :now)",
        {"id": comment_id, "address": facts.client_address, "agent": facts.user_agent, "referrer": facts.referrer,
         "now": now},
    )


async def facts_of(conn: Connection, comment_id: int) -> SpamFacts | None:
    row = await sql.fetch_one(
        conn, "SELECT client_address, user_agent, referrer FROM spam_facts WHERE comment_id = :id", {"id": comment_id}
    )
    return SpamFacts(row[0], row[1], row[2]) if row else None


async def forget_facts(conn: Connection, comment_id: int) -> None:
    await sql.execute(conn, "DELETE FROM spam_facts WHERE comment_id = :id", {"id": comment_id})


# Reports


async def add_flag(conn: Connection, comment_id: int, reporter: str, reason: str) -> int | None:
    """Record a reader's report; the comment's count of undecided reports after it, or None when this reader
    had already reported the comment."""
    existing = await sql.fetch_one(
        conn, "SELECT 1 FROM flags WHERE comment_id = :id AND reporter = :reporter",
        {"id": comment_id, "reporter": reporter},
    )
    if existing is not None:
        return None
    await sql.execute(
        conn,
        "INSERT INTO flags (comment_id, reporter, reason, created) VALUES (:id, :reporter, :reason, :created)",
        {"id": comment_id, "reporter": reporter, "reason": reason, "created": time.time()},
    )
    row = await sql.fetch_one(
        conn, "UPDATE comments SET flag_count = flag_count + 1 WHERE id = :id RETURNING flag_count", {"id": comment_id}
    )
    assert row is not None
    return int(row[0])


async def flag_reasons(conn: Connection, comment_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    if not comment_ids:
        return {}
    rows = await conn.fetch_all(
        sa.select(flags.c.comment_id, flags.c.reason, sa.func.count())
        .where(flags.c.comment_id.in_(list(comment_ids)))
        .group_by(flags.c.comment_id, flags.c.reason)
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(int(row[0]), {})[row[1]] = int(row[2])
    return found


# Bans


@dataclass(frozen=True)
class Ban:
    id: int
    site: str
    identity_id: int | None
    client_hash: str | None
    email_hash: str | None
    name: str
    reason: str
    actor: str
    created: float
    expires: float | None


def _ban(row: Any) -> Ban:
    return Ban(
        id=row["id"], site=row["site"], identity_id=row["identity_id"], client_hash=row["client_hash"],
        email_hash=row["email_hash"], name=row["name"], reason=row["reason"], actor=row["actor"],
        created=row["created"], expires=row["expires"],
    )


async def insert_ban(conn: Connection, ban: Ban) -> Ban:
    values = {key: value for key, value in ban.__dict__.items() if key != "id"}
    row = await sql.fetch_one(
        conn,
        "INSERT INTO bans (site, identity_id, client_hash, email_hash, name, reason, actor, created, expires, lifted)"
        " VALUES (:site, :identity_id, :client_hash, :email_hash, :name, :reason, :actor, :created, :expires, NULL)"
        " RETURNING id",
        values,
    )
    assert row is not None
    return Ban(id=int(row[0]), **values)


def _in_force(now: float) -> sa.ColumnElement[bool]:
    return sa.and_(bans.c.lifted.is_(None), sa.or_(bans.c.expires.is_(None), bans.c.expires > now))


async def bans_in_force(conn: Connection, sites: Collection[str] | None, now: float) -> list[Ban]:
    query = sa.select(bans).where(_in_force(now)).order_by(bans.c.id.desc())
    if sites is not None:
        query = query.where(bans.c.site.in_(list(sites)))
    return [_ban(row) for row in await conn.fetch_all(query)]


async def get_ban(conn: Connection, ban_id: int) -> Ban | None:
    row = await conn.fetch_one(sa.select(bans).where(bans.c.id == ban_id, bans.c.lifted.is_(None)))
    return _ban(row) if row is not None else None


async def lift_ban(conn: Connection, ban_id: int, now: float) -> None:
    await conn.execute(sa.update(bans).where(bans.c.id == ban_id).values(lifted=now))


async def is_banned(conn: Connection, site: str, identity_id: int | None, client_hash: str | None,
                    email_hash: str | None, now: float) -> bool:
    """True when a ban in force on the site names this identity, client network or e-mail address. Every new
    comment asks, so this is one plain statement (see sql.py)."""
    who = []
    if identity_id is not None:
        who.append("identity_id = :identity_id")
    if client_hash:
        who.append("client_hash = :client_hash")
    if email_hash:
        who.append("email_hash = :email_hash")
    if not who:
        return False
    row = await sql.fetch_one(
        conn,
        "SELECT 1 FROM bans WHERE site = :site AND lifted IS NULL AND (expires IS NULL OR expires > :now)"
        f" AND ({' OR '.join(who)}) LIMIT 1",
        {"site": site, "now": now, "identity_id": identity_id, "client_hash": client_hash, "email_hash": email_hash},
    )
    return row is not None


# The moderation log


@dataclass(frozen=True)
class LogEntry:
    id: int
    site: str
    actor: str
    action: str
    comment_id: int | None
    thread_key: str | None
    detail: str
    created: float


async def log(conn: Connection, site: str, actor: str, action: str, *, comment_id: int | None = None,
              thread_id: int | None = None, detail: str = "") -> None:
    await conn.execute(
        sa.insert(moderation_log).values(
            site=site, actor=actor, action=action, comment_id=comment_id, thread_id=thread_id, detail=detail,
            created=time.time(),
        )
    )


async def log_entries(conn: Connection, sites: Collection[str] | None, limit: int, before: int | None) -> list[LogEntry]:
    """Newest first, each with the key of the thread it concerns (its comment's, or the thread's own)."""
    thread_of = sa.func.coalesce(moderation_log.c.thread_id, comments.c.thread_id)
    query = (
        sa.select(moderation_log, threads.c.key)
        .select_from(
            moderation_log.outerjoin(comments, comments.c.id == moderation_log.c.comment_id).outerjoin(
                threads, threads.c.id == thread_of
            )
        )
        .order_by(moderation_log.c.id.desc())
        .limit(limit)
    )
    if sites is not None:
        query = query.where(moderation_log.c.site.in_(list(sites)))
    if before is not None:
        query = query.where(moderation_log.c.id < before)
    return [
        LogEntry(row["id"], row["site"], row["actor"], row["action"], row["comment_id"], row["key"],
                 row["detail"], row["created"])
        for row in await conn.fetch_all(query)
    ]


# The moderators' view


@dataclass(frozen=True)
class Listed:
    comment: StoredComment
    thread: Thread
    client_hash: str | None


_LISTED_COLUMNS = (*_COLUMN_NAMES, "c.client_hash", "t.site", "t.key", "t.title", "t.url", "t.locked")


def _listed(row: Any) -> Listed:
    comment = _comment(row)
    n = len(_COLUMN_NAMES)
    thread = Thread(id=comment.thread_id, site=row[n + 1], key=row[n + 2], title=row[n + 3], url=row[n + 4],
                    locked=bool(row[n + 5]))
    return Listed(comment, thread, row[n])


_FROM = " FROM comments c JOIN identities i ON i.id = c.identity_id JOIN threads t ON t.id = c.thread_id"


async def listed(conn: Connection, comment_id: int) -> Listed | None:
    row = await sql.fetch_one(conn, f"SELECT {', '.join(_LISTED_COLUMNS)}{_FROM} WHERE c.id = :id", {"id": comment_id})
    return _listed(row) if row else None


async def search(
    conn: Connection,
    *,
    sites: Collection[str] | None,
    queue: str | None,
    thread_key: str | None,
    text: str | None,
    limit: int,
    before: int | None,
) -> list[Listed]:
    """Comments newest first. `queue`: a status, "flagged" (reported and not yet decided), or None for all."""
    where: list[str] = []
    values: dict[str, Any] = {"limit": limit}
    if sites is not None:
        names = [f"s{index}" for index in range(len(sites))]
        where.append(f"t.site IN ({', '.join(':' + name for name in names)})" if names else "1 = 0")
        values.update(zip(names, sites, strict=True))
    if queue == "flagged":
        where.append("c.flag_count > 0")
    elif queue is not None:
        where.append("c.status = :status")
        values["status"] = queue
    if thread_key is not None:
        where.append("t.key = :key")
        values["key"] = thread_key
    if text:
        where.append("(LOWER(c.text) LIKE :pattern ESCAPE '\\' OR LOWER(i.name) LIKE :pattern ESCAPE '\\')")
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{escaped}%"
    if before is not None:
        where.append("c.id < :before")
        values["before"] = before
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = await sql.fetch_all(
        conn, f"SELECT {', '.join(_LISTED_COLUMNS)}{_FROM}{clause} ORDER BY c.id DESC LIMIT :limit", values
    )
    return [_listed(row) for row in rows]


async def queue_counts(conn: Connection, sites: Collection[str] | None) -> dict[str, int]:
    where = ""
    values: dict[str, Any] = {"pending": CommentStatus.PENDING.value, "spam": CommentStatus.SPAM.value}
    if sites is not None:
        names = [f"s{index}" for index in range(len(sites))]
        where = f" AND t.site IN ({', '.join(':' + name for name in names)})" if names else " AND 1 = 0"
        values.update(zip(names, sites, strict=True))
    row = await sql.fetch_one(
        conn,
        "SELECT SUM(CASE WHEN c.status = :pending THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.flag_count > 0 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.status = :spam THEN 1 ELSE 0 END)"
        " FROM comments c JOIN threads t ON t.id = c.thread_id WHERE (c.status IN (:pending, :spam)"
        f" OR c.flag_count > 0){where}",
        values,
    )
    assert row is not None
    return {"pending": int(row[0] or 0), "flagged": int(row[1] or 0), "spam": int(row[2] or 0)}
