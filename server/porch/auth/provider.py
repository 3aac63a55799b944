"""The Provider interface every sign-in provider implements, the built-in ones included.

A sign-in runs in three steps, each a method:

1. `prepare(instance)` when the widget asks for a login: check what the reader typed (a Mastodon instance,
   a website) and contact it if needed (register an app, discover endpoints). Returns what later steps need.
2. `authorize_url(login)` when the popup opens the start URL: where to send the reader's browser.
3. `finish(login, params)` when the provider sends the browser back to the callback: exchange the code and
   return the reader's profile.

Providers raise `SignInFailed` for anything the reader should be told about; it never carries secrets.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from porch.settings import ConfigError, Settings
from porch.storage import Storage
from porch.storage.sign_in import Login


class SignInFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.login: Login | None = None  # set once the failing login is known, so its page can tell the widget


@dataclass(frozen=True)
class Profile:
    """What Porch keeps of a signed-in reader: a stable subject, a display name and a profile URL."""

    subject: str
    name: str
    url: str | None


@dataclass(frozen=True)
class Prepared:
    """What `prepare` found: the normalised instance or website (None if the type needs none), and data for later."""

    instance: str | None = None
    flow: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What providers may use from the running server."""

    settings: Settings
    storage: Storage

    def callback_url(self, provider_id: str) -> str:
        return f"{self.settings.public_url}/auth/{provider_id}/callback"


class Provider(abc.ABC):
    type: str = ""
    default_name: str = ""
    input: str | None = None  # what the reader must type: None, "instance" or "website"

    def __init__(self, provider_id: str, conf: Mapping[str, Any], context: Context) -> None:
        self.id = provider_id
        self.context = context
        self.conf = conf
        self.name = optional_string(conf, provider_id, "name") or self.default_name

    @property
    def callback_url(self) -> str:
        return self.context.callback_url(self.id)

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, "input": self.input}

    async def prepare(self, instance: str | None) -> Prepared:
        return Prepared()

    @abc.abstractmethod
    async def authorize_url(self, login: Login) -> str: ...

    @abc.abstractmethod
    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile: ...


def flow_data(login: Login) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(login.flow)
    return data


# Config helpers: every provider validates its own keys at app start, naming the key in errors.


def check_keys(conf: Mapping[str, Any], provider_id: str, allowed: set[str]) -> None:
    for key in conf:
        if key not in allowed | {"type", "name"}:
            known = ", ".join(sorted(allowed | {"type", "name"}))
            raise ConfigError(f"unknown setting providers.{provider_id}.{key}; known: {known}")


def required_string(conf: Mapping[str, Any], provider_id: str, key: str) -> str:
    value = conf.get(key)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"providers.{provider_id}.{key} must be a non-empty string")
    return value


def optional_string(conf: Mapping[str, Any], provider_id: str, key: str) -> str | None:
    value = conf.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"providers.{provider_id}.{key} must be a non-empty string")
    return value


def endpoint_url(conf: Mapping[str, Any], provider_id: str, key: str, default: str | None = None) -> str:
    """An https URL from the config (plain http only for loopback, as used in tests), without a trailing slash."""
    value = conf.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"providers.{provider_id}.{key} must be a URL such as https://login.example.com")
    parts = urlsplit(value)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ConfigError(f"providers.{provider_id}.{key} must be an https URL (http only for loopback)")
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        raise ConfigError(f"providers.{provider_id}.{key} must be a plain URL without query, fragment or user")
    return value.rstrip("/")
