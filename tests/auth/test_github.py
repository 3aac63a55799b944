"""Sign-in with GitHub, against a local server that follows GitHub's documented OAuth app protocol."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from tests.auth.conftest import PUBLIC_URL, bearer, finish, open_popup, redeem, sign_in, start_login, through_provider
from tests.auth.doubles import GitHubDouble
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def github() -> Iterator[GitHubDouble]:
    double = GitHubDouble()
    double.callback = f"{PUBLIC_URL}/auth/github/callback"
    yield double
    double.server.close()


def github_settings(github: GitHubDouble, secret: str = GitHubDouble.CLIENT_SECRET) -> dict[str, object]:
    return {
        "github": {
            "type": "github",
            "client_id": GitHubDouble.CLIENT_ID,
            "client_secret": secret,
            "base_url": github.server.base,
            "api_url": f"{github.server.base}/api",
        }
    }


@pytest.fixture
def porch(tmp_path: Path, database_url: str, github: GitHubDouble) -> Iterator[TestClient]:
    github.user = "octocat"
    with TestClient(create_app(make_settings(tmp_path, database_url, providers=github_settings(github)))) as client:
        yield client


def test_github_sign_in(porch: TestClient, browser: httpx2.Client, github: GitHubDouble) -> None:
    token, user = sign_in(porch, browser, "github")
    assert user["name"] == "The Octocat"
    assert user["provider"] == "github"
    assert user["url"] == "https://github.com/octocat"
    assert not user["avatar"].startswith("https://avatars.githubusercontent.com")  # no third-party avatar
    assert porch.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token)).json()["user"] == user


def test_github_authorize_request_follows_the_protocol(porch: TestClient, github: GitHubDouble) -> None:
    login = start_login(porch, "github")
    location = open_popup(porch, login)
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{github.server.base}/login/oauth/authorize"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["client_id"] == GitHubDouble.CLIENT_ID
    assert query["redirect_uri"] == f"{PUBLIC_URL}/auth/github/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 32
    assert "scope" not in query or query["scope"] == ""  # public profile only


def test_github_name_falls_back_to_login(porch: TestClient, browser: httpx2.Client, github: GitHubDouble) -> None:
    github.user = "nameless"
    _, user = sign_in(porch, browser, "github")
    assert user["name"] == "nameless"


def test_github_identity_is_the_numeric_id(porch: TestClient, browser: httpx2.Client, github: GitHubDouble) -> None:
    _, first = sign_in(porch, browser, "github")
    github.users["octocat"] = {**github.users["octocat"], "login": "renamed-cat", "name": "Renamed"}
    try:
        _, renamed = sign_in(porch, browser, "github")
    finally:
        github.users["octocat"] = {**github.users["octocat"], "login": "octocat", "name": "The Octocat"}
    assert renamed["avatar"] == first["avatar"]  # same identity row, refreshed profile
    assert renamed["name"] == "Renamed"


def test_github_error_answer_is_shown_not_trusted(
    tmp_path: Path, database_url: str, github: GitHubDouble, browser: httpx2.Client
) -> None:
    settings = make_settings(tmp_path, database_url, providers=github_settings(github, secret="wrong-secret"))
    with TestClient(create_app(settings)) as porch:
        login = start_login(porch, "github")
        result = finish(porch, through_provider(browser, open_popup(porch, login)))
        assert result.status == 400
        assert result.data["message"]["error"] == "code_rejected"
        assert redeem(porch, login).status_code == 409


def test_github_user_refuses_the_request_without_token(github: GitHubDouble) -> None:
    """The double is faithful enough to fail: its user API needs the token Porch got."""
    assert httpx2.get(f"{github.server.base}/api/user").status_code == 401
