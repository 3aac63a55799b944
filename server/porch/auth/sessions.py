"""Session tokens: what a reader's widget sends as `Authorization: Bearer` once signed in.

A token is an itsdangerous-signed, timestamped pair (site, session key). It is refused when the signature is
wrong, when it is older than `session_lifetime`, when it names another site than the request, and when its
server-side row is missing, expired or revoked (Log Out). Only a digest of the session key is stored.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

from porch.errors import ApiError
from porch.models import Author
from porch.settings import SiteSettings
from porch.storage import Connection, Storage, sign_in

_SALT = "porch.session"


def unauthorised(message: str = "Sign in again: this session token is not valid here.") -> ApiError:
    return ApiError(401, "invalid_token", message, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class Sessions:
    def __init__(self, secret_key: str, lifetime: int, storage: Storage) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self._lifetime = lifetime
        self._storage = storage

    async def create(self, conn: Connection, site: str, identity_id: int) -> str:
        """A new session of `identity_id` at `site`, written through `conn` (inside the caller's transaction)."""
        key = secrets.token_urlsafe(32)
        await sign_in.insert_session(conn, key, site, identity_id, self._lifetime)
        return self._serializer.dumps([site, key])

    def _key(self, token: str, site: SiteSettings) -> str:
        if len(token) > 1000:
            raise unauthorised()
        try:
            claimed = self._serializer.loads(token, max_age=self._lifetime)
        except BadSignature:  # also SignatureExpired
            raise unauthorised() from None
        if not (isinstance(claimed, list) and len(claimed) == 2 and all(isinstance(part, str) for part in claimed)):
            raise unauthorised()
        claimed_site, key = claimed
        if claimed_site != site.id:
            raise unauthorised("This session token belongs to another site.")
        return str(key)

    async def authenticate(self, token: str, site: SiteSettings) -> Author:
        key = self._key(token, site)
        async with self._storage.reading() as conn:
            author = await sign_in.session_author(conn, key, site.id)
        if author is None:
            raise unauthorised()
        return author

    async def revoke(self, token: str, site: SiteSettings) -> None:
        await self.authenticate(token, site)
        key = self._key(token, site)
        await self._storage.write(lambda conn: sign_in.revoke_session(conn, key, site.id))
