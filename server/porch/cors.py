"""Cross-origin rules for the API, as pure ASGI middleware.

Reads are public: any page may fetch a thread. Writes need the page's origin to be one of the target site's
origins; the route handlers check that (they know the site), and this middleware answers preflights for the
origins of any configured site, with the methods and headers the API uses. No cookies are involved anywhere,
so credentials are never allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from porch.settings import SiteSettings

ALLOWED_METHODS = "GET, POST, PATCH, DELETE"
ALLOWED_HEADERS = "Content-Type, X-Edit-Token, Authorization"
PREFLIGHT_MAX_AGE = "86400"


class CORSMiddleware:
    def __init__(self, app: ASGIApp, sites: Iterable[SiteSettings]) -> None:
        self.app = app
        self.sites = list(sites)

    def _allowed(self, origin: str) -> bool:
        return any(site.allows_origin(origin) for site in self.sites)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        method = scope["method"]
        if method == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(origin, headers)(scope, receive, send)
            return
        if origin is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                if method in ("GET", "HEAD"):
                    response_headers["Access-Control-Allow-Origin"] = "*"
                elif self._allowed(origin):
                    response_headers["Access-Control-Allow-Origin"] = origin
                    response_headers.add_vary_header("Origin")
                response_headers["Access-Control-Expose-Headers"] = "Retry-After, ETag"
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _preflight(self, origin: str, headers: Headers) -> Response:
        if not self._allowed(origin):
            return JSONResponse(
                {"error": {"code": "origin_not_allowed", "message": f"Pages at {origin} may not call this API."}},
                status_code=403,
            )
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
                "Vary": "Origin",
            },
        )
