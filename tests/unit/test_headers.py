from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from porch.headers import DEFAULT_POLICY, SecurityHeaders


async def plain(request: Request) -> Response:
    return HTMLResponse("<p>hello</p>")


async def own_policy(request: Request) -> Response:
    return HTMLResponse("<p>hello</p>", headers={"Content-Security-Policy": "default-src 'self'"})


async def data(request: Request) -> Response:
    return JSONResponse({"hello": "world"})


def test_html_without_a_policy_gets_one_that_allows_nothing_and_any_policy_is_kept() -> None:
    app = Starlette(
        routes=[Route("/plain", plain), Route("/own", own_policy), Route("/data", data)],
        middleware=[Middleware(SecurityHeaders)],
    )
    with TestClient(app) as client:
        page = client.get("/plain")
        assert page.headers["content-security-policy"] == DEFAULT_POLICY
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-content-type-options"] == "nosniff"
        own = client.get("/own")
        assert own.headers.get_list("content-security-policy") == ["default-src 'self'"]
        assert own.headers["x-frame-options"] == "DENY"
        json = client.get("/data")
        assert json.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" not in json.headers and "x-frame-options" not in json.headers
        assert client.get("/missing").headers["x-content-type-options"] == "nosniff"
