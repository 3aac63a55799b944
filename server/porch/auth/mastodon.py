"""`mastodon`: the reader types their instance; Porch registers an app there on first use (POST /api/v1/apps),
keeps its credentials per instance, runs authorization code + PKCE, and reads the account
(GET /api/v1/accounts/verify_credentials). The access token is revoked right after: Porch needs it once.

Every request to an instance goes through the guarded client (net.py): the instance name is refused if it
resolves to a loopback, private or other internal address, unless `allow_private_instances` is on.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError  # type: ignore[import-untyped]

from porch.auth.net import HostAddress, check_reachable, client_options, normalise_host, read_limited
from porch.auth.provider import Context, Prepared, Profile, Provider, SignInFailed, check_keys
from porch.errors import ApiError
from porch.storage import sign_in
from porch.storage.sign_in import InstanceApp, Login

SCOPE = "read:accounts"


class MastodonProvider(Provider):
    type = "mastodon"
    default_name = "Mastodon"
    input = "instance"

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
            async with (
                httpx2.AsyncClient(**client_options(guarded=not self.allow_private)) as http,
                http.stream("POST", f"{address.origin}/api/v1/apps", json=registration) as response,
            ):
                body = json.loads(await read_limited(response))
                response.raise_for_status()
        except (httpx2.HTTPError, ValueError):
            raise ApiError(
                502,
                "instance_unavailable",
                f"{address.host} did not accept an app registration; is it a Mastodon server?",
            ) from None
        if not isinstance(body, dict) or not isinstance(body.get("client_id"), str):
            raise ApiError(502, "instance_unavailable", f"{address.host} answered the app registration oddly.")
        secret = body.get("client_secret") if isinstance(body.get("client_secret"), str) else None
        fresh = InstanceApp(body["client_id"], secret, self.callback_url)
        return await self.context.storage.write(lambda conn: sign_in.save_app(conn, self.id, address.origin, fresh))

    def _client(self, app: InstanceApp) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=app.client_id,
            client_secret=app.client_secret,
            token_endpoint_auth_method="client_secret_post",
            scope=SCOPE,
            redirect_uri=self.callback_url,
            code_challenge_method="S256",
            **client_options(guarded=not self.allow_private),
        )

    async def _stored_app(self, login: Login) -> InstanceApp:
        assert login.instance is not None
        async with self.context.storage.reading() as conn:
            app = await sign_in.get_app(conn, self.id, login.instance)
        if app is None:
            raise SignInFailed("instance_unknown", "This instance's registration was lost; please start again.")
        return app

    async def authorize_url(self, login: Login) -> str:
        app = await self._stored_app(login)
        async with self._client(app) as client:
            url, _ = client.create_authorization_url(
                f"{login.instance}/oauth/authorize", state=login.state, code_verifier=login.code_verifier
            )
        return str(url)

    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile:
        app = await self._stored_app(login)
        assert login.instance is not None
        async with self._client(app) as client:
            try:
                token = await client.fetch_token(
                    f"{login.instance}/oauth/token", code=params["code"], code_verifier=login.code_verifier
                )
            except (OAuthError, httpx2.HTTPError, ValueError):
                raise SignInFailed("code_rejected", "Your instance did not accept the sign-in code.") from None
            try:
                response = await client.get(f"{login.instance}/api/v1/accounts/verify_credentials")
                response.raise_for_status()
                account = response.json()
            except (OAuthError, httpx2.HTTPError, ValueError):
                raise SignInFailed("profile_unavailable", "Your instance did not share your account.") from None
            finally:
                await _revoke(client, login.instance, token.get("access_token"))
        if not isinstance(account, dict) or not isinstance(account.get("username"), str) or not account["username"]:
            raise SignInFailed("profile_unavailable", "Your instance sent an account Porch does not understand.")
        host = login.instance.split("://", 1)[1]
        display = account.get("display_name")
        name = display.strip() if isinstance(display, str) and display.strip() else account["username"]
        url = account.get("url")
        return Profile(
            subject=f"@{account['username']}@{host}",
            name=name[:100],
            url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else None,
        )


async def _revoke(client: AsyncOAuth2Client, instance: str, access_token: Any) -> None:
    """Give the token back; Porch has read what it needs. A failure here changes nothing for the reader."""
    if not isinstance(access_token, str):
        return
    with contextlib.suppress(OAuthError, httpx2.HTTPError):
        await client.revoke_token(f"{instance}/oauth/revoke", token=access_token)
