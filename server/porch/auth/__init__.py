"""Federated sign-in: providers (one module per type, all on the Provider interface), the login handshake and
session tokens. `build_sign_in(settings, storage)` validates the `[providers]` settings and returns the
object that core.Porch uses as its Authenticator."""

from __future__ import annotations

from porch.auth.github import GitHubProvider
from porch.auth.indieauth import IndieAuthProvider
from porch.auth.mastodon import MastodonProvider
from porch.auth.oidc import OIDCProvider
from porch.auth.presets import PRESETS
from porch.auth.provider import Context, Provider
from porch.auth.signin import SignIn
from porch.settings import ConfigError, Settings
from porch.storage import Storage

PROVIDER_TYPES: dict[str, type[Provider]] = {
    "oidc": OIDCProvider,
    **{preset: OIDCProvider for preset in PRESETS},
    "github": GitHubProvider,
    "mastodon": MastodonProvider,
    "indieauth": IndieAuthProvider,
}

_PROVIDER_ID = "abcdefghijklmnopqrstuvwxyz0123456789-_"


def build_providers(settings: Settings, storage: Storage) -> dict[str, Provider]:
    """Every configured provider, each having checked its own keys; ConfigError names the bad key."""
    context = Context(settings, storage)
    providers: dict[str, Provider] = {}
    for provider_id, conf in settings.providers.items():
        if not provider_id or len(provider_id) > 40 or any(c not in _PROVIDER_ID for c in provider_id):
            raise ConfigError(f"providers.{provider_id}: a provider id is lower-case letters, digits, '-' and '_'")
        kind = conf.get("type")
        if kind not in PROVIDER_TYPES:
            known = ", ".join(PROVIDER_TYPES)
            raise ConfigError(f"providers.{provider_id}.type must be one of {known} (got {kind!r})")
        providers[provider_id] = PROVIDER_TYPES[kind](provider_id, conf, context)
    return providers


def check_providers(settings: Settings) -> dict[str, Provider]:
    """Validate the `[providers]` settings without connecting to anything (for `porch check-config`)."""
    return build_providers(settings, Storage(settings.database))


def build_sign_in(settings: Settings, storage: Storage) -> SignIn:
    return SignIn(settings, storage, build_providers(settings, storage))


__all__ = ["PROVIDER_TYPES", "Provider", "SignIn", "build_providers", "build_sign_in", "check_providers"]
