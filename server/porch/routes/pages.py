"""Everything that is not the JSON API: the demo page, the widget files, avatars and the health check."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from porch.assets import Asset, load_asset, static_dir
from porch.avatars import HASH_PATTERN, avatar_svg
from porch.errors import ApiError
from porch.routes._http import porch

DEMO_PAGE = Path(__file__).resolve().parent.parent / "demo.html"
WIDGET_CACHE = "public, max-age=600, stale-while-revalidate=86400"


def demo_policy(public_url: str) -> str:
    """The demo page's Content-Security-Policy: its widget from this origin, talking to this origin only.

    Styles are the exception: the page and the widget (in its shadow root) each inline one <style>, and the
    widget gives its own neither a nonce nor a fixed hash, so style-src allows inline styles. Scripts, the
    part that matters against injected comments, come only from this origin's files.
    """
    parts = urlsplit(public_url)
    return (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
        f"img-src 'self' {parts.scheme}://{parts.netloc}; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


async def demo(request: Request) -> Response:
    policy = demo_policy(porch(request).settings.public_url)
    return HTMLResponse(DEMO_PAGE.read_bytes(), headers={"Content-Security-Policy": policy})


def _serve(asset: Asset | None, request: Request) -> Response:
    if asset is None:
        raise ApiError(404, "not_built", "The widget has not been built: run `npm run build`.")
    headers = {"ETag": asset.etag, "Cache-Control": WIDGET_CACHE, "Access-Control-Allow-Origin": "*"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


async def widget_script(request: Request) -> Response:
    return _serve(porch(request).widget_script, request)


async def widget_source_map(request: Request) -> Response:
    return _serve(load_asset(static_dir() / "porch.js.map", "application/json"), request)


async def avatar(request: Request) -> Response:
    digest = request.path_params["digest"]
    if not HASH_PATTERN.match(digest):
        raise ApiError(404, "avatar_not_found", "There is no such avatar.")
    return Response(
        avatar_svg(digest),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=31536000, immutable", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


async def healthz(request: Request) -> Response:
    app = porch(request)
    async with app.storage.reading() as conn:
        await conn.fetch_val("SELECT 1")
    return JSONResponse({"status": "ok"})


routes = [
    Route("/", demo, methods=["GET"]),
    Route("/porch.js", widget_script, methods=["GET"]),
    Route("/porch.js.map", widget_source_map, methods=["GET"]),
    Route("/avatar/{digest}.svg", avatar, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Mount("/static", StaticFiles(directory=static_dir(), check_dir=False), name="static"),
]
