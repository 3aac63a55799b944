"""Every HTML page of the server carries a strict Content-Security-Policy and the framing, sniffing and referrer
headers: comments are rendered on this origin (the demo page), next to the sign-in pages."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route
from starlette.testclient import TestClient

from porch.app import create_app
from tests.conftest import make_settings


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_html_page_has_a_strict_policy_and_security_headers(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"))
    html_pages = []
    with TestClient(app) as client:
        for route in app.routes:
            if not isinstance(route, Route) or "GET" not in (route.methods or ()):
                continue
            path = re.sub(r"\{[^}]+\}", "x", route.path)  # any value: error pages are pages too
            response = client.get(path, follow_redirects=False)
            assert response.headers["x-content-type-options"] == "nosniff", path
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            html_pages.append(route.path)
            policy = directives(response.headers["content-security-policy"])
            assert policy["default-src"] == ["'none'"], path
            assert policy["frame-ancestors"] == ["'none'"], path
            assert policy["base-uri"] == ["'none'"], path
            assert policy["form-action"] == ["'none'"], path
            scripts = policy.get("script-src", [])
            assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts), path
            assert response.headers["x-frame-options"] == "DENY", path
            assert response.headers["referrer-policy"] == "no-referrer", path
    assert {"/", "/auth/{provider}/start", "/auth/{provider}/callback"} <= set(html_pages)


def test_the_demo_page_may_load_only_from_its_own_origin(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"))
    with TestClient(app) as client:
        policy = directives(client.get("/").headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "http://testserver"]  # avatars, served from public_url
