"""`mastodon`: the reader types their instance; Porch registers an app there on first use (POST /api/v1/apps),
keeps its credentials per instance, runs authorization code + PKCE, and reads the account
(GET /api/v1/accounts/verify_credentials). The access token is revoked right after: Porch needs it once.

Every request to an instance goes through the guarded client (net.py): the instance name is refused if it
resolves to a loopback, private or other internal address, unless `allow_private_instances` is on. Every
answer is read through net.fetch, within size and time limits.

An instance speaks only for its own accounts: the name Porch shows carries the handle `@user@instance`, and
the profile URL is kept only on the instance's own host, so a fake instance cannot pass for someone elsewhere.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]

from porch.auth.net import (
    HostAddress,
    Limits,
    ResponseRefused,
    check_reachable,
    client_options,
    fetch,
    normalise_host,
)
from porch.auth.provider import Context, Prepared, Profile, Provider, SignInFailed, check_keys
from porch.errors import ApiError
from porch.storage import sign_in
from porch.storage.sign_in import InstanceApp, Login

SCOPE = "read:accounts"
MAX_DISPLAY_NAME = 60
# Mastodon allows letters, digits and `_`; other fediverse servers also `.` and `-`. Nothing that could close
# the parenthesis around the handle or fake a second one.
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Controls, and the marks that reorder text: an unclosed right-to-left override would show the handle after
# the name backwards.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class MastodonProvider(Provider):
    type = "mastodon"
    default_name = "Mastodon"
    input = "instance"
    limits = Limits()

    def __init__(self, provider_id: str, conf: Mapping[str, Any], context: Context) -> None:
        check_keys(conf, provider_id, set())
        super().__init__(provider_id, conf, context)
        self.allow_private = context.settings.allow_private_instances

    async def prepare(self, instance: str | None) -> Prepared:
        if not instance:
            raise ApiError(422, "instance_required", "Type the Mastodon instance you have an account on.")
        address = normalise_host(instance, allow_private=self.allow_private)
        await check_reachable(address, allow_private=self.allow_private)
        await self._app(address)
        return Prepared(instance=address.origin)

    async def _app(self, address: HostAddress) -> InstanceApp:
        async with self.context.storage.reading() as conn:
            app = await sign_in.get_app(conn, self.id, address.origin)
        if app is not None and app.redirect_uri == self.callback_url:
            return app
        registration = {
            "client_name": f"Porch comments at {self.context.settings.public_url.split('://', 1)[1]}",
            "redirect_uris": self.callback_url,
            "scopes": SCOPE,
            "website": self.context.settings.public_url,
        }
        try:
            async with self._http() as http:
                answer = await fetch(
                    http, "POST", f"{address.origin}/api/v1/apps", limits=self.limits, json=registration
                )
            body = answer.json_object()
            if answer.status >= 400:
                raise ResponseRefused(f"registration answered {answer.status}")
        except ResponseRefused:
            raise ApiError(
                502,
                "instance_unavailable",
                f"{address.host} did not accept an app registration; is it a Mastodon server?",
            ) from None
        if not isinstance(body.get("client_id"), str):
            raise ApiError(502, "instance_unavailable", f"{address.host} answered the app registration oddly.")
        secret = body.get("client_secret") if isinstance(body.get("client_secret"), str) else None
        fresh = InstanceApp(body["client_id"], secret, self.callback_url)
        return await self.context.storage.write(lambda conn: sign_in.save_app(conn, self.id, address.origin, fresh))

    def _http(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(**client_options(guarded=not self.allow_private))

    async def _stored_app(self, login: Login) -> InstanceApp:
        assert login.instance is not None
        async with self.context.storage.reading() as conn:
            app = await sign_in.get_app(conn, self.id, login.instance)
        if app is None:
            raise SignInFailed("instance_unknown", "This instance's registration was lost; please start again.")
        return app

    async def authorize_url(self, login: Login) -> str:
        app = await self._stored_app(login)
        # authlib only builds the URL here (PKCE challenge included); it sends nothing.
        async with AsyncOAuth2Client(
            client_id=app.client_id, scope=SCOPE, redirect_uri=self.callback_url, code_challenge_method="S256"
        ) as client:
            url, _ = client.create_authorization_url(
                f"{login.instance}/oauth/authorize", state=login.state, code_verifier=login.code_verifier
            )
        return str(url)

    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile:
        app = await self._stored_app(login)
        assert login.instance is not None
        async with self._http() as http:
            token = await self._redeem(http, app, login, params["code"])
            try:
                answer = await fetch(
                    http,
                    "GET",
                    f"{login.instance}/api/v1/accounts/verify_credentials",
                    limits=self.limits,
                    headers={"Authorization": f"Bearer {token}"},
                )
                account = answer.json_object()
                if answer.status != 200:
                    raise ResponseRefused(f"verify_credentials answered {answer.status}")
            except ResponseRefused:
                raise SignInFailed("profile_unavailable", "Your instance did not share your account.") from None
            finally:
                await self._revoke(http, app, login.instance, token)
        return _profile(account, login.instance)

    async def _redeem(self, http: httpx2.AsyncClient, app: InstanceApp, login: Login, code: str) -> str:
        """The access token for `code`: RFC 6749 §4.1.3 with PKCE, the client authenticated in the form body."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.callback_url,
            "client_id": app.client_id,
            "code_verifier": login.code_verifier,
        }
        if app.client_secret is not None:
            form["client_secret"] = app.client_secret
        try:
            answer = await fetch(http, "POST", f"{login.instance}/oauth/token", limits=self.limits, data=form)
            token = answer.json_object().get("access_token")
            if answer.status != 200 or not isinstance(token, str) or not token:
                raise ResponseRefused(f"the token request answered {answer.status}")
        except ResponseRefused:
            raise SignInFailed("code_rejected", "Your instance did not accept the sign-in code.") from None
        return token

    async def _revoke(self, http: httpx2.AsyncClient, app: InstanceApp, instance: str, token: str) -> None:
        """Give the token back (RFC 7009); Porch has read what it needs. A failure changes nothing for the reader."""
        form = {"token": token, "client_id": app.client_id}
        if app.client_secret is not None:
            form["client_secret"] = app.client_secret
        with contextlib.suppress(ResponseRefused):
            await fetch(http, "POST", f"{instance}/oauth/revoke", limits=self.limits, data=form)


def _profile(account: dict[str, Any], instance: str) -> Profile:
    """The reader as Porch shows them: `Display Name (@user@instance)`, the URL only on the instance's host."""
    username = account.get("username")
    if not isinstance(username, str) or not _USERNAME.fullmatch(username):
        raise SignInFailed("profile_unavailable", "Your instance sent an account Porch does not understand.")
    host = urlsplit(instance).netloc
    handle = f"@{username}@{host}"
    display = account.get("display_name")
    display = (
        _INVISIBLE.sub("", " ".join(display.split()))[:MAX_DISPLAY_NAME].strip() if isinstance(display, str) else ""
    )
    # A display name holding an `@` (or a look-alike: NFKC folds them) could show a handle of its own next to
    # the real one: show the handle alone.
    borrowed = "@" in unicodedata.normalize("NFKC", display)
    name = f"{display} ({handle})" if display and not borrowed else handle
    url = account.get("url")
    same_host = isinstance(url, str) and _same_origin(url, instance)
    return Profile(subject=handle, name=name, url=url if same_host else None)


def _same_origin(url: str, instance: str) -> bool:
    try:
        parts, home = urlsplit(url), urlsplit(instance)
        return (parts.scheme, parts.hostname, parts.port) == (home.scheme, home.hostname, home.port)
    except ValueError:
        return False
