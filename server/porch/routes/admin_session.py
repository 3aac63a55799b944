"""The console's sessions: open one with a one-time admin link or through a sign-in provider, see who is
signed in, log out. Which requests a session then allows is routes/_moderator.py's business.

A provider sign-in for the console is an ordinary redirect on the server's own origin, through the callback
URL every provider already has registered (`/auth/ID/callback`): GET /admin/sign-in/ID starts a login of the
console kind (auth/signin.py), bound to this browser at once, and the callback answers with the session
cookie and a redirect to the console.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from porch.auth.provider import SignInFailed
from porch.auth.signin import SignIn
from porch.errors import ApiError
from porch.routes._http import json_body, porch
from porch.routes._moderator import (
    check_console_origin,
    clear_session_cookie,
    console_key,
    signed_in,
    start_session,
)
from porch.routes._policy import rate_limit
from porch.routes.auth import LOGINS_PER_MINUTE, to_provider

OPEN_SESSION: dict[str, Any] = {
    "type": "object",
    "required": ["link"],
    "additionalProperties": False,
    "properties": {
        "link": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000,
            "description": "What `porch admin link` printed after `#login=` (ID.SECRET); the fragment or the whole "
            "link will do too. Read it from the page's fragment: it never belongs in a URL sent to a server.",
        }
    },
}
NO_STORE = {"Cache-Control": "no-store"}


def _sign_in(request: Request) -> SignIn:
    authenticator = porch(request).authenticator
    if not isinstance(authenticator, SignIn):
        raise ApiError(404, "provider_not_found", "This server has no sign-in providers.")
    return authenticator


async def open_session(request: Request) -> Response:
    check_console_origin(request)
    data = await json_body(request, OPEN_SESSION)
    await rate_limit(request, "console:link", LOGINS_PER_MINUTE, "Too many console sign-in attempts; please wait.")
    key = await porch(request).console.redeem_link(data["link"])
    response = Response(status_code=204, headers=NO_STORE)
    await start_session(request, response, key)
    return response


async def sign_in_start(request: Request) -> Response:
    provider_id = request.path_params["provider"]
    # What the reader typed for a provider that asks (`input` in /api/v1/admin/providers): ?instance= or ?website=.
    instance = request.query_params.get("instance") or request.query_params.get("website") or None
    if instance is not None and len(instance) > 300:
        raise ApiError(422, "invalid_field", "instance must be at most 300 characters.")
    sign_in = _sign_in(request)
    await rate_limit(request, "console:login", LOGINS_PER_MINUTE, "Too many sign-in attempts; please wait a little.")
    browser_secret = secrets.token_urlsafe(32)
    try:
        login_id, url = await sign_in.start_console_login(
            provider_id, porch(request).console.origin, instance, browser_secret
        )
    except SignInFailed as exc:
        raise ApiError(400, exc.code, exc.message) from None
    return to_provider(request, url, provider_id, login_id, browser_secret)


async def providers(request: Request) -> Response:
    """The providers the console offers: sign in at /admin/sign-in/ID (?instance= where `input` asks)."""
    authenticator = porch(request).authenticator
    found = authenticator.providers.values() if isinstance(authenticator, SignIn) else ()
    return JSONResponse({"providers": [provider.describe() for provider in found]})


async def me(request: Request) -> Response:
    who = await signed_in(request)
    return JSONResponse(
        {
            "actor": who.actor,
            "sites": "*" if who.sites is None else sorted(who.sites),
            "moderator": who.moderates_anything,
        },
        headers=NO_STORE,
    )


async def logout(request: Request) -> Response:
    app = porch(request)
    key = console_key(request)
    if key is not None:
        check_console_origin(request)
        await app.console.close_session(key)
    response = Response(status_code=204, headers=NO_STORE)
    clear_session_cookie(response, app.settings)
    return response


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": "error", **_json({"$ref": "#/components/schemas/Error"})} for s in statuses}


_COOKIE = "Sets the console's session cookie (porch_admin, or __Host-porch_admin when PUBLIC_URL is https)."
# Merged into /api/openapi.json by routes/openapi.py.
OPENAPI_PATHS: dict[str, Any] = {
    "/api/v1/admin/session": {
        "post": {
            "summary": "Open a console session with a one-time link from `porch admin link`",
            "description": f"Needs an Origin equal to PUBLIC_URL's origin. {_COOKIE} A used, expired or unknown "
            "link is 401 admin_link_invalid.",
            "requestBody": {"required": True, **_json(OPEN_SESSION)},
            "responses": {"204": {"description": "signed in"}, **_errors(400, 401, 403, 413, 415, 422, 429)},
        }
    },
    "/api/v1/admin/logout": {
        "post": {
            "summary": "End the console session (revoked at once) and clear its cookie",
            "responses": {"204": {"description": "signed out"}, **_errors(403)},
        }
    },
    "/api/v1/admin/me": {
        "get": {
            "summary": "Who is signed in to the console, and which sites they moderate",
            "description": "A console cookie session, or a widget session as Authorization: Bearer (which speaks "
            "for its own site only). A signed-in reader who moderates nothing sees their own PROVIDER_ID:SUBJECT, "
            "to be copied into the settings.",
            "responses": {
                "200": {
                    "description": "signed in",
                    **_json(
                        {
                            "type": "object",
                            "required": ["actor", "sites", "moderator"],
                            "properties": {
                                "actor": {"type": "string", "example": "github:583231"},
                                "sites": {
                                    "oneOf": [
                                        {"type": "array", "items": {"type": "string"}},
                                        {"type": "string", "enum": ["*"]},
                                    ],
                                    "description": "the sites moderated, or * for every site",
                                },
                                "moderator": {"type": "boolean"},
                            },
                        }
                    ),
                },
                **_errors(401, 403),
            },
        }
    },
    "/api/v1/admin/providers": {
        "get": {
            "summary": "The sign-in providers the console offers (sign in at /admin/sign-in/ID)",
            "responses": {
                "200": {
                    "description": "providers",
                    **_json({"type": "object", "properties": {"providers": {"type": "array", "items": {"type": "object"}}}}),
                }
            },
        }
    },
}

routes = [
    Route("/api/v1/admin/session", open_session, methods=["POST"]),
    Route("/api/v1/admin/logout", logout, methods=["POST"]),
    Route("/api/v1/admin/me", me, methods=["GET"]),
    Route("/api/v1/admin/providers", providers, methods=["GET"]),
    Route("/admin/sign-in/{provider}", sign_in_start, methods=["GET"]),
]
