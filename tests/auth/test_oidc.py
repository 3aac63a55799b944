"""Sign-in through a real OpenID Connect provider (node oidc-provider on loopback), over HTTP only."""

from __future__ import annotations

import httpx2
from starlette.testclient import TestClient

from tests.auth.conftest import (
    OIDCServer,
    bearer,
    finish,
    open_popup,
    redeem,
    sign_in,
    start_login,
    through_provider,
)
from tests.conftest import TEST_ORIGIN


def test_sign_in_comment_and_log_out(auth_client: TestClient, browser: httpx2.Client) -> None:
    token, user = sign_in(auth_client, browser)
    assert user == {
        "name": "Alice Example",
        "provider": "company",
        "url": "https://alice.example.org/",
        "avatar": user["avatar"],
    }
    assert user["avatar"].startswith("http://testserver/avatar/")

    me = auth_client.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token))
    assert me.status_code == 200
    assert me.json() == {"user": user}

    posted = auth_client.post(
        "/api/v1/comments",
        json={"site": "blog", "thread": "/signed-in", "text": "Hello as Alice"},
        headers={**bearer(token), "Origin": TEST_ORIGIN},
    )
    assert posted.status_code == 201, posted.text
    comment = posted.json()["comment"]
    assert comment["author"] == {
        "name": "Alice Example",
        "url": "https://alice.example.org/",
        "avatar": user["avatar"],
        "provider": "company",
    }
    # Signed-in authors edit and delete by session, without the edit token.
    edited = auth_client.patch(
        f"/api/v1/comments/{comment['id']}", json={"text": "Edited"}, headers={**bearer(token), "Origin": TEST_ORIGIN}
    )
    assert edited.status_code == 200, edited.text

    out = auth_client.post(
        "/api/v1/auth/logout", json={"site": "blog"}, headers={**bearer(token), "Origin": TEST_ORIGIN}
    )
    assert out.status_code == 204
    assert auth_client.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token)).status_code == 401


def test_site_lists_providers(auth_client: TestClient) -> None:
    info = auth_client.get("/api/v1/sites/blog").json()
    assert info["providers"] == [{"id": "company", "type": "oidc", "name": "Company login", "input": None}]


def test_same_account_same_identity_and_account_switch(
    auth_client: TestClient, browser: httpx2.Client, oidc: OIDCServer
) -> None:
    _, first = sign_in(auth_client, browser)
    _, again = sign_in(auth_client, browser)
    assert first == again
    oidc.set_account("bob")
    with httpx2.Client() as other_browser:
        _, bob = sign_in(auth_client, other_browser)
    assert bob["name"] == "Bob Example"
    assert bob["avatar"] != first["avatar"]


def test_the_popup_posts_to_the_exact_origin(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    assert result.data["origin"] == TEST_ORIGIN
    assert result.data["message"] == {"type": "porch:signed-in", "login": login.login, "code": result.code}
    csp = result.headers["content-security-policy"]
    assert "script-src 'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert result.headers["cache-control"] == "no-store"
    assert redeem(auth_client, login, result.code).status_code == 200


def test_only_the_author_changes_a_comment_by_session(
    auth_client: TestClient, browser: httpx2.Client, oidc: OIDCServer
) -> None:
    alice, _ = sign_in(auth_client, browser)
    oidc.set_account("bob")
    with httpx2.Client() as bobs_browser:
        bob, _ = sign_in(auth_client, bobs_browser)
    posted = auth_client.post(
        "/api/v1/comments",
        json={"site": "blog", "thread": "/mine", "text": "Alice's"},
        headers={**bearer(alice), "Origin": TEST_ORIGIN},
    ).json()["comment"]
    path = f"/api/v1/comments/{posted['id']}"
    headers = {"Origin": TEST_ORIGIN}
    refused = auth_client.patch(path, json={"text": "Bob was here"}, headers={**bearer(bob), **headers})
    assert refused.status_code == 403
    assert auth_client.delete(path, headers={**bearer(bob), **headers}).status_code == 403
    assert auth_client.delete(path, headers={**bearer(alice), **headers}).status_code == 204
