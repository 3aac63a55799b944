"""Fixtures for the sign-in tests: a real OpenID Connect provider (node oidc-provider) on loopback, Porch apps
configured with it, and helpers that drive the popup handshake over plain HTTP.

The popup's browser is played by two clients: Starlette's TestClient for Porch (it keeps Porch's cookies,
first-party in the popup) and an httpx2 client for the provider (it keeps the provider's session cookies).
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.conftest import TEST_ORIGIN, make_settings
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
OIDC_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PUBLIC_URL = "http://testserver"
CLIENT_ID, CLIENT_SECRET = "porch", "porch-secret"


def wait_for(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if httpx2.get(url, timeout=1.0).status_code < 500:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@dataclass
class OIDCServer:
    issuer: str
    process: subprocess.Popen[bytes]

    def set_account(self, account: str) -> None:
        httpx2.post(f"{self.issuer}/__test__/account", json={"id": account}).raise_for_status()

    def isolate(self, on: bool) -> None:
        httpx2.post(f"{self.issuer}/__test__/isolate", json={"on": on}).raise_for_status()

    def tamper(self, mode: str | None) -> None:
        httpx2.post(f"{self.issuer}/__test__/tamper", json={"mode": mode}).raise_for_status()


def start_oidc_provider(redirect_uris: list[str], port: int | None = None) -> OIDCServer:
    port = port or free_port()
    process = subprocess.Popen(
        ["node", str(OIDC_SCRIPT), str(port), ",".join(redirect_uris)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration", process)
    except RuntimeError:
        process.kill()
        raise
    return OIDCServer(issuer, process)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oidc() -> Iterator[OIDCServer]:
    server = start_oidc_provider([f"{PUBLIC_URL}/auth/company/callback", f"{PUBLIC_URL}/auth/other/callback"])
    yield server
    stop(server.process)


@pytest.fixture(autouse=True)
def _fresh_oidc_account(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts as alice with no forged token pending (only if the test uses the provider)."""
    yield
    if "oidc" in request.fixturenames:
        server: OIDCServer = request.getfixturevalue("oidc")
        server.set_account("alice")
        server.tamper(None)


def oidc_providers(issuer: str) -> dict[str, Any]:
    return {
        "company": {
            "type": "oidc",
            "name": "Company login",
            "issuer": issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    }


@pytest.fixture
def auth_client(tmp_path: Path, database_url: str, oidc: OIDCServer) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, providers=oidc_providers(oidc.issuer))
    with TestClient(create_app(settings)) as client:
        yield client


# ---- driving the handshake --------------------------------------------------------------------------------


@dataclass
class Login:
    login: str
    secret: str
    url: str


@dataclass
class Callback:
    """The provider's redirect back to Porch, not yet followed."""

    url: str

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    @property
    def params(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}


@dataclass
class Result:
    """The popup's result page."""

    status: int
    data: dict[str, Any]
    html: str
    headers: Any

    @property
    def code(self) -> str:
        return str(self.data["message"]["code"])


def start_login(
    porch: TestClient, provider: str = "company", site: str = "blog", origin: str = TEST_ORIGIN, **body: Any
) -> Login:
    response = porch.post(
        "/api/v1/auth/login", json={"site": site, "provider": provider, **body}, headers={"Origin": origin}
    )
    assert response.status_code == 201, response.text
    data = response.json()
    return Login(data["login"], data["secret"], data["url"])


def open_popup(porch: TestClient, login: Login) -> str:
    """GET the start URL as the popup would; return the provider's authorization URL."""
    response = porch.get(urlsplit(login.url).path + "?" + urlsplit(login.url).query, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def through_provider(browser: httpx2.Client, authorize_url: str, public_url: str = PUBLIC_URL) -> Callback:
    """Follow the provider's redirects (auto-approved login and consent) until it sends the browser to Porch."""
    url = authorize_url
    for _ in range(20):
        if url.startswith(public_url):
            return Callback(url)
        response = browser.get(url, follow_redirects=False)
        assert response.is_redirect, f"{url} answered {response.status_code}: {response.text[:300]}"
        url = str(httpx2.URL(url).join(response.headers["location"]))
    raise AssertionError("the provider never redirected back to Porch")


def finish(porch: TestClient, callback: Callback | str) -> Result:
    path = callback.path if isinstance(callback, Callback) else callback
    response = porch.get(path, follow_redirects=False)
    match = re.search(r'<script type="application/json" id="porch-data">(.*?)</script>', response.text, re.S)
    assert match, response.text
    return Result(response.status_code, json.loads(match.group(1)), response.text, response.headers)


def redeem(porch: TestClient, login: Login, code: str | None = None, origin: str = TEST_ORIGIN) -> httpx2.Response:
    body: dict[str, Any] = {"login": login.login, "secret": login.secret}
    if code is not None:
        body["code"] = code
    return porch.post("/api/v1/auth/redeem", json=body, headers={"Origin": origin})


def sign_in(
    porch: TestClient, browser: httpx2.Client, provider: str = "company", **body: Any
) -> tuple[str, dict[str, Any]]:
    """The whole handshake; returns (token, user)."""
    login = start_login(porch, provider, **body)
    result = finish(porch, through_provider(browser, open_popup(porch, login)))
    assert result.status == 200, result.html
    response = redeem(porch, login, result.code)
    assert response.status_code == 200, response.text
    return response.json()["token"], response.json()["user"]


@pytest.fixture
def browser() -> Iterator[httpx2.Client]:
    """The popup's view of the provider: a cookie-keeping client, fresh for every test."""
    with httpx2.Client(timeout=10.0) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
