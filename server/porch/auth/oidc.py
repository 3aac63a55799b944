"""`oidc`: any OpenID Connect issuer, found through discovery; authorization code + PKCE (S256), state and nonce.

The id_token is verified against the issuer's JWKS (signature with an asymmetric algorithm the issuer
announces, `iss`, `aud`/`azp`, `exp`, `iat`, `nonce`). The display name comes from the id_token or, when it
carries only `sub`, from the userinfo endpoint (whose `sub` must match). Email is never asked for.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from porch.auth.net import client_options
from porch.auth.presets import PRESETS
from porch.auth.provider import (
    Context,
    Profile,
    Provider,
    SignInFailed,
    check_keys,
    endpoint_url,
    optional_string,
    required_string,
)
from porch.settings import ConfigError
from porch.storage.sign_in import Login

METADATA_TTL = 3600.0
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
CLOCK_LEEWAY = 60


class OIDCProvider(Provider):
    type = "oidc"
    default_name = "OpenID Connect"

    def __init__(self, provider_id: str, conf: Mapping[str, Any], context: Context) -> None:
        # A preset is named by the type (`type = "google"`) or, equivalently, `type = "oidc"` + `preset = "google"`.
        preset_name = conf.get("preset") if conf.get("type", "oidc") == "oidc" else conf.get("type")
        if preset_name is not None and preset_name not in PRESETS:
            known = ", ".join(PRESETS)
            raise ConfigError(f"providers.{provider_id}.preset must be one of {known} (got {preset_name!r})")
        preset = PRESETS.get(preset_name, {}) if preset_name else {}
        allowed = {"issuer", "client_id", "client_secret", "scope"} | set(preset.get("options", {}))
        check_keys(conf, provider_id, allowed | ({"preset"} if conf.get("type", "oidc") == "oidc" else set()))
        super().__init__(provider_id, conf, context)
        self.type = str(conf.get("type", "oidc"))
        self.name = optional_string(conf, provider_id, "name") or preset.get("name", self.default_name)
        options = {key: conf.get(key, default) for key, default in preset.get("options", {}).items()}
        for key, value in options.items():
            if not isinstance(value, str) or not value:
                raise ConfigError(f"providers.{provider_id}.{key} must be a non-empty string")
        issuer_default = preset["issuer"].format(**options) if "issuer" in preset else None
        self.issuer = endpoint_url(conf, provider_id, "issuer", issuer_default)
        self.client_id = required_string(conf, provider_id, "client_id")
        self.client_secret = required_string(conf, provider_id, "client_secret")
        self.scope = optional_string(conf, provider_id, "scope") or "openid profile"
        if "openid" not in self.scope.split():
            raise ConfigError(f"providers.{provider_id}.scope must include 'openid'")
        # Microsoft's multi-tenant endpoints announce "{tenantid}" in place of the tenant of each token.
        self._multi_tenant_issuer: str | None = preset.get("multi_tenant_issuer")
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None

    def _client(self, **options: Any) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=self.scope,
            redirect_uri=self.callback_url,
            code_challenge_method="S256",
            **client_options(guarded=False),
            **options,
        )

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_TTL:
            url = f"{self.issuer}/.well-known/openid-configuration"
            try:
                async with httpx2.AsyncClient(**client_options(guarded=False)) as http:
                    response = await http.get(url)
                    response.raise_for_status()
                    metadata = response.json()
            except (httpx2.HTTPError, ValueError):
                raise SignInFailed(
                    "provider_unavailable", f"{self.name} did not answer its discovery request."
                ) from None
            if not isinstance(metadata, dict) or not self._issuer_matches(metadata.get("issuer")):
                raise SignInFailed("provider_misconfigured", f"{self.name}'s discovery document names another issuer.")
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(metadata.get(key), str):
                    raise SignInFailed("provider_misconfigured", f"{self.name}'s discovery document lacks {key}.")
            self._metadata, self._metadata_at, self._keys = metadata, time.monotonic(), None
        return self._metadata

    def _issuer_matches(self, claimed: Any) -> bool:
        return isinstance(claimed, str) and claimed in (self.issuer, self._multi_tenant_issuer)

    async def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            try:
                async with httpx2.AsyncClient(**client_options(guarded=False)) as http:
                    response = await http.get(metadata["jwks_uri"])
                    response.raise_for_status()
                    self._keys = KeySet.import_key_set(response.json())
            except (httpx2.HTTPError, ValueError, JoseError):
                raise SignInFailed("provider_unavailable", f"{self.name}'s signing keys could not be read.") from None
        return self._keys

    async def authorize_url(self, login: Login) -> str:
        metadata = await self.metadata()
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"],
                state=login.state,
                code_verifier=login.code_verifier,
                nonce=login.nonce,
            )
        return str(url)

    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile:
        metadata = await self.metadata()
        # RFC 9207: a provider that names itself in the response must be the one this login went to.
        if "iss" in params and params["iss"] != metadata["issuer"] and "{tenantid}" not in metadata["issuer"]:
            raise SignInFailed("issuer_mismatch", "The answer came from another provider than the one asked.")
        async with self._client() as client:
            try:
                token = await client.fetch_token(
                    metadata["token_endpoint"], code=params["code"], code_verifier=login.code_verifier
                )
            except (OAuthError, httpx2.HTTPError, ValueError):
                raise SignInFailed("code_rejected", f"{self.name} did not accept the sign-in code.") from None
            claims = await self.verify_id_token(token.get("id_token"), login.nonce)
            if _display_name(claims) is None and isinstance(metadata.get("userinfo_endpoint"), str):
                # Many issuers put only `sub` in the id_token; the profile claims come from userinfo.
                claims = {**await self._userinfo(client, metadata["userinfo_endpoint"], claims["sub"]), **claims}
        profile_url = claims.get("profile") if _is_http_url(claims.get("profile")) else None
        name = _display_name(claims) or self.name + " user"
        return Profile(subject=str(claims["sub"]), name=name, url=profile_url)

    async def verify_id_token(self, id_token: Any, nonce: str) -> dict[str, Any]:
        if not isinstance(id_token, str):
            raise SignInFailed("id_token_missing", f"{self.name} sent no id_token.")
        metadata = await self.metadata()
        announced = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [alg for alg in ASYMMETRIC_ALGORITHMS if alg in announced]
        try:
            try:
                decoded = jwt.decode(id_token, await self._key_set(), algorithms=algorithms)
            except (JoseError, ValueError):
                # The issuer may have rotated its keys since we fetched them: fetch once more.
                decoded = jwt.decode(id_token, await self._key_set(refresh=True), algorithms=algorithms)
        except (JoseError, ValueError):
            raise SignInFailed("id_token_invalid", "The id_token's signature does not verify.") from None
        claims: dict[str, Any] = dict(decoded.claims)
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise SignInFailed("id_token_invalid", f"The id_token was refused ({exc.error}).") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise SignInFailed("id_token_invalid", "The id_token was issued to another party.")
        expected_issuer = metadata["issuer"].replace("{tenantid}", str(claims.get("tid", "{tenantid}")))
        if claims.get("iss") != expected_issuer:
            raise SignInFailed("id_token_invalid", "The id_token comes from another issuer.")
        return claims

    async def _userinfo(self, client: AsyncOAuth2Client, endpoint: str, subject: str) -> dict[str, Any]:
        """The userinfo claims, if they are about `subject`; empty otherwise."""
        try:
            response = await client.get(endpoint)
            response.raise_for_status()
            info = response.json()
        except (OAuthError, httpx2.HTTPError, ValueError):
            return {}
        if not isinstance(info, dict) or info.get("sub") != subject:
            return {}
        return {
            key: info[key] for key in ("name", "preferred_username", "nickname", "given_name", "profile") if key in info
        }


def _display_name(claims: Mapping[str, Any]) -> str | None:
    for key in ("name", "preferred_username", "nickname", "given_name"):
        value = claims.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
    return None


def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 2000
