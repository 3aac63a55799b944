"""The sign-in endpoints as OpenAPI paths, merged into /api/openapi.json by routes/openapi.py.

Request bodies are the very schemas the endpoints validate against (auth/schemas.py).
"""

from __future__ import annotations

from typing import Any

from porch.auth.schemas import LOGOUT, REDEEM, START_LOGIN
from porch.schemas import SITE_ID

_ERROR = {"$ref": "#/components/schemas/Error"}
_NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}

USER = {
    "type": "object",
    "required": ["name", "provider", "url", "avatar"],
    "properties": {
        "name": {"type": "string", "example": "Ada Lovelace"},
        "provider": {"type": "string", "description": "the configured provider id", "example": "github"},
        "url": {**_NULLABLE_URL, "description": "profile page at the provider, if any"},
        "avatar": {**_NULLABLE_URL, "description": "an image served by Porch"},
    },
}

_BEARER: list[dict[str, list[str]]] = [{"session": []}]


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": "error", **_json(_ERROR)} for status in statuses}


AUTH_PATHS: dict[str, Any] = {
    "/api/v1/auth/login": {
        "post": {
            "summary": "Start signing in (from the widget's page; needs an Origin among the site's origins)",
            "description": "Returns a login id, a secret only the caller knows, and the URL to open in a popup. "
            "The popup ends on a page that posts the login id and a one-time code to the opener at the "
            "page's exact origin; redeem them with the secret.",
            "requestBody": {"required": True, **_json(START_LOGIN)},
            "responses": {
                "201": {
                    "description": "login started",
                    **_json(
                        {
                            "type": "object",
                            "required": ["login", "secret", "url"],
                            "properties": {
                                "login": {"type": "string"},
                                "secret": {"type": "string", "description": "keep it; never put it in a URL"},
                                "url": {"type": "string", "format": "uri", "description": "open in a popup"},
                            },
                        }
                    ),
                },
                **_errors(400, 403, 404, 413, 415, 422, 429, 502),
            },
        }
    },
    "/api/v1/auth/redeem": {
        "post": {
            "summary": "Exchange a finished login for a session token",
            "requestBody": {"required": True, **_json(REDEEM)},
            "responses": {
                "200": {
                    "description": "signed in",
                    **_json(
                        {
                            "type": "object",
                            "required": ["token", "user"],
                            "properties": {
                                "token": {"type": "string", "description": "send as Authorization: Bearer"},
                                "user": USER,
                            },
                        }
                    ),
                },
                "409": {"description": "login_pending: the popup has not finished", **_json(_ERROR)},
                "410": {"description": "login_redeemed or login_expired", **_json(_ERROR)},
                **_errors(400, 403, 404, 413, 415, 422),
            },
        }
    },
    "/api/v1/auth/logout": {
        "post": {
            "summary": "Revoke the session token sent in the Authorization header",
            "security": _BEARER,
            "requestBody": {"required": True, **_json(LOGOUT)},
            "responses": {"204": {"description": "signed out"}, **_errors(400, 401, 404, 413, 415, 422)},
        }
    },
    "/api/v1/me": {
        "get": {
            "summary": "Who the session token belongs to, at this site",
            "security": _BEARER,
            "parameters": [{"name": "site", "in": "query", "required": True, "schema": SITE_ID}],
            "responses": {
                "200": {
                    "description": "the signed-in reader",
                    **_json({"type": "object", "required": ["user"], "properties": {"user": USER}}),
                },
                "401": {"description": "missing, forged, expired, revoked or other-site token", **_json(_ERROR)},
                **_errors(404, 422),
            },
        }
    },
}

SECURITY_SCHEMES = {"session": {"type": "http", "scheme": "bearer", "description": "a token from /api/v1/auth/redeem"}}
