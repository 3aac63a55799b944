"""Who is moderating: the console's cookie session or a moderator's widget session, for the HTTP and live
routes alike.

Console sessions ride in a cookie, so the browser attaches them to requests that other pages cause; SameSite
=Strict keeps other sites out, and the Origin rule keeps out the server's sibling origins on the same site:
any request that carries an Origin must come from PUBLIC_URL's origin, and unsafe ones (and WebSockets) must
carry one. A widget session is a Bearer token that pages cannot make a browser send, and it speaks for its
own site only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse, Response
from starlette.websockets import WebSocket

from porch.errors import ApiError
from porch.moderation.access import Moderator, identity, of_widget_session
from porch.moderation.console import SESSION_LIFETIME
from porch.settings import Settings

if TYPE_CHECKING:
    from porch.core import Porch

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cookie_name(settings: Settings) -> str:
    # __Host- makes browsers refuse the cookie unless it is Secure, host-only and for Path=/.
    return "__Host-porch_admin" if settings.public_url.startswith("https://") else "porch_admin"


def set_session_cookie(response: Response, settings: Settings, key: str) -> None:
    response.set_cookie(
        cookie_name(settings),
        key,
        max_age=SESSION_LIFETIME,
        path="/",
        secure=settings.public_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings),
        path="/",
        secure=settings.public_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )


async def start_session(connection: HTTPConnection, response: Response, key: str) -> None:
    """Give the browser the console session `key`, ending the one it held before, if any."""
    app = _porch(connection)
    old = console_key(connection)
    if old is not None:
        await app.console.close_session(old)
    set_session_cookie(response, app.settings, key)


async def console_signed_in(connection: HTTPConnection, actor: str) -> Response:
    """The end of a console sign-in through a provider: a session for `actor`, and back to the console."""
    app = _porch(connection)
    response = RedirectResponse(
        app.console.url, status_code=303, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )
    await start_session(connection, response, await app.console.open_session(actor))
    return response


def sign_in_required() -> ApiError:
    return ApiError(401, "admin_sign_in_required", "Sign in to the console first.")


def _porch(connection: HTTPConnection) -> Porch:
    return connection.app.state.porch  # type: ignore[no-any-return]


def check_console_origin(connection: HTTPConnection) -> None:
    """The Origin rule of cookie-borne requests (see the module's docstring)."""
    console = _porch(connection).console
    origin = connection.headers.get("origin")
    unsafe = connection.scope["type"] == "websocket" or connection.scope.get("method") not in SAFE_METHODS
    if origin is None and not unsafe:
        return
    if origin is None or origin.lower().rstrip("/") != console.origin:
        raise ApiError(403, "origin_not_allowed", f"Only pages at {console.origin} may use the console's session.")


def console_key(connection: HTTPConnection) -> str | None:
    return connection.cookies.get(cookie_name(_porch(connection).settings)) or None


async def signed_in(connection: HTTPConnection) -> Moderator:
    """Whoever is signed in, moderator or not (a reader's `sites` is empty). 401 admin_sign_in_required
    without a valid session; 403 origin_not_allowed for a request from the wrong page."""
    if "authorization" in connection.headers:
        return await _widget_session(connection, connection.headers["authorization"])
    key = console_key(connection)
    if key is None:
        raise sign_in_required()
    check_console_origin(connection)
    app = _porch(connection)
    actor = await app.console.actor(key)
    if actor is None:
        raise sign_in_required()
    return app.console.moderator(actor)


async def moderator(connection: HTTPConnection) -> Moderator:
    """The moderator making this request (contract in notes: moderation.md). Callers then check
    `may_moderate(site)` and refuse 403 not_a_moderator."""
    who = await signed_in(connection)
    if not who.moderates_anything:
        raise ApiError(403, "not_a_moderator", f"{who.actor} is not a moderator of any site here.")
    return who


async def moderator_of_socket(websocket: WebSocket) -> Moderator:
    """`moderator` for a WebSocket: only the console's cookie session can open one (browsers send no
    Authorization header on sockets), and its Origin must be PUBLIC_URL's origin."""
    return await moderator(websocket)


async def _widget_session(connection: HTTPConnection, header: str) -> Moderator:
    app = _porch(connection)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or app.authenticator is None:
        raise sign_in_required()
    # A token names the site it was issued for, and is refused for every other site before any database
    # read, so trying each site costs a signature check per site.
    for site in app.settings.sites.values():
        try:
            author = await app.authenticator.authenticate(token, site)
        except ApiError:
            continue
        origin = connection.headers.get("origin")
        if origin is not None and not site.allows_origin(origin):
            raise ApiError(403, "origin_not_allowed", f"Pages at {origin} may not moderate site {site.id!r}.")
        return of_widget_session(app.settings, identity(author.provider, author.subject), site)
    raise sign_in_required()
