"""The sign-in handshake, built for a widget that runs on someone else's origin and has no cookies of ours.

1. The widget asks for a login (`start_login`): it gets a login id, a secret only it knows, and the popup URL
   `/auth/PROVIDER/start?login=ID`. The login remembers the site, the page's exact origin, and the OAuth state,
   nonce and PKCE verifier.
2. The popup opens the start URL (`begin`). The first browser to do so is bound to the login through a cookie
   of ours, first-party in the popup; the popup goes on to the provider.
3. The provider sends the popup back to the callback (`complete`): the state names the login, it is used up
   there and then, the browser must be the one bound at step 2, and the provider's answer is checked. The
   reader's identity is bound to the login together with a fresh one-time code (codes.py), which the result
   page posts to its opener at the login's origin, and nowhere else; where a provider cut the popup's link
   to its opener, the page shows the code for the reader to type into the widget instead.
4. The widget redeems the login with its secret and that code (`redeem`) for a session token.

Login fixation: whoever started a login holds its secret, and could send its popup URL to someone else. The
secret alone never redeems: the code is always needed, and it reaches only the window that opened the popup
or the eyes of the reader who signed in. A login takes one code only: the first well-formed wrong code ends
it, so the code cannot be guessed (typos are caught earlier by the code's check symbol, and cost nothing).
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from porch.auth import codes
from porch.auth.provider import Profile, Provider, SignInFailed
from porch.auth.sessions import Sessions
from porch.avatars import avatar_hash
from porch.errors import ApiError
from porch.models import Author
from porch.moderation.access import identity
from porch.settings import Settings, SiteSettings
from porch.storage import Connection, Storage, sign_in
from porch.storage import identities as identity_rows
from porch.storage.sign_in import Login, digest

LOGIN_LIFETIME = 600  # seconds from asking for a login to redeeming it
KEEP_EXPIRED_LOGINS = 86400
# The site of a console sign-in (no site id is empty): its callback opens a console session instead of
# binding a code for a widget (routes/admin_session.py), and it can never be redeemed.
CONSOLE_SITE = ""


def browser_cookie(login_id: str) -> str:
    """The name of the cookie, first-party in the popup, that binds a login to the browser that started it."""
    return f"porch_login_{login_id}"


@dataclass(frozen=True)
class Completed:
    """A callback that bound an identity: what the result page needs."""

    login: Login
    code: str
    user: dict[str, Any]
    site: SiteSettings | None  # None for a console sign-in
    actor: str  # PROVIDER_ID:SUBJECT


class SignIn:
    def __init__(self, settings: Settings, storage: Storage, providers: Mapping[str, Provider]) -> None:
        self._settings = settings
        self._storage = storage
        self.providers = providers
        self.sessions = Sessions(settings.secret_key, settings.session_lifetime, storage)

    # The Authenticator protocol (core.py)

    async def authenticate(self, token: str, site: SiteSettings) -> Author:
        return await self.sessions.authenticate(token, site)

    def site_extras(self, site: SiteSettings) -> dict[str, Any]:
        return {"providers": [provider.describe() for provider in self.site_providers(site)]}

    def site_providers(self, site: SiteSettings) -> list[Provider]:
        ids = site.providers if site.providers is not None else tuple(self.providers)
        return [self.providers[provider_id] for provider_id in ids]

    def user_json(self, author: Author) -> dict[str, Any]:
        return {"name": author.name, "provider": author.provider, "url": author.url, "avatar": author.avatar}

    # The handshake

    def provider_for(self, site: SiteSettings, provider_id: str) -> Provider:
        if provider_id not in (site.providers if site.providers is not None else self.providers):
            raise ApiError(404, "provider_not_found", f"Site {site.id!r} offers no sign-in provider {provider_id!r}.")
        return self.providers[provider_id]

    async def start_login(
        self, site: SiteSettings, provider_id: str, origin: str, instance: str | None
    ) -> tuple[str, str, str]:
        """A new login: (login id, secret, popup URL)."""
        return await self._new_login(self.provider_for(site, provider_id), site.id, origin, instance)

    async def start_console_login(
        self, provider_id: str, origin: str, instance: str | None, browser_secret: str
    ) -> tuple[str, str]:
        """A console sign-in, bound at once to the browser that asked (any configured provider will do):
        (login id, the provider URL to send it to). Its secret is never handed out."""
        provider = self.providers.get(provider_id)
        if provider is None:
            raise ApiError(404, "provider_not_found", f"There is no sign-in provider {provider_id!r}.")
        login_id, _, _ = await self._new_login(provider, CONSOLE_SITE, origin, instance)
        return login_id, await self.begin(provider_id, login_id, browser_secret)

    async def _new_login(
        self, provider: Provider, site_id: str, origin: str, instance: str | None
    ) -> tuple[str, str, str]:
        prepared = await provider.prepare(instance)
        login_id, secret = secrets.token_urlsafe(18), secrets.token_urlsafe(32)
        now = time.time()
        login = Login(
            id=login_id,
            secret_hash=digest(secret),
            site=site_id,
            origin=origin,
            provider=provider.id,
            instance=prepared.instance,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),
            flow=json.dumps(prepared.flow),
            browser_hash=None,
            callback_done=False,
            identity_id=None,
            code_hash=None,
            confirmed=False,
            redeemed=False,
            created=now,
            expires=now + LOGIN_LIFETIME,
        )

        async def work(conn: Connection) -> None:
            await sign_in.delete_expired_logins(conn, now - KEEP_EXPIRED_LOGINS)
            await sign_in.delete_old_sessions(conn, now - KEEP_EXPIRED_LOGINS)
            await sign_in.insert_login(conn, login)

        await self._storage.write(work)
        return login_id, secret, f"{self._settings.public_url}/auth/{provider.id}/start?login={login_id}"

    async def begin(self, provider_id: str, login_id: str, browser_secret: str) -> str:
        """Bind the login to this browser and return the provider URL to send it to."""
        async with self._storage.reading() as conn:
            login = await sign_in.get_login(conn, login_id)
        if login is None or login.provider != provider_id or provider_id not in self.providers:
            raise SignInFailed("login_not_found", "This sign-in link is not valid. Please start again from the page.")
        if login.expired:
            raise SignInFailed("login_expired", "This sign-in link has expired. Please start again from the page.")
        if not await self._storage.write(lambda conn: sign_in.mark_started(conn, login.id, digest(browser_secret))):
            raise SignInFailed("login_used", "This sign-in link was already used. Please start again from the page.")
        return await self.providers[provider_id].authorize_url(login)

    async def complete(self, provider_id: str, params: Mapping[str, str], cookies: Mapping[str, str]) -> Completed:
        """Check the provider's answer and bind the reader's identity to the login."""
        state = params.get("state")
        if not state or len(state) > 200:
            raise SignInFailed("invalid_state", "This sign-in answer does not belong to any sign-in in progress.")
        async with self._storage.reading() as conn:
            login = await sign_in.login_by_state(conn, state)
        if login is None or login.provider != provider_id or provider_id not in self.providers:
            raise SignInFailed("invalid_state", "This sign-in answer does not belong to any sign-in in progress.")
        try:
            return await self._complete(login, params, cookies.get(browser_cookie(login.id)))
        except SignInFailed as exc:
            exc.login = login
            raise

    async def _complete(self, login: Login, params: Mapping[str, str], browser_secret: str | None) -> Completed:
        provider_id = login.provider
        if login.callback_done:
            raise SignInFailed("state_used", "This sign-in answer was already used.")
        if login.expired:
            raise SignInFailed("login_expired", "This sign-in took too long. Please start again from the page.")
        if (
            login.browser_hash is None
            or browser_secret is None
            or not hmac.compare_digest(login.browser_hash, digest(browser_secret))
        ):
            raise SignInFailed("other_browser", "This sign-in was started in another browser window.")
        if not await self._storage.write(lambda conn: sign_in.consume_state(conn, login.id)):
            raise SignInFailed("state_used", "This sign-in answer was already used.")
        if "error" in params or "code" not in params:
            raise SignInFailed("provider_refused", "The sign-in was cancelled or refused.")
        provider = self.providers[provider_id]
        profile = await provider.finish(login, params)
        site = self._settings.sites.get(login.site)
        console = login.site == CONSOLE_SITE
        if site is None and not console:
            raise SignInFailed("site_not_found", "The site this sign-in was for is no longer configured.")
        code = codes.new_code()

        async def work(conn: Connection) -> Author:
            identity_id = await identity_rows.upsert(
                conn, provider.id, profile.subject, profile.name, None, profile.url, self._avatar(provider.id, profile)
            )
            await sign_in.bind_identity(conn, login.id, identity_id, digest(code))
            if console:  # the callback opens the console session: nothing is left to redeem
                await sign_in.mark_redeemed(conn, login.id, time.time())
            return _author(identity_id, provider.id, profile, self._avatar(provider.id, profile))

        author = await self._storage.write(work)
        return Completed(login, code, self.user_json(author), site, identity(provider.id, profile.subject))

    def _avatar(self, provider_id: str, profile: Profile) -> str:
        seed = f"{provider_id}:{profile.subject}"
        return f"{self._settings.public_url}/avatar/{avatar_hash(self._settings.secret_key, 'name:' + seed)}.svg"

    async def redeem(
        self, login_id: str, secret: str, code: str | None, origin: str | None
    ) -> tuple[str, dict[str, Any]]:
        """Exchange a completed login and its one-time code for a session token: (token, user)."""
        async with self._storage.reading() as conn:
            login = await sign_in.get_login(conn, login_id)
        if login is None or not hmac.compare_digest(login.secret_hash, digest(secret)):
            # One answer for both, so a login id alone reveals nothing.
            raise ApiError(403, "invalid_login_secret", "This sign-in does not exist or the secret is wrong.")
        if origin is not None and origin.lower().rstrip("/") != login.origin:
            raise ApiError(403, "origin_not_allowed", "This sign-in was started on another page.")
        if login.redeemed:
            raise ApiError(410, "login_redeemed", "This sign-in was already used; please sign in again.")
        if login.expired:
            raise ApiError(410, "login_expired", "This sign-in has expired; please sign in again.")
        if login.identity_id is None or login.code_hash is None:
            raise ApiError(409, "login_pending", "The sign-in window has not finished yet.")
        if code is None:
            # The secret alone proves nothing about who signed in: the login may have been sent to someone else.
            raise ApiError(422, "code_required", "Send the one-time code that the sign-in window posted or showed.")
        typed = codes.canonical(code)
        if typed is None:
            # Not a code at all (a typo the check symbol caught): it says nothing about the real one, so it
            # does not use the login up, and the reader may type it again.
            raise ApiError(422, "code_malformed", "This is not a sign-in code; please check what you typed.")
        right = hmac.compare_digest(login.code_hash, digest(typed))
        identity_id = login.identity_id

        async def work(conn: Connection) -> str | None:
            # Every well-formed code uses the login up, right or wrong, in one atomic step: however many
            # guesses arrive at once, from however many processes, only one is ever compared.
            if not await sign_in.mark_redeemed(conn, login.id, time.time()):
                raise ApiError(410, "login_redeemed", "This sign-in was already used; please sign in again.")
            return await self.sessions.create(conn, login.site, identity_id) if right else None

        site = self._settings.sites.get(login.site)
        if site is None:
            raise ApiError(410, "login_expired", "The site this sign-in was for is no longer configured.")
        token = await self._storage.write(work)
        if token is None:
            raise ApiError(403, "invalid_code", "This code does not belong to this sign-in; please sign in again.")
        author = await self.sessions.authenticate(token, site)
        return token, self.user_json(author)

    async def logout(self, token: str, site: SiteSettings) -> None:
        await self.sessions.revoke(token, site)


def _author(identity_id: int, provider_id: str, profile: Profile, avatar: str) -> Author:
    return Author(
        identity_id=identity_id,
        provider=provider_id,
        subject=profile.subject,
        name=profile.name,
        email=None,
        url=profile.url,
        avatar=avatar,
    )
