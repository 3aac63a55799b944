"""Sign-in with IndieAuth against a local site and authorization server that follow the IndieAuth spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.auth.conftest import PUBLIC_URL, finish, open_popup, redeem, sign_in, start_login, through_provider
from tests.auth.doubles import IndieAuthDouble
from tests.conftest import TEST_ORIGIN, make_settings

WEB = {"web": {"type": "indieauth"}}


@pytest.fixture(scope="module")
def indie() -> Iterator[IndieAuthDouble]:
    double = IndieAuthDouble()
    yield double
    double.server.close()


@pytest.fixture(autouse=True)
def _reset(indie: IndieAuthDouble) -> None:
    indie.answer_me = None
    indie.issuer_override = None


@pytest.fixture
def porch(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, providers=WEB, allow_private_instances=True)
    with TestClient(create_app(settings)) as client:
        yield client


def test_indieauth_sign_in_through_server_metadata(
    porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble
) -> None:
    _, user = sign_in(porch, browser, "web", instance=f"{indie.base}/alice/")
    assert user == {"name": "Alice Web", "provider": "web", "url": f"{indie.base}/alice/", "avatar": user["avatar"]}
    assert "GET /.well-known/oauth-authorization-server" in indie.requests


def test_indieauth_authorization_request(porch: TestClient, indie: IndieAuthDouble) -> None:
    login = start_login(porch, "web", instance=f"{indie.base}/alice/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(open_popup(porch, login)).query).items()}
    assert query["client_id"] == f"{PUBLIC_URL}/auth/web/client"
    assert query["redirect_uri"] == f"{PUBLIC_URL}/auth/web/callback"
    assert query["me"] == f"{indie.base}/alice/"
    assert query["code_challenge_method"] == "S256"
    metadata = porch.get("/auth/web/client").json()
    assert metadata["client_id"] == query["client_id"]
    assert metadata["redirect_uris"] == [query["redirect_uri"]]


def test_indieauth_legacy_link_header(porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble) -> None:
    _, user = sign_in(porch, browser, "web", instance=f"{indie.base}/legacy/")
    assert user["url"] == f"{indie.base}/legacy/"


def test_indieauth_permanent_redirect_sets_the_canonical_url(
    porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble
) -> None:
    _, user = sign_in(porch, browser, "web", instance=f"{indie.base}/moved")
    assert user["url"] == f"{indie.base}/alice/"


def test_indieauth_site_without_server(porch: TestClient, indie: IndieAuthDouble) -> None:
    response = porch.post(
        "/api/v1/auth/login",
        json={"site": "blog", "provider": "web", "instance": f"{indie.base}/plain/"},
        headers={"Origin": TEST_ORIGIN},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "indieauth_not_found"


def test_indieauth_wrong_issuer_is_refused(porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble) -> None:
    indie.issuer_override = "https://mix-up.example/"
    login = start_login(porch, "web", instance=f"{indie.base}/alice/")
    result = finish(porch, through_provider(browser, open_popup(porch, login)))
    assert result.status == 400
    assert result.data["message"]["error"] == "issuer_mismatch"
    assert redeem(porch, login).status_code == 409


def test_indieauth_server_cannot_claim_another_profile(
    porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble
) -> None:
    """The server answers with a profile URL whose site delegates to another server: refused."""
    indie.answer_me = f"{indie.base}/mallory/"
    login = start_login(porch, "web", instance=f"{indie.base}/alice/")
    result = finish(porch, through_provider(browser, open_popup(porch, login)))
    assert result.status == 400
    assert result.data["message"]["error"] == "profile_mismatch"


def test_indieauth_private_website_refused_by_default(
    tmp_path: Path, database_url: str, indie: IndieAuthDouble
) -> None:
    before = len(indie.requests)
    with TestClient(create_app(make_settings(tmp_path, database_url, providers=WEB))) as porch:
        for website in (
            f"{indie.base}/alice/",
            "http://localhost/",
            "https://10.0.0.1/",
            "http://169.254.169.254/latest/",
        ):
            response = porch.post(
                "/api/v1/auth/login",
                json={"site": "blog", "provider": "web", "instance": website},
                headers={"Origin": TEST_ORIGIN},
            )
            assert response.status_code == 422, website
        for website in ("https://user:pw@example.com/", "https://example.com/#me", "https://example.com/a/../b"):
            response = porch.post(
                "/api/v1/auth/login",
                json={"site": "blog", "provider": "web", "instance": website},
                headers={"Origin": TEST_ORIGIN},
            )
            assert response.json()["error"]["code"] == "invalid_website", website
    assert len(indie.requests) == before
