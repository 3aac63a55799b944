"""`github`: GitHub's OAuth app flow (authorization code with state and PKCE S256), identity from its user API.

No scope is asked for: an empty scope grants read access to public profile information, which is all Porch
needs. The subject is GitHub's numeric user id, which survives a change of login name. `base_url` and
`api_url` point at GitHub Enterprise Server instead of github.com.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError  # type: ignore[import-untyped]

from porch.auth.net import client_options
from porch.auth.provider import Context, Profile, Provider, SignInFailed, check_keys, endpoint_url, required_string
from porch.storage.sign_in import Login

API_VERSION = "2022-11-28"


class GitHubProvider(Provider):
    type = "github"
    default_name = "GitHub"

    def __init__(self, provider_id: str, conf: Mapping[str, Any], context: Context) -> None:
        check_keys(conf, provider_id, {"client_id", "client_secret", "base_url", "api_url"})
        super().__init__(provider_id, conf, context)
        self.client_id = required_string(conf, provider_id, "client_id")
        self.client_secret = required_string(conf, provider_id, "client_secret")
        self.base_url = endpoint_url(conf, provider_id, "base_url", "https://github.com")
        self.api_url = endpoint_url(conf, provider_id, "api_url", "https://api.github.com")

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_post",
            redirect_uri=self.callback_url,
            code_challenge_method="S256",
            **client_options(guarded=False),
        )

    async def authorize_url(self, login: Login) -> str:
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                f"{self.base_url}/login/oauth/authorize", state=login.state, code_verifier=login.code_verifier
            )
        return str(url)

    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile:
        async with self._client() as client:
            try:
                await client.fetch_token(
                    f"{self.base_url}/login/oauth/access_token", code=params["code"], code_verifier=login.code_verifier
                )
            except (OAuthError, httpx2.HTTPError, ValueError):
                raise SignInFailed("code_rejected", f"{self.name} did not accept the sign-in code.") from None
            try:
                response = await client.get(
                    f"{self.api_url}/user",
                    headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION},
                )
                response.raise_for_status()
                user = response.json()
            except (OAuthError, httpx2.HTTPError, ValueError):
                raise SignInFailed("profile_unavailable", f"{self.name} did not share your profile.") from None
        if not isinstance(user, dict) or not isinstance(user.get("id"), int) or not isinstance(user.get("login"), str):
            raise SignInFailed("profile_unavailable", f"{self.name} sent a profile Porch does not understand.")
        display = user.get("name")
        name: str = display if isinstance(display, str) and display.strip() else user["login"]
        html_url = user.get("html_url")
        url = html_url if isinstance(html_url, str) and html_url.startswith("https://") else None
        return Profile(subject=str(user["id"]), name=name.strip()[:100], url=url)
