"""Attacks on the sign-in that must fail, one test each, against the real oidc-provider.

(The Mastodon instance attacks are in test_mastodon.py, next to the Mastodon double.)
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from itsdangerous import URLSafeTimedSerializer
from starlette.testclient import TestClient

from porch.app import create_app
from porch.auth.codes import ALPHABET, new_code
from tests.auth.conftest import (
    PUBLIC_URL,
    Callback,
    OIDCServer,
    bearer,
    finish,
    oidc_providers,
    open_popup,
    redeem,
    sign_in,
    start_login,
    through_provider,
)
from tests.conftest import TEST_ORIGIN, make_settings


def _pending(porch: TestClient, login: object) -> None:
    """The login yields no session, with or without a code (none exists yet)."""
    for code in (None, new_code()):
        response = redeem(porch, login, code)  # type: ignore[arg-type]
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "login_pending"


def _mistyped(code: str) -> str:
    """The code with one symbol changed, as a reader's typo would."""
    return code[:3] + ALPHABET[(ALPHABET.index(code[3]) + 1) % len(ALPHABET)] + code[4:]


def _wrong(code: str) -> str:
    """Another well-formed code: a guess."""
    while (guess := new_code()) == code:
        pass
    return guess


# ---- state, code, nonce, id_token ---------------------------------------------------------------------------


def test_wrong_state_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    callback = through_provider(browser, open_popup(auth_client, login))
    params = callback.params
    result = finish(auth_client, f"/auth/company/callback?code={params['code']}&state=not-the-state")
    assert result.status == 400
    assert result.data["ok"] is False and result.data["message"] is None
    _pending(auth_client, login)


def test_replayed_state_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    callback = through_provider(browser, open_popup(auth_client, login))
    first = finish(auth_client, callback)
    assert first.status == 200
    replay = finish(auth_client, callback)
    assert replay.status == 400
    assert replay.data["message"] == {"type": "porch:sign-in-failed", "login": login.login, "error": "state_used"}
    assert "code" not in replay.data["message"]


def test_reused_authorization_code_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    first = start_login(auth_client)
    first_callback = through_provider(browser, open_popup(auth_client, first))
    assert finish(auth_client, first_callback).status == 200
    # A second login of the same browser, answered with the first login's (already used) code.
    second = start_login(auth_client)
    second_callback = through_provider(browser, open_popup(auth_client, second))
    forged = f"/auth/company/callback?code={first_callback.params['code']}&state={second_callback.params['state']}"
    result = finish(auth_client, forged)
    assert result.status == 400
    assert result.data["message"]["error"] == "code_rejected"
    _pending(auth_client, second)


@pytest.mark.parametrize(
    ("mode", "what"),
    [("nonce", "wrong nonce"), ("other-key", "signed by another key"), ("audience", "for another audience")],
)
def test_forged_id_token_is_refused(
    auth_client: TestClient, browser: httpx2.Client, oidc: OIDCServer, mode: str, what: str
) -> None:
    login = start_login(auth_client)
    callback = through_provider(browser, open_popup(auth_client, login))
    oidc.tamper(mode)
    result = finish(auth_client, callback)
    assert result.status == 400, what
    assert result.data["message"]["error"] == "id_token_invalid", what
    _pending(auth_client, login)


def test_untampered_token_after_a_forged_one_works(
    auth_client: TestClient, browser: httpx2.Client, oidc: OIDCServer
) -> None:
    """The forging switch really is what made the tests above fail."""
    oidc.tamper(None)
    sign_in(auth_client, browser)


# ---- the login id and its secret -------------------------------------------------------------------------


def test_login_redeemed_twice_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    assert redeem(auth_client, login, result.code).status_code == 200
    again = redeem(auth_client, login, result.code)
    assert again.status_code == 410
    assert again.json()["error"]["code"] == "login_redeemed"


def test_login_without_its_secret_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    missing = auth_client.post("/api/v1/auth/redeem", json={"login": login.login, "code": result.code})
    assert missing.status_code == 422
    wrong = auth_client.post(
        "/api/v1/auth/redeem", json={"login": login.login, "secret": "guessed", "code": result.code}
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "invalid_login_secret"
    not_a_code = redeem(auth_client, login, "guessed-code")
    assert not_a_code.status_code == 422
    # The rightful owner can still finish.
    assert redeem(auth_client, login, result.code).status_code == 200


def test_secret_code_and_token_never_in_a_url(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    authorize = open_popup(auth_client, login)
    callback = through_provider(browser, authorize)
    result = finish(auth_client, callback)
    token = redeem(auth_client, login, result.code).json()["token"]
    for url in (login.url, authorize, callback.url):
        for secret in (login.secret, result.code, token):
            assert secret not in url
    assert parse_qs(urlsplit(login.url).query) == {"login": [login.login]}


# ---- session tokens --------------------------------------------------------------------------------------


def _token_refused_everywhere(porch: TestClient, token: str, site: str = "blog") -> None:
    """401, never 400 and never a guest, on every endpoint that takes a token."""
    me = porch.get("/api/v1/me", params={"site": site}, headers=bearer(token))
    assert me.status_code == 401, me.text
    assert me.json()["error"]["code"] == "invalid_token"
    posted = porch.post(
        "/api/v1/comments",
        json={"site": site, "thread": "/t", "text": "hi", "author": {"name": "Posing as guest"}},
        headers={**bearer(token), "Origin": TEST_ORIGIN if site == "blog" else "https://other.example.org"},
    )
    assert posted.status_code == 401, posted.text
    assert porch.get("/api/v1/comments", params={"site": site, "thread": "/t"}).json()["comments"] == []
    out = porch.post("/api/v1/auth/logout", json={"site": site}, headers=bearer(token))
    assert out.status_code == 401


def test_forged_token_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    token, _ = sign_in(auth_client, browser)
    _token_refused_everywhere(auth_client, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    forged = URLSafeTimedSerializer("another-secret-key-xxxxxxxxxxxxxx", salt="porch.session").dumps(["blog", "k"])
    _token_refused_everywhere(auth_client, forged)
    _token_refused_everywhere(auth_client, "not-a-token")


def test_revoked_token_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    token, _ = sign_in(auth_client, browser)
    other, _ = sign_in(auth_client, browser)
    assert auth_client.post("/api/v1/auth/logout", json={"site": "blog"}, headers=bearer(token)).status_code == 204
    _token_refused_everywhere(auth_client, token)
    # Logging out ends that session only.
    assert auth_client.get("/api/v1/me", params={"site": "blog"}, headers=bearer(other)).status_code == 200


def test_other_site_token_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    token, _ = sign_in(auth_client, browser)
    _token_refused_everywhere(auth_client, token, site="other")
    assert auth_client.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token)).status_code == 200


def test_missing_token_is_401(auth_client: TestClient) -> None:
    assert auth_client.get("/api/v1/me", params={"site": "blog"}).status_code == 401
    assert auth_client.post("/api/v1/auth/logout", json={"site": "blog"}).status_code == 401
    response = auth_client.get("/api/v1/me", params={"site": "blog"}, headers={"Authorization": "Basic eDp5"})
    assert response.status_code == 401


def test_expired_token_is_refused(tmp_path: Path, database_url: str, oidc: OIDCServer, browser: httpx2.Client) -> None:
    settings = make_settings(tmp_path, database_url, providers=oidc_providers(oidc.issuer), session_lifetime=1)
    with TestClient(create_app(settings)) as porch:
        token, _ = sign_in(porch, browser)
        assert porch.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token)).status_code == 200
        time.sleep(2.1)
        _token_refused_everywhere(porch, token)


# ---- login fixation --------------------------------------------------------------------------------------


def test_callback_for_a_login_started_by_someone_else(auth_client: TestClient, oidc: OIDCServer) -> None:
    """The attacker starts a login and lures the victim to the provider with it: the callback is refused in
    the victim's browser, and the attacker cannot redeem anything."""
    attack = start_login(auth_client)
    authorize = open_popup(auth_client, attack)  # the attacker's browser now holds the login's cookie
    auth_client.cookies.clear()  # from here on, the victim's browser
    oidc.set_account("bob")
    with httpx2.Client() as victim_at_provider:
        callback = through_provider(victim_at_provider, authorize)
    result = finish(auth_client, callback)
    assert result.status == 403
    assert result.data["message"]["error"] == "other_browser"
    _pending(auth_client, attack)


def test_start_url_sent_to_a_victim_gives_the_sender_nothing(auth_client: TestClient, browser: httpx2.Client) -> None:
    """The attacker starts a login (so holds its secret) and sends its popup URL to a victim, who signs in there.
    The popup has no opener, so its result page is all the victim sees, and they press what it offers (it used
    to be a Continue button, which let the login be redeemed without the code). The attacker gets nothing."""
    attack = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, attack)))  # the victim's browser
    assert result.status == 200
    pressed = auth_client.post(
        "/auth/confirm", json={"login": attack.login, "code": result.code}, headers={"Origin": PUBLIC_URL}
    )
    stolen = redeem(auth_client, attack)
    assert stolen.status_code == 422, stolen.text
    assert stolen.json()["error"]["code"] == "code_required"
    assert pressed.status_code == 404  # there is nothing to press any more
    assert "confirm" not in result.data and '<button id="continue"' not in result.html


def test_reader_without_opener_types_the_shown_code(auth_client: TestClient, browser: httpx2.Client) -> None:
    """The control: the legitimate path where the provider cut the popup's opener. The page shows the code, with
    the site and its origin, and a warning; typed into the widget as the reader reads it, the code signs in."""
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    shown = re.search(r'<p class="code" id="the-code">([^<]*)</p>', result.html)
    assert shown and shown.group(1) == f"{result.code[:5]}-{result.code[5:]}"
    assert "Blog" in result.html and TEST_ORIGIN in result.html and "can comment as you" in result.html
    response = redeem(auth_client, login, " " + shown.group(1).lower() + " ")
    assert response.status_code == 200, response.text
    assert response.json()["user"]["name"] == "Alice Example"


def test_a_wrong_code_ends_the_login(auth_client: TestClient, browser: httpx2.Client) -> None:
    """Whoever holds the secret gets one try at the code: a wrong one uses the login up."""
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    guess = redeem(auth_client, login, _wrong(result.code))
    assert guess.status_code == 403
    assert guess.json()["error"]["code"] == "invalid_code"
    after = redeem(auth_client, login, result.code)
    assert after.status_code == 410, after.text
    assert after.json()["error"]["code"] == "login_redeemed"


def test_guesses_sent_at_once_get_one_try(auth_client: TestClient, browser: httpx2.Client) -> None:
    """Many guesses in flight together: one is compared and ends the login; the others find it used up."""
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    guesses = [_wrong(result.code) for _ in range(16)]
    with ThreadPoolExecutor(len(guesses)) as pool:
        answers = list(pool.map(lambda code: redeem(auth_client, login, code), guesses))
    codes = sorted(answer.json()["error"]["code"] for answer in answers)
    assert codes == ["invalid_code"] + ["login_redeemed"] * (len(guesses) - 1)
    assert redeem(auth_client, login, result.code).status_code == 410


def test_a_mistyped_code_costs_nothing(auth_client: TestClient, browser: httpx2.Client) -> None:
    """A typo is caught by the code's check symbol before it is compared: the reader may type again."""
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    for typo in (_mistyped(result.code), result.code[:-1], result.code + "7", result.code[:4] + "U" + result.code[5:]):
        response = redeem(auth_client, login, typo)
        assert response.status_code == 422, typo
        assert response.json()["error"]["code"] == "code_malformed"
    assert redeem(auth_client, login, result.code).status_code == 200


def test_start_url_works_once(auth_client: TestClient) -> None:
    login = start_login(auth_client)
    open_popup(auth_client, login)
    again = auth_client.get(urlsplit(login.url).path + "?" + urlsplit(login.url).query, follow_redirects=False)
    assert again.status_code == 400
    assert "location" not in again.headers


def test_redeem_from_another_page_is_refused(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    result = finish(auth_client, through_provider(browser, open_popup(auth_client, login)))
    other = redeem(auth_client, login, result.code, origin="https://other.example.org")
    assert other.status_code == 403


# ---- open redirects --------------------------------------------------------------------------------------


def test_no_open_redirect_through_start(auth_client: TestClient, oidc: OIDCServer) -> None:
    login = start_login(auth_client)
    evil = "https://evil.example/steal"
    extra = "&".join(f"{name}={evil}" for name in ("redirect_uri", "next", "return_to", "url", "origin", "issuer"))
    response = auth_client.get(f"/auth/company/start?login={login.login}&{extra}", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == oidc.issuer
    query = parse_qs(location.query)
    assert query["redirect_uri"] == [f"{PUBLIC_URL}/auth/company/callback"]
    assert "evil.example" not in response.headers["location"]


def test_no_open_redirect_through_the_provider_path(auth_client: TestClient) -> None:
    login = start_login(auth_client)
    response = auth_client.get(f"/auth/other/start?login={login.login}", follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    unknown = auth_client.get("/auth/company/start?login=https://evil.example/", follow_redirects=False)
    assert unknown.status_code == 400 and "location" not in unknown.headers


def test_no_open_redirect_through_the_callback(auth_client: TestClient, browser: httpx2.Client) -> None:
    login = start_login(auth_client)
    callback = through_provider(browser, open_popup(auth_client, login))
    evil = "https://evil.example/"
    tampered = Callback(f"{callback.url}&redirect_uri={evil}&next={evil}&origin={evil}&return_to={evil}")
    response = auth_client.get(tampered.path, follow_redirects=False)
    assert response.status_code == 200
    assert "location" not in response.headers
    result = finish(auth_client, "/auth/company/callback?error=access_denied&state=x&redirect_uri=" + evil)
    assert result.status == 400 and "evil.example" not in result.html


def test_no_open_redirect_through_the_login_request(auth_client: TestClient) -> None:
    extra = auth_client.post(
        "/api/v1/auth/login",
        json={"site": "blog", "provider": "company", "redirect_uri": "https://evil.example/"},
        headers={"Origin": TEST_ORIGIN},
    )
    assert extra.status_code == 422
    foreign = auth_client.post(
        "/api/v1/auth/login", json={"site": "blog", "provider": "company"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    no_origin = auth_client.post("/api/v1/auth/login", json={"site": "blog", "provider": "company"})
    assert no_origin.status_code == 400
