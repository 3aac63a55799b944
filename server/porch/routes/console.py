"""The moderation console's page: PUBLIC_URL/admin/, a static page (static/admin/index.html, built from
console/) whose script talks to the admin API on this same origin.

The page shows comments that no moderator has approved yet, so its policy is as strict as it can be: scripts,
styles, images and connections from this origin only (and the live socket's ws(s):// origin, which older
browsers do not count as 'self'), no inline script or style, never framed, and no form submission at all:
the console's forms are handled by its script, and signing in with a provider is a link. Images in a comment
from other hosts are not loaded: a spammer learns nothing from a moderator reading the queue.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from porch.assets import static_dir
from porch.errors import ApiError
from porch.routes._http import porch


def console_policy(public_url: str) -> str:
    parts = urlsplit(public_url)
    socket_origin = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' {socket_origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


async def console_page(request: Request) -> Response:
    try:
        body = (static_dir() / "admin" / "index.html").read_bytes()
    except FileNotFoundError:
        raise ApiError(404, "not_built", "The console has not been built: run `npm run build`.") from None
    headers = {
        "Content-Security-Policy": console_policy(porch(request).settings.public_url),
        # The page names its script and styles by content hash; it must itself be asked for again each time.
        "Cache-Control": "no-cache",
    }
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


async def console_without_slash(request: Request) -> Response:
    # Relative, so that a PUBLIC_URL with a path (behind a proxy) keeps it; the page's links are relative too.
    return RedirectResponse("admin/", status_code=308)


routes = [
    Route("/admin/", console_page, methods=["GET"]),
    Route("/admin", console_without_slash, methods=["GET"]),
]
