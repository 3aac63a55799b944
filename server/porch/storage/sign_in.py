"""The sign-in tables (migration 2): sessions, pending logins and per-instance app registrations (the
apps Porch registered on Mastodon instances).

Every secret the server hands out (a login's secret, its one-time code, a session key) is stored only as a
SHA-256 digest: a copy of the database alone lets nobody redeem a login or use a session.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from databases.core import Connection

from porch.models import Author
from porch.storage.schema import identities, instance_apps, logins, sessions


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    id: str
    secret_hash: str
    site: str
    origin: str
    provider: str
    instance: str | None
    state: str
    nonce: str
    code_verifier: str
    flow: str
    browser_hash: str | None
    callback_done: bool
    identity_id: int | None
    code_hash: str | None
    confirmed: bool  # unused: it recorded a Continue button that let a login be redeemed without its code
    redeemed: bool  # used up: by a session, or by a wrong code
    created: float
    expires: float

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires


def _login(row: object) -> Login:
    return Login(**{column.name: row[column.name] for column in logins.columns})  # type: ignore[index]


# Logins


async def insert_login(conn: Connection, login: Login) -> None:
    await conn.execute(sa.insert(logins).values(**login.__dict__))


async def get_login(conn: Connection, login_id: str) -> Login | None:
    row = await conn.fetch_one(sa.select(logins).where(logins.c.id == login_id))
    return _login(row) if row is not None else None


async def login_by_state(conn: Connection, state: str) -> Login | None:
    row = await conn.fetch_one(sa.select(logins).where(logins.c.state == state))
    return _login(row) if row is not None else None


async def _update_once(conn: Connection, login_id: str, still: sa.ColumnElement[bool], **values: Any) -> bool:
    """Set `values` on the login only while `still` holds; True if this call was the one that did it."""
    row = await conn.fetch_one(
        sa.update(logins).where(logins.c.id == login_id, still).values(**values).returning(logins.c.id)
    )
    return row is not None


async def mark_started(conn: Connection, login_id: str, browser_hash: str) -> bool:
    """Bind the login to the browser that opened its start URL; False if some browser already did."""
    return await _update_once(conn, login_id, logins.c.browser_hash.is_(None), browser_hash=browser_hash)


async def consume_state(conn: Connection, login_id: str) -> bool:
    """Mark the login's callback as arrived; False if one already did (a replayed state)."""
    return await _update_once(conn, login_id, logins.c.callback_done.is_(False), callback_done=True)


async def bind_identity(conn: Connection, login_id: str, identity_id: int, code_hash: str) -> None:
    await conn.execute(
        sa.update(logins).where(logins.c.id == login_id).values(identity_id=identity_id, code_hash=code_hash)
    )


async def mark_redeemed(conn: Connection, login_id: str, now: float) -> bool:
    """Use the login up; False if it already was (by a concurrent request) or has expired meanwhile."""
    return await _update_once(
        conn, login_id, sa.and_(logins.c.redeemed.is_(False), logins.c.expires > now), redeemed=True
    )


async def delete_expired_logins(conn: Connection, before: float) -> None:
    await conn.execute(sa.delete(logins).where(logins.c.expires < before))


# Sessions


async def insert_session(conn: Connection, key: str, site: str, identity_id: int, lifetime: int) -> None:
    now = time.time()
    await conn.execute(
        sa.insert(sessions).values(
            key_hash=digest(key), site=site, identity_id=identity_id, created=now, expires=now + lifetime
        )
    )


async def session_author(conn: Connection, key: str, site: str) -> Author | None:
    """The author of a live (not revoked, not expired) session of `site`, or None."""
    row = await conn.fetch_one(
        sa.select(identities)
        .select_from(sessions.join(identities, identities.c.id == sessions.c.identity_id))
        .where(
            sessions.c.key_hash == digest(key),
            sessions.c.site == site,
            sessions.c.revoked.is_(None),
            sessions.c.expires > time.time(),
        )
    )
    if row is None:
        return None
    return Author(
        identity_id=int(row["id"]),
        provider=row["provider"],
        subject=row["subject"],
        name=row["name"],
        email=row["email"],
        url=row["url"],
        avatar=row["avatar"],
    )


async def delete_old_sessions(conn: Connection, before: float) -> None:
    """Forget sessions that expired or were revoked before `before`."""
    await conn.execute(
        sa.delete(sessions).where(
            sa.or_(sessions.c.expires < before, sa.and_(sessions.c.revoked.is_not(None), sessions.c.revoked < before))
        )
    )


async def revoke_session(conn: Connection, key: str, site: str) -> None:
    await conn.execute(
        sa.update(sessions)
        .where(sessions.c.key_hash == digest(key), sessions.c.site == site, sessions.c.revoked.is_(None))
        .values(revoked=time.time())
    )


# Per-instance app registrations (Mastodon)


@dataclass(frozen=True)
class InstanceApp:
    client_id: str
    client_secret: str | None
    redirect_uri: str


async def get_app(conn: Connection, provider: str, instance: str) -> InstanceApp | None:
    row = await conn.fetch_one(
        sa.select(instance_apps).where(instance_apps.c.provider == provider, instance_apps.c.instance == instance)
    )
    if row is None:
        return None
    return InstanceApp(row["client_id"], row["client_secret"], row["redirect_uri"])


async def save_app(conn: Connection, provider: str, instance: str, app: InstanceApp) -> InstanceApp:
    """Keep `app` unless another request registered one for this callback first; return the one kept.

    A registration for another callback URL (the server's public_url changed) is replaced."""
    existing = await get_app(conn, provider, instance)
    if existing is not None and existing.redirect_uri == app.redirect_uri:
        return existing
    await conn.execute(
        sa.delete(instance_apps).where(instance_apps.c.provider == provider, instance_apps.c.instance == instance)
    )
    await conn.execute(
        sa.insert(instance_apps).values(
            provider=provider,
            instance=instance,
            client_id=app.client_id,
            client_secret=app.client_secret,
            redirect_uri=app.redirect_uri,
            created=time.time(),
        )
    )
    return app
