"""The identities table: who wrote a comment. Guests get one identity per comment; signed-in readers one per
provider account, updated when their profile changes."""

from __future__ import annotations

import secrets
import time

import sqlalchemy as sa
from databases.core import Connection

from porch.models import GUEST_PROVIDER, Author
from porch.storage import sql
from porch.storage.schema import identities


async def insert_guest(conn: Connection, name: str, email: str | None, url: str | None, avatar: str | None) -> int:
    return (await insert_guest_author(conn, name, email, url, avatar)).identity_id


async def insert_guest_author(
    conn: Connection, name: str, email: str | None, url: str | None, avatar: str | None
) -> Author:
    """A new guest identity, as the author of the comment it is created for."""
    subject = secrets.token_hex(16)
    identity_id = await _insert(conn, GUEST_PROVIDER, subject, name, email, url, avatar)
    return Author(identity_id, GUEST_PROVIDER, subject, name, email, url, avatar)


async def upsert(
    conn: Connection, provider: str, subject: str, name: str, email: str | None, url: str | None, avatar: str | None
) -> int:
    """The identity of `subject` at `provider`, created or refreshed with the profile the provider gave now."""
    row = await conn.fetch_one(
        sa.select(identities.c.id).where(identities.c.provider == provider, identities.c.subject == subject)
    )
    if row is None:
        return await _insert(conn, provider, subject, name, email, url, avatar)
    await conn.execute(
        sa.update(identities)
        .where(identities.c.id == row["id"])
        .values(name=name, email=email, url=url, avatar=avatar)
    )
    return int(row["id"])


async def forget_guest(conn: Connection, identity_id: int) -> None:
    """Erase what a guest told about themselves (name, email, website): their last comment is gone."""
    await conn.execute(
        sa.update(identities)
        .where(identities.c.id == identity_id, identities.c.provider == GUEST_PROVIDER)
        .values(name="", email=None, url=None, avatar=None)
    )


async def _insert(
    conn: Connection, provider: str, subject: str, name: str, email: str | None, url: str | None, avatar: str | None
) -> int:
    row = await sql.fetch_one(
        conn,
        "INSERT INTO identities (provider, subject, name, email, url, avatar, created)"
        " VALUES (:provider, :subject, :name, :email, :url, :avatar, :created) RETURNING id",
        {"provider": provider, "subject": subject, "name": name, "email": email, "url": url, "avatar": avatar,
         "created": time.time()},
    )
    assert row is not None
    return int(row[0])
