"""The console's sessions and one-time admin links, without HTTP (routes/admin_session.py and
routes/_moderator.py carry them over cookies).

A console session is a random key: the browser holds it in an HttpOnly cookie, the database holds its digest
and the actor it speaks for (storage/admin.py). It ends after SESSION_LIFETIME, or at once when revoked.
An admin link (`porch admin link`) is PUBLIC_URL/admin/#login=ID.SECRET: the secret travels in the
fragment, which browsers never send, so it reaches no server log; the console page posts it in a request
body. It opens one session for the actor "admin-link", once, within LINK_LIFETIME.

Times default to now; tests pass `now` to move the clock instead of sleeping.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlsplit

from porch.errors import ApiError
from porch.moderation import access
from porch.moderation.access import ADMIN_LINK, Moderator
from porch.settings import Settings
from porch.storage import Connection, Storage
from porch.storage import admin as rows

LINK_LIFETIME = 600  # seconds: ten minutes from `porch admin link` to its use
SESSION_LIFETIME = 12 * 3600  # seconds: a console session ends twelve hours after it began
KEEP_EXPIRED = 86400  # seconds an ended session or link stays before housekeeping deletes it
LINK_FRAGMENT = "login="
MAX_KEY = 100  # longer than any key or secret we hand out


def invalid_link() -> ApiError:
    return ApiError(
        401,
        "admin_link_invalid",
        "This console link is not valid: it expired (links last 10 minutes) or was used already. "
        "Run `porch admin link` for a new one.",
    )


class Console:
    def __init__(self, settings: Settings, storage: Storage) -> None:
        self._settings = settings
        self._storage = storage
        parts = urlsplit(settings.public_url)
        # The origin a browser sends from the console's pages: a default port is never part of it.
        host = parts.netloc.lower().removesuffix({"http": ":80", "https": ":443"}[parts.scheme])
        self.origin = f"{parts.scheme}://{host}"
        self.url = f"{settings.public_url}/admin/"

    def moderator(self, actor: str) -> Moderator:
        return access.of_actor(self._settings, actor)

    # Admin links

    async def new_link(self, *, now: float | None = None) -> str:
        """A one-time link to the console for an administrator of every site."""
        now = time.time() if now is None else now
        link_id, secret = secrets.token_urlsafe(12), secrets.token_urlsafe(32)

        async def work(conn: Connection) -> None:
            await rows.delete_old_links(conn, now - KEEP_EXPIRED)
            await rows.insert_link(conn, link_id, secret, now, LINK_LIFETIME)

        await self._storage.write(work)
        return f"{self.url}#{LINK_FRAGMENT}{link_id}.{secret}"

    async def redeem_link(self, link: str, *, now: float | None = None) -> str:
        """Use an admin link up for a new console session's key. `link` is ID.SECRET, or the fragment or the
        whole link that carries it. Any link that is not valid now (unknown, wrong secret, used, expired) is
        401 admin_link_invalid: one answer for all, so an answer says nothing about a link id."""
        now = time.time() if now is None else now
        _, _, value = link.rpartition(LINK_FRAGMENT)
        link_id, dot, secret = value.strip().partition(".")
        if not dot or not link_id or not secret or len(link_id) > MAX_KEY or len(secret) > MAX_KEY:
            raise invalid_link()
        key = secrets.token_urlsafe(32)

        async def work(conn: Connection) -> bool:
            # Using the link and opening its session commit together: a used link always has its session.
            if not await rows.use_link(conn, link_id, secret, now):
                return False
            await rows.insert_session(conn, key, ADMIN_LINK, now, SESSION_LIFETIME)
            return True

        if not await self._storage.write(work):
            raise invalid_link()
        return key

    # Sessions

    async def open_session(self, actor: str, *, now: float | None = None) -> str:
        """A new console session for `actor` (even one who moderates nothing: the console shows them their
        own identity); returns the key for the cookie."""
        now = time.time() if now is None else now
        key = secrets.token_urlsafe(32)

        async def work(conn: Connection) -> None:
            await rows.delete_old_sessions(conn, now - KEEP_EXPIRED)
            await rows.insert_session(conn, key, actor, now, SESSION_LIFETIME)

        await self._storage.write(work)
        return key

    async def actor(self, key: str, *, now: float | None = None) -> str | None:
        """Who a live console session speaks for; None for an unknown, expired or revoked key."""
        if not key or len(key) > MAX_KEY:
            return None
        async with self._storage.reading() as conn:
            return await rows.session_actor(conn, key, time.time() if now is None else now)

    async def close_session(self, key: str, *, now: float | None = None) -> None:
        if not key or len(key) > MAX_KEY:
            return
        when = time.time() if now is None else now
        await self._storage.write(lambda conn: rows.revoke_session(conn, key, when))
