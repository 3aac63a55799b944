"""Who is a moderator, and the console's sessions: one-time admin links (also through the real `porch admin
link` command), console sign-in through a real OpenID Connect provider (node oidc-provider on loopback), the
session cookie and its Origin rule, expiry and revocation, and widget sessions that moderate their own site
only. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from porch.app import create_app
from porch.core import Porch
from porch.errors import ApiError
from porch.moderation.access import ADMIN_LINK, Moderator, of_actor
from porch.moderation.console import LINK_LIFETIME, SESSION_LIFETIME
from porch.routes._moderator import moderator
from porch.settings import Settings, load_settings
from tests.auth import conftest as widget
from tests.auth.conftest import OIDCServer, oidc_providers, start_oidc_provider, stop, through_provider
from tests.conftest import TEST_ORIGIN, make_settings, site_table
from tests.processes import SERVER_SOURCE, write_config

PUBLIC = "http://testserver"
OTHER_ORIGIN = "https://other.example.org"
MODERATOR = "company:mod"  # moderates blog only
ADMIN = "company:root"  # moderates every site


@pytest.fixture(scope="module")
def provider() -> Iterator[OIDCServer]:
    server = start_oidc_provider([f"{PUBLIC}/auth/company/callback"])
    yield server
    stop(server.process)


def sites() -> dict[str, Any]:
    table = site_table()
    table["blog"]["moderators"] = [MODERATOR]
    return table


def console_settings(tmp_path: Path, database_url: str, issuer: str | None = None, **overrides: Any) -> Settings:
    return make_settings(
        tmp_path,
        database_url,
        admins=[ADMIN],
        sites=sites(),
        providers=oidc_providers(issuer) if issuer else {},
        **overrides,
    )


async def _moderate(request: Request) -> Response:
    """What `moderator()` lets through, as the lead's admin routes use it."""
    who = await moderator(request)
    return JSONResponse(
        {
            "actor": who.actor,
            "sites": None if who.sites is None else sorted(who.sites),
            "blog": who.may_moderate("blog"),
            "other": who.may_moderate("other"),
        }
    )


def with_probe(settings: Settings, **options: Any) -> TestClient:
    app = create_app(settings)
    app.router.routes.insert(0, Route("/test/moderate", _moderate, methods=["GET", "POST"]))
    return TestClient(app, **options)


@pytest.fixture
def client(tmp_path: Path, database_url: str, provider: OIDCServer) -> Iterator[TestClient]:
    with with_probe(console_settings(tmp_path, database_url, provider.issuer)) as test_client:
        yield test_client


@pytest.fixture
def browser() -> Iterator[httpx2.Client]:
    """The provider's view of the browser: its own cookies, fresh for every test."""
    with httpx2.Client(timeout=10.0) as http:
        yield http


def porch_of(client: TestClient) -> Porch:
    return client.app.state.porch  # type: ignore[attr-defined,no-any-return]


def new_link(client: TestClient, now: float | None = None) -> str:
    return str(client.portal.call(functools.partial(porch_of(client).console.new_link, now=now)))  # type: ignore[union-attr]


def open_session(client: TestClient, actor: str, now: float | None = None) -> str:
    console = porch_of(client).console
    return str(client.portal.call(functools.partial(console.open_session, actor, now=now)))  # type: ignore[union-attr]


def fragment(link: str) -> str:
    """What the console page reads from its URL and posts: the value after #login=."""
    return urlsplit(link).fragment.removeprefix("login=")


def redeem(client: TestClient, link: str, origin: str | None = PUBLIC) -> httpx2.Response:
    headers = {"Origin": origin} if origin else {}
    return client.post("/api/v1/admin/session", json={"link": link}, headers=headers)


def error(response: httpx2.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def me(client: TestClient, **headers: str) -> httpx2.Response:
    return client.get("/api/v1/admin/me", headers=headers)


def cookie_attributes(response: httpx2.Response) -> tuple[str, str, dict[str, str]]:
    """(name, value, attributes with lower-case names) of the one Set-Cookie header."""
    (header,) = response.headers.get_list("set-cookie")
    first, *rest = [part.strip() for part in header.split(";")]
    name, _, value = first.partition("=")
    attributes = {}
    for part in rest:
        key, _, attribute = part.partition("=")
        attributes[key.lower()] = attribute
    return name, value, attributes


# ---- who is a moderator (settings alone) ------------------------------------------------------------------


def test_who_moderates_what(tmp_path: Path) -> None:
    settings = console_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}")
    assert of_actor(settings, MODERATOR) == Moderator(MODERATOR, frozenset({"blog"}))
    assert of_actor(settings, ADMIN) == Moderator(ADMIN, None)
    assert of_actor(settings, ADMIN_LINK) == Moderator(ADMIN_LINK, None)
    reader = of_actor(settings, "company:alice")
    assert reader.sites == frozenset() and not reader.moderates_anything and not reader.may_moderate("blog")
    # Same subject, other provider: another person.
    assert not of_actor(settings, "other:mod").moderates_anything
    assert of_actor(settings, MODERATOR).may_moderate("blog") and not of_actor(settings, MODERATOR).may_moderate(
        "other"
    )


# ---- admin links -------------------------------------------------------------------------------------------


def test_an_admin_link_signs_in_once(client: TestClient) -> None:
    link = new_link(client)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{PUBLIC}/admin/"
    assert parts.query == "" and parts.fragment.startswith("login=")  # the secret never travels to a server in a URL

    assert error(me(client)) == (401, "admin_sign_in_required")
    opened = redeem(client, fragment(link))
    assert opened.status_code == 204, opened.text
    assert me(client).json() == {"actor": "admin-link", "sites": "*", "moderator": True}
    assert client.get("/test/moderate").json() == {"actor": "admin-link", "sites": None, "blog": True, "other": True}

    # Used up: neither this browser nor another one can open a second session with it.
    client.cookies.clear()
    assert error(redeem(client, fragment(link))) == (401, "admin_link_invalid")
    assert error(me(client)) == (401, "admin_sign_in_required")
    # A link with the right id and another secret, or garbage, gets the same answer.
    other = new_link(client)
    link_id = fragment(other).split(".")[0]
    assert error(redeem(client, f"{link_id}.wrong-secret")) == (401, "admin_link_invalid")
    assert error(redeem(client, "no-dot-here")) == (401, "admin_link_invalid")
    # The whole link will do as well as its fragment (and the wrong secret above did not use it up).
    assert redeem(client, other).status_code == 204


def test_an_admin_link_lasts_ten_minutes(client: TestClient) -> None:
    now = time.time()
    console = porch_of(client).console
    in_time = new_link(client, now=now)
    key = client.portal.call(functools.partial(console.redeem_link, fragment(in_time), now=now + LINK_LIFETIME - 1))  # type: ignore[union-attr]
    assert isinstance(key, str) and key

    late = new_link(client, now=now)
    with pytest.raises(ApiError) as refused:
        client.portal.call(functools.partial(console.redeem_link, fragment(late), now=now + LINK_LIFETIME))  # type: ignore[union-attr]
    assert (refused.value.status, refused.value.code) == (401, "admin_link_invalid")

    # Over HTTP, on the real clock: a link printed eleven minutes ago.
    stale = new_link(client, now=now - LINK_LIFETIME - 60)
    assert error(redeem(client, fragment(stale))) == (401, "admin_link_invalid")
    assert error(me(client)) == (401, "admin_sign_in_required")


def test_porch_admin_link_command(tmp_path: Path, database_url: str) -> None:
    """The real command prints the link as its last line; a running app on the same database redeems it."""
    config = write_config(
        tmp_path / "porch.toml",
        public_url=PUBLIC,
        database=database_url,
        secret_key="test-secret-key-" + "x" * 16,
        sites={"blog": {"origins": [TEST_ORIGIN], "moderators": [MODERATOR]}},
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PORCH_")}
    environment["PYTHONPATH"] = str(SERVER_SOURCE)
    command = [sys.executable, "-m", "porch", "admin", "link", "--config", str(config), "--data-dir", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith(f"{PUBLIC}/admin/#login=")

    settings = load_settings(config, environ={}, data_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        assert redeem(client, fragment(link)).status_code == 204
        assert me(client).json() == {"actor": "admin-link", "sites": "*", "moderator": True}
        client.cookies.clear()
        assert error(redeem(client, fragment(link))) == (401, "admin_link_invalid")

    # A second link from the command is a different one, and works on its own.
    again = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=False)
    second = again.stdout.strip().splitlines()[-1]
    assert second != link
    with TestClient(create_app(settings)) as client:
        assert redeem(client, fragment(second)).status_code == 204


# ---- the cookie and its Origin rule ------------------------------------------------------------------------


@pytest.mark.parametrize("public_url", ["http://testserver", "https://testserver"])
def test_the_session_cookie(tmp_path: Path, database_url: str, public_url: str) -> None:
    settings = console_settings(tmp_path, database_url, public_url=public_url)
    with with_probe(settings, base_url=public_url) as client:
        opened = redeem(client, fragment(new_link(client)), origin=public_url)
        assert opened.status_code == 204, opened.text
        name, key, attributes = cookie_attributes(opened)
        https = public_url.startswith("https://")
        assert name == ("__Host-porch_admin" if https else "porch_admin")
        assert "httponly" in attributes
        assert attributes["samesite"].lower() == "strict"
        assert attributes["path"] == "/"
        assert attributes["max-age"] == str(SESSION_LIFETIME) == "43200"
        assert ("secure" in attributes) is https
        assert "domain" not in attributes  # host-only, as __Host- demands
        assert me(client).json()["actor"] == "admin-link"

        async def stored() -> list[tuple[str, str]]:
            async with porch_of(client).storage.reading() as conn:
                rows = await conn.fetch_all("SELECT key_hash, actor FROM admin_sessions")
            return [(row["key_hash"], row["actor"]) for row in rows]

        # Only a digest of the key is kept: the database alone opens no session.
        assert client.portal.call(stored) == [(hashlib.sha256(key.encode()).hexdigest(), "admin-link")]  # type: ignore[union-attr]


def test_origin_rule_for_cookie_sessions(client: TestClient) -> None:
    # Opening a session: only from the console's own origin, and an Origin must be sent.
    link = fragment(new_link(client))
    assert error(redeem(client, link, origin="https://evil.example")) == (403, "origin_not_allowed")
    assert error(redeem(client, link, origin=None)) == (403, "origin_not_allowed")
    assert error(redeem(client, link, origin=TEST_ORIGIN)) == (403, "origin_not_allowed")  # a site's, not the console's
    assert redeem(client, link).status_code == 204  # refused attempts did not use the link up

    # Unsafe requests with the cookie: Origin required, and it must be the console's.
    for origin in ("https://evil.example", "http://evil.testserver", "null", TEST_ORIGIN):
        assert error(client.post("/test/moderate", headers={"Origin": origin})) == (403, "origin_not_allowed")
        assert error(client.post("/api/v1/admin/logout", headers={"Origin": origin})) == (403, "origin_not_allowed")
    assert error(client.post("/test/moderate")) == (403, "origin_not_allowed")
    assert error(client.post("/api/v1/admin/logout")) == (403, "origin_not_allowed")
    # Safe requests need none (same-origin GETs carry none), but a foreign one is refused too.
    assert client.get("/test/moderate").status_code == 200
    assert error(client.get("/test/moderate", headers={"Origin": "https://evil.example"})) == (
        403,
        "origin_not_allowed",
    )
    assert error(me(client, Origin="https://evil.example")) == (403, "origin_not_allowed")
    # The control: the console's own origin passes, and the session survived every refusal above.
    assert client.post("/test/moderate", headers={"Origin": PUBLIC}).json()["actor"] == "admin-link"
    assert client.post("/test/moderate", headers={"Origin": PUBLIC + "/"}).status_code == 200


def test_sessions_expire_after_twelve_hours(client: TestClient) -> None:
    now = time.time()
    fresh = open_session(client, ADMIN, now=now - SESSION_LIFETIME + 60)
    stale = open_session(client, ADMIN, now=now - SESSION_LIFETIME - 1)
    client.cookies.set("porch_admin", fresh)
    assert me(client).json() == {"actor": ADMIN, "sites": "*", "moderator": True}
    client.cookies.set("porch_admin", stale)
    assert error(me(client)) == (401, "admin_sign_in_required")
    assert error(client.get("/test/moderate")) == (401, "admin_sign_in_required")
    client.cookies.set("porch_admin", "made-up-key")
    assert error(me(client)) == (401, "admin_sign_in_required")


def test_logout_revokes_the_session(client: TestClient) -> None:
    assert redeem(client, fragment(new_link(client))).status_code == 204
    key = client.cookies["porch_admin"]
    out = client.post("/api/v1/admin/logout", headers={"Origin": PUBLIC})
    assert out.status_code == 204
    name, value, attributes = cookie_attributes(out)
    assert (name, value, attributes["max-age"]) == ("porch_admin", '""', "0")
    assert "porch_admin" not in client.cookies
    assert error(me(client)) == (401, "admin_sign_in_required")
    # Revoked on the server, not only forgotten by this browser: a copy of the cookie is worth nothing.
    client.cookies.set("porch_admin", key)
    assert error(me(client)) == (401, "admin_sign_in_required")
    assert error(client.post("/test/moderate", headers={"Origin": PUBLIC})) == (401, "admin_sign_in_required")


def test_a_new_session_ends_the_one_it_replaces(client: TestClient) -> None:
    assert redeem(client, fragment(new_link(client))).status_code == 204
    first = client.cookies["porch_admin"]
    assert redeem(client, fragment(new_link(client))).status_code == 204
    assert client.cookies["porch_admin"] != first
    assert me(client).status_code == 200
    client.cookies.clear()
    client.cookies.set("porch_admin", first)
    assert error(me(client)) == (401, "admin_sign_in_required")


# ---- console sign-in through a provider --------------------------------------------------------------------


def console_sign_in(client: TestClient, browser: httpx2.Client) -> httpx2.Response:
    """GET /admin/sign-in/company, through the provider, back to the callback: its (unfollowed) answer."""
    start = client.get("/admin/sign-in/company", follow_redirects=False)
    assert start.status_code == 303, start.text
    callback = through_provider(browser, start.headers["location"], PUBLIC)
    return client.get(callback.path, follow_redirects=False)


def test_provider_sign_in_opens_a_console_session(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("mod")
    done = console_sign_in(client, browser)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{PUBLIC}/admin/"
    assert done.headers["cache-control"] == "no-store"
    assert "porch_admin" in client.cookies
    assert not [name for name in client.cookies if name.startswith("porch_login_")]  # the binding cookie is gone
    assert me(client).json() == {"actor": "company:mod", "sites": ["blog"], "moderator": True}
    assert client.get("/test/moderate").json() == {"actor": MODERATOR, "sites": ["blog"], "blog": True, "other": False}

    # An administrator gets every site.
    provider.set_account("root")
    with httpx2.Client(timeout=10.0) as other_browser:
        assert console_sign_in(client, other_browser).status_code == 303
    assert me(client).json() == {"actor": ADMIN, "sites": "*", "moderator": True}


def test_a_non_moderator_sees_who_they_are_and_nothing_more(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("alice")
    assert console_sign_in(client, browser).status_code == 303
    assert me(client).json() == {"actor": "company:alice", "sites": [], "moderator": False}
    assert error(client.get("/test/moderate")) == (403, "not_a_moderator")
    assert error(client.post("/test/moderate", headers={"Origin": PUBLIC})) == (403, "not_a_moderator")


def test_the_console_sign_in_is_bound_to_the_browser_that_started_it(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("root")
    start = client.get("/admin/sign-in/company", follow_redirects=False)
    (binding,) = [name for name in client.cookies if name.startswith("porch_login_")]
    callback = through_provider(browser, start.headers["location"], PUBLIC)
    # Someone else's browser (without the binding cookie) arriving with the provider's answer gets nothing.
    kept = client.cookies[binding]
    client.cookies.clear()
    refused = client.get(callback.path, follow_redirects=False)
    assert refused.status_code == 403
    assert not refused.headers.get_list("set-cookie") and "porch_admin" not in client.cookies
    # The control: the browser that started it finishes it.
    client.cookies.set(binding, kept, path="/auth/company/")
    done = client.get(callback.path, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert me(client).json()["actor"] == ADMIN
    # And the answer is used up.
    client.cookies.set(binding, kept, path="/auth/company/")
    assert client.get(callback.path, follow_redirects=False).status_code == 400


def test_a_console_login_is_never_a_widget_login(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("mod")
    start = client.get("/admin/sign-in/company", follow_redirects=False)
    (binding,) = [name for name in client.cookies if name.startswith("porch_login_")]
    login_id = binding.removeprefix("porch_login_")
    callback = through_provider(browser, start.headers["location"], PUBLIC)
    assert client.get(callback.path, follow_redirects=False).status_code == 303

    async def row() -> tuple[str, str, bool]:
        async with porch_of(client).storage.reading() as conn:
            found = await conn.fetch_one("SELECT site, origin, redeemed FROM logins WHERE id = :id", {"id": login_id})
        assert found is not None
        return found["site"], found["origin"], bool(found["redeemed"])

    # A login of the console kind, on the console's origin, used up by its callback: its secret was never
    # handed out, and nothing is left to redeem for a widget token.
    assert client.portal.call(row) == ("", PUBLIC, True)  # type: ignore[union-attr]


def test_unknown_provider(client: TestClient) -> None:
    assert error(client.get("/admin/sign-in/nope", follow_redirects=False)) == (404, "provider_not_found")
    assert client.get("/api/v1/admin/providers").json() == {
        "providers": [{"id": "company", "type": "oidc", "name": "Company login", "input": None}]
    }


# ---- widget sessions ---------------------------------------------------------------------------------------


def sign_in(client: TestClient, browser: httpx2.Client, site: str = "blog", origin: str = TEST_ORIGIN) -> str:
    """A widget session through the reader's popup handshake; returns its token."""
    login = widget.start_login(client, site=site, origin=origin)
    result = widget.finish(client, through_provider(browser, widget.open_popup(client, login), PUBLIC))
    redeemed = widget.redeem(client, login, result.code, origin=origin)
    assert redeemed.status_code == 200, redeemed.text
    return str(redeemed.json()["token"])


def bearer(token: str, origin: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **({"Origin": origin} if origin else {})}


def test_a_readers_widget_session_moderates_nothing(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("alice")
    token = sign_in(client, browser)
    assert error(client.get("/test/moderate", headers=bearer(token))) == (403, "not_a_moderator")
    assert error(client.post("/test/moderate", headers=bearer(token, TEST_ORIGIN))) == (403, "not_a_moderator")
    assert me(client, **bearer(token)).json() == {"actor": "company:alice", "sites": [], "moderator": False}
    # Not a token at all, or a forged one: not signed in.
    assert error(client.get("/test/moderate", headers=bearer(token[:-2] + "xx"))) == (401, "admin_sign_in_required")
    assert error(client.get("/test/moderate", headers={"Authorization": "Basic abc"})) == (
        401,
        "admin_sign_in_required",
    )


def test_a_moderators_widget_session_moderates_its_own_site_only(
    client: TestClient, browser: httpx2.Client, provider: OIDCServer
) -> None:
    provider.set_account("mod")
    blog_token = sign_in(client, browser)
    moderates = client.get("/test/moderate", headers=bearer(blog_token, TEST_ORIGIN))
    assert moderates.json() == {"actor": MODERATOR, "sites": ["blog"], "blog": True, "other": False}
    assert client.post("/test/moderate", headers=bearer(blog_token)).status_code == 200  # a script sends no Origin
    # From a page that is not one of the site's: refused.
    assert error(client.post("/test/moderate", headers=bearer(blog_token, OTHER_ORIGIN))) == (403, "origin_not_allowed")
    assert error(client.post("/test/moderate", headers=bearer(blog_token, PUBLIC))) == (403, "origin_not_allowed")

    # The same person signed in on the other site's widget moderates nothing there.
    other_token = sign_in(client, browser, site="other", origin=OTHER_ORIGIN)
    assert error(client.get("/test/moderate", headers=bearer(other_token, OTHER_ORIGIN))) == (403, "not_a_moderator")

    # An administrator's widget session still speaks for its own site only.
    provider.set_account("root")
    with httpx2.Client(timeout=10.0) as other_browser:
        root_token = sign_in(client, other_browser, site="other", origin=OTHER_ORIGIN)
    root = client.get("/test/moderate", headers=bearer(root_token, OTHER_ORIGIN)).json()
    assert root == {"actor": ADMIN, "sites": ["other"], "blog": False, "other": True}

    # A widget session logged out moderates nothing any more.
    out = client.post("/api/v1/auth/logout", json={"site": "blog"}, headers=bearer(blog_token, TEST_ORIGIN))
    assert out.status_code == 204
    assert error(client.get("/test/moderate", headers=bearer(blog_token))) == (401, "admin_sign_in_required")


# ---- check-config ------------------------------------------------------------------------------------------


def test_check_config_lists_admins_and_moderators(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "porch.toml",
        admins=["github:583231"],
        sites={
            "blog": {"origins": [TEST_ORIGIN], "moderators": ["company:alice", "indieauth:https://alice.example/"]},
            "other": {"origins": [OTHER_ORIGIN]},
        },
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PORCH_")}
    environment["PYTHONPATH"] = str(SERVER_SOURCE)
    result = subprocess.run(
        [sys.executable, "-m", "porch", "check-config", "--config", str(config), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "admins      github:583231" in lines
    blog, other = lines.index("site blog: 'blog'"), lines.index("site other: 'other'")
    assert "  moderators   company:alice, indieauth:https://alice.example/" in lines[blog:other]
    assert "  moderators   (none besides the admins)" in lines[other:]
