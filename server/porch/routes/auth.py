"""Sign-in: the handshake's API (/api/v1/auth/...), the popup's pages (/auth/PROVIDER/...), /api/v1/me.

Tokens, secrets and codes only ever travel in request and response bodies or the Authorization header; the
only value of ours in a URL is the login id (in the popup's start URL).
"""

from __future__ import annotations

import logging
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from porch.auth.indieauth import IndieAuthProvider
from porch.auth.page import result_page
from porch.auth.provider import SignInFailed
from porch.auth.schemas import LOGOUT, REDEEM, START_LOGIN
from porch.auth.signin import LOGIN_LIFETIME, SignIn, browser_cookie
from porch.errors import ApiError
from porch.routes._http import json_body, porch
from porch.routes._moderator import console_signed_in
from porch.routes._policy import check_origin, rate_limit, site_of

logger = logging.getLogger("porch.auth")

LOGINS_PER_MINUTE = 30  # per site and client address: each may make Porch contact an instance


def _sign_in(request: Request) -> SignIn:
    authenticator = porch(request).authenticator
    assert isinstance(authenticator, SignIn)
    return authenticator


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "invalid_token", "Send the session token as Authorization: Bearer.", {"WWW-Authenticate": "Bearer"}
        )
    return token.strip()


async def start_login(request: Request) -> Response:
    data = await json_body(request, START_LOGIN)
    site = site_of(request, data["site"])
    origin = check_origin(request, site, required=True)
    assert origin is not None
    await rate_limit(request, f"{site.id}:login", LOGINS_PER_MINUTE, "Too many sign-in attempts; please wait a little.")
    login, secret, url = await _sign_in(request).start_login(
        site, data["provider"], origin, data.get("instance")
    )
    return JSONResponse({"login": login, "secret": secret, "url": url}, status_code=201)


def _failure_page(exc: SignInFailed, status: int) -> Response:
    login = exc.login
    message = {"type": "porch:sign-in-failed", "login": login.id, "error": exc.code} if login else None
    return result_page(
        ok=False,
        status=status,
        message=message,
        origin=login.origin if login else None,
        site_title=None,
        user_name=None,
        error=exc.message,
    )


async def popup_start(request: Request) -> Response:
    provider_id = request.path_params["provider"]
    login_id = request.query_params.get("login", "")
    browser_secret = secrets.token_urlsafe(32)
    try:
        if not login_id or len(login_id) > 64:
            raise SignInFailed("login_not_found", "This sign-in link is not valid. Please start again from the page.")
        url = await _sign_in(request).begin(provider_id, login_id, browser_secret)
    except SignInFailed as exc:
        return _failure_page(exc, 400)
    return to_provider(request, url, provider_id, login_id, browser_secret)


def to_provider(request: Request, url: str, provider_id: str, login_id: str, browser_secret: str) -> Response:
    """Send the browser to the provider, holding the cookie that binds the login to it."""
    response = RedirectResponse(
        url, status_code=303, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )
    response.set_cookie(
        browser_cookie(login_id),
        browser_secret,
        max_age=LOGIN_LIFETIME,
        path=f"/auth/{provider_id}/",
        secure=porch(request).settings.public_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )
    return response


async def popup_callback(request: Request) -> Response:
    provider_id = request.path_params["provider"]
    sign_in = _sign_in(request)
    try:
        done = await sign_in.complete(provider_id, request.query_params, request.cookies)
    except SignInFailed as exc:
        return _failure_page(exc, 400 if exc.code != "other_browser" else 403)
    except Exception:  # a provider's server misbehaving must not leave the popup with a bare 500
        logger.exception("sign-in callback failed for provider %s", provider_id)
        return _failure_page(SignInFailed("provider_error", "The provider's answer could not be used."), 502)
    if done.site is None:  # a console sign-in: the console's session cookie, and back to the console
        response = await console_signed_in(request, done.actor)
        response.delete_cookie(browser_cookie(done.login.id), path=f"/auth/{provider_id}/")
        return response
    response = result_page(
        ok=True,
        status=200,
        message={"type": "porch:signed-in", "login": done.login.id, "code": done.code},
        origin=done.login.origin,
        site_title=done.site.title,
        user_name=done.user["name"],
        error=None,
    )
    response.delete_cookie(browser_cookie(done.login.id), path=f"/auth/{provider_id}/")
    return response


async def client_metadata(request: Request) -> Response:
    """IndieAuth client metadata: who Porch is, and where the reader's server may send them back."""
    provider = _sign_in(request).providers.get(request.path_params["provider"])
    if not isinstance(provider, IndieAuthProvider):
        raise ApiError(404, "provider_not_found", "There is no IndieAuth provider here.")
    return JSONResponse(provider.client_metadata())


async def redeem(request: Request) -> Response:
    data = await json_body(request, REDEEM)
    token, user = await _sign_in(request).redeem(
        data["login"], data["secret"], data.get("code"), request.headers.get("origin")
    )
    return JSONResponse({"token": token, "user": user}, headers={"Cache-Control": "no-store"})


async def me(request: Request) -> Response:
    site = site_of(request, request.query_params.get("site"))
    sign_in = _sign_in(request)
    author = await sign_in.authenticate(_bearer(request), site)
    return JSONResponse({"user": sign_in.user_json(author)}, headers={"Cache-Control": "no-store"})


async def logout(request: Request) -> Response:
    data = await json_body(request, LOGOUT)
    site = site_of(request, data["site"])
    await _sign_in(request).logout(_bearer(request), site)
    return Response(status_code=204)


routes = [
    Route("/api/v1/auth/login", start_login, methods=["POST"]),
    Route("/api/v1/auth/redeem", redeem, methods=["POST"]),
    Route("/api/v1/auth/logout", logout, methods=["POST"]),
    Route("/api/v1/me", me, methods=["GET"]),
    Route("/auth/{provider}/start", popup_start, methods=["GET"]),
    Route("/auth/{provider}/callback", popup_callback, methods=["GET"]),
    Route("/auth/{provider}/client", client_metadata, methods=["GET"]),
]
