"""The console's tables (migration 4): console sessions and one-time admin links.

As for sign-in (sign_in.py), a secret handed out (a console session's key, an admin link's secret) is
stored only as a SHA-256 digest: a copy of the database lets nobody into the console.
"""

from __future__ import annotations

import sqlalchemy as sa
from databases.core import Connection

from porch.storage.schema import admin_links, admin_sessions
from porch.storage.sign_in import digest

# Admin links


async def insert_link(conn: Connection, link_id: str, secret: str, now: float, lifetime: float) -> None:
    await conn.execute(
        sa.insert(admin_links).values(
            id=link_id, secret_hash=digest(secret), created=now, expires=now + lifetime, used=False
        )
    )


async def use_link(conn: Connection, link_id: str, secret: str, now: float) -> bool:
    """Use the link up if it exists, `secret` is its own, and it is neither used nor expired; True if this
    call did. One statement: of concurrent redemptions across processes, exactly one wins."""
    row = await conn.fetch_one(
        sa.update(admin_links)
        .where(
            admin_links.c.id == link_id,
            admin_links.c.secret_hash == digest(secret),
            admin_links.c.used.is_(False),
            admin_links.c.expires > now,
        )
        .values(used=True)
        .returning(admin_links.c.id)
    )
    return row is not None


async def delete_old_links(conn: Connection, before: float) -> None:
    await conn.execute(sa.delete(admin_links).where(admin_links.c.expires < before))


# Console sessions


async def insert_session(conn: Connection, key: str, actor: str, now: float, lifetime: float) -> None:
    await conn.execute(
        sa.insert(admin_sessions).values(
            key_hash=digest(key), actor=actor, created=now, expires=now + lifetime, revoked=None
        )
    )


async def session_actor(conn: Connection, key: str, now: float) -> str | None:
    """The actor of a live (not revoked, not expired) console session, or None."""
    actor = await conn.fetch_val(
        sa.select(admin_sessions.c.actor).where(
            admin_sessions.c.key_hash == digest(key),
            admin_sessions.c.revoked.is_(None),
            admin_sessions.c.expires > now,
        )
    )
    return str(actor) if actor is not None else None


async def revoke_session(conn: Connection, key: str, now: float) -> None:
    await conn.execute(
        sa.update(admin_sessions)
        .where(admin_sessions.c.key_hash == digest(key), admin_sessions.c.revoked.is_(None))
        .values(revoked=now)
    )


async def delete_old_sessions(conn: Connection, before: float) -> None:
    """Forget console sessions that expired or were revoked before `before`."""
    await conn.execute(
        sa.delete(admin_sessions).where(
            sa.or_(
                admin_sessions.c.expires < before,
                sa.and_(admin_sessions.c.revoked.is_not(None), admin_sessions.c.revoked < before),
            )
        )
    )
