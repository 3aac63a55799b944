"""Request bodies of the sign-in endpoints as JSON Schema (validated by porch.schemas, published in OpenAPI)."""

from __future__ import annotations

from typing import Any

from porch.schemas import SITE_ID

PROVIDER_ID = {"type": "string", "minLength": 1, "maxLength": 40, "example": "github"}
LOGIN_ID = {"type": "string", "minLength": 1, "maxLength": 64, "example": "kq3V9m0r2x8hN4bQ1eTz"}
SECRET = {"type": "string", "minLength": 1, "maxLength": 128}

START_LOGIN: dict[str, Any] = {
    "type": "object",
    "required": ["site", "provider"],
    "additionalProperties": False,
    "properties": {
        "site": SITE_ID,
        "provider": PROVIDER_ID,
        "instance": {
            "type": ["string", "null"],
            "maxLength": 300,
            "description": "Mastodon: the reader's instance; IndieAuth: the reader's website.",
            "example": "mastodon.social",
        },
    },
}

REDEEM: dict[str, Any] = {
    "type": "object",
    "required": ["login", "secret"],
    "additionalProperties": False,
    "properties": {
        "login": LOGIN_ID,
        "secret": {**SECRET, "description": "The secret returned with the login."},
        "code": {
            "type": ["string", "null"],
            "maxLength": 64,
            "description": "The one-time code: the popup posts it to its opener, or shows it for the reader to type "
            "when it lost its opener. Required once the popup has finished (422 code_required without it). Case, "
            "spaces and hyphens do not matter. The first well-formed wrong code ends the login; a mistyped one "
            "(422 code_malformed) does not.",
            "example": "YCC8X-FSQ4V",
        },
    },
}

LOGOUT: dict[str, Any] = {
    "type": "object",
    "required": ["site"],
    "additionalProperties": False,
    "properties": {"site": SITE_ID},
}
