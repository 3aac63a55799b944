"""Sign-in in Chromium, end to end: a host page on http://localhost:PORT embeds the widget of a Porch server on
http://127.0.0.1:PORT (another site, so no cookie of the server can reach the widget), and the reader signs in
through the popup with a real OpenID Connect provider (node oidc-provider), comments as themselves, logs out
and changes identity. A second test lets the provider cut the popup's link to its opener (an isolation policy,
as some real providers send): the popup then shows a one-time code, which the reader types into the widget.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.auth.conftest import OIDCServer, start_oidc_provider, stop
from tests.e2e.harness import HostSite, embed_page
from tests.e2e.helpers import article_of, open_widget, run_axe, widget
from tests.processes import free_port, running_server, write_config

pytestmark = pytest.mark.e2e

SITE = "signin"


@dataclass
class SignInServer:
    base: str  # "http://127.0.0.1:PORT/"
    oidc: OIDCServer

    def get(self, path: str, token: str | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(self.base + path.lstrip("/"))
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[SignInServer]:
    tmp = tmp_path_factory.mktemp("signin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    oidc = start_oidc_provider([f"{base}/auth/company/callback"])
    try:
        config = write_config(
            tmp / "porch.toml",
            public_url=base,
            database=f"sqlite:///{tmp / 'porch.db'}",
            providers={
                "company": {
                    "type": "oidc",
                    "name": "Company login",
                    "issuer": oidc.issuer,
                    "client_id": "porch",
                    "client_secret": "porch-secret",
                },
                "fediverse": {"type": "mastodon"},
            },
            sites={SITE: {"title": "Sign-in test blog", "origins": [host.origin], "rate_limit": 0}},
        )
        with running_server(config, tmp, port):
            yield SignInServer(base + "/", oidc)
    finally:
        stop(oidc.process)


@pytest.fixture(autouse=True)
def _alice(signin_server: SignInServer) -> Iterator[None]:
    signin_server.oidc.set_account("alice")
    signin_server.oidc.isolate(False)
    yield
    signin_server.oidc.isolate(False)


def _session(page: Any, server: SignInServer) -> Any:
    key = f"porch:session:{server.base}|{SITE}"
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", key)


def _sign_in_through_popup(page: Any, button: str = "Sign in with Company login") -> Any:
    with page.expect_popup() as popup_info:
        widget(page).get_by_role("button", name=button).click()
    return popup_info.value


def test_sign_in_comment_log_out_and_change_identity(
    page: Any, context: Any, host: HostSite, signin_server: SignInServer
) -> None:
    thread = "/e2e/signin/main"
    url = host.page("/signin", embed_page(signin_server.base, thread, site=SITE))
    assert url.startswith("http://localhost:") and signin_server.base.startswith("http://127.0.0.1:")
    open_widget(page, url)
    w = widget(page)
    expect(w.get_by_label("Name")).to_be_visible()  # guest fields while signed out

    popup = _sign_in_through_popup(page)
    popup.wait_for_event("close", timeout=15000)
    expect(w.get_by_text("You are commenting as")).to_be_visible(timeout=10000)
    auth = w.locator("form .auth")
    expect(auth.get_by_role("link", name="Alice Example")).to_have_attribute("href", "https://alice.example.org/")
    expect(w.get_by_label("Name")).to_be_hidden()
    session = _session(page, signin_server)
    assert session["user"]["name"] == "Alice Example"
    token = session["token"]
    # The token lives in the host page's storage and nowhere else: no cookie of the server on the host page.
    assert page.evaluate("() => document.cookie") == ""

    # Comment as yourself.
    w.get_by_label("Comment", exact=True).fill("Signed in and *commenting*")
    w.get_by_role("button", name="Post Comment").click()
    article = article_of(page, "Signed in and commenting")
    expect(article.locator(".name")).to_have_text("Alice Example")
    expect(article.locator(".meta")).to_contain_text("via Company login")
    expect(article.locator("a.name")).to_have_attribute("href", "https://alice.example.org/")
    status, data = signin_server.get(f"api/v1/comments?site={SITE}&thread={thread}")
    assert status == 200
    assert data["comments"][-1]["author"]["provider"] == "company"

    # Log Out revokes the session on the server too.
    w.get_by_role("button", name="Log Out").click()
    expect(w.get_by_role("button", name="Sign in with Company login")).to_be_visible()
    expect(w.get_by_label("Name")).to_be_visible()
    assert _session(page, signin_server) is None
    assert signin_server.get(f"api/v1/me?site={SITE}", token)[0] == 401

    # Sign in again, then Change to another account at the provider.
    popup = _sign_in_through_popup(page)
    popup.wait_for_event("close", timeout=15000)
    expect(auth.get_by_role("link", name="Alice Example")).to_be_visible(timeout=10000)
    signin_server.oidc.set_account("bob")
    context.clear_cookies()  # forget the provider's own session, so it logs in the new account
    w.get_by_role("button", name="Change").click()
    expect(w.get_by_role("button", name="Sign in with Company login")).to_be_focused()
    popup = _sign_in_through_popup(page)
    popup.wait_for_event("close", timeout=15000)
    expect(auth.get_by_text("Bob Example")).to_be_visible(timeout=10000)
    w.get_by_label("Comment", exact=True).fill("Now as Bob")
    w.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "Now as Bob").locator(".name")).to_have_text("Bob Example")

    # After a reload the widget is still signed in (localStorage of the host page, keyed by server and site).
    sent: list[tuple[str, str, str | None]] = []
    page.on("request", lambda r: sent.append((r.method, r.url, r.headers.get("authorization"))))
    page.reload()
    expect(auth.get_by_text("Bob Example")).to_be_visible()
    w.get_by_label("Comment", exact=True).fill("After reload")
    w.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "After reload").locator(".name")).to_have_text("Bob Example")
    api_calls = [(m, url.split("?")[0].split("/api/v1/")[1], header) for m, url, header in sent if "/api/v1/" in url]
    assert any(method == "GET" and name == "me" and header for method, name, header in api_calls)
    assert any(method == "POST" and name == "comments" and header for method, name, header in api_calls)


def test_popup_without_opener_shows_the_code_to_type(
    page: Any, host: HostSite, signin_server: SignInServer, axe_source: str
) -> None:
    url = host.page("/signin-isolated", embed_page(signin_server.base, "/e2e/signin/isolated", site=SITE))
    open_widget(page, url)
    signin_server.oidc.isolate(True)
    popup = _sign_in_through_popup(page)
    # The provider's policy cut the popup off from the page: the popup shows the code, the site and its origin.
    shown = popup.locator("#the-code")
    expect(shown).to_be_visible(timeout=15000)
    expect(popup.locator("#code h1")).to_have_text("Your code for Sign-in test blog")
    expect(popup.locator(".origin")).to_have_text(host.origin)
    expect(popup.get_by_role("button", name="Continue")).to_have_count(0)
    code = shown.inner_text()
    assert len(code) == 11 and code[5] == "-"
    # The widget saw the popup go out of reach without a message, and asks for the code.
    w = widget(page)
    field = w.get_by_label("Enter the code shown in the sign-in window")
    expect(field).to_be_visible(timeout=10000)
    expect(w.get_by_text("You are commenting as")).to_be_hidden()
    assert run_axe(page, axe_source) == []
    # A typo is caught and costs nothing: the reader types it again.
    typo = code[:2] + ("A" if code[2] != "A" else "B") + code[3:]
    field.fill(typo)
    field.press("Enter")  # signs in here, not the comment form
    expect(w.get_by_role("alert")).to_have_text(
        "That is not the code from the sign-in window. Please check it and type it again."
    )
    expect(w.get_by_text("Please write a comment first.")).to_be_hidden()
    field.fill(code.lower().replace("-", " "))
    w.get_by_role("button", name="Sign in", exact=True).click()
    expect(w.locator("form .auth").get_by_role("link", name="Alice Example")).to_be_visible(timeout=15000)
    assert _session(page, signin_server)["user"]["name"] == "Alice Example"
    expect(w.get_by_text("That is not the code")).to_be_hidden()
    popup.close()


def test_sign_in_controls_are_accessible(
    page: Any, host: HostSite, signin_server: SignInServer, axe_source: str
) -> None:
    url = host.page("/signin-axe", embed_page(signin_server.base, "/e2e/signin/axe", site=SITE))
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    open_widget(page, url)
    w = widget(page)
    # One button per provider; an instance field, with a visible label, where the type needs one.
    expect(w.get_by_role("button", name="Sign in with Company login")).to_be_visible()
    # The sign-in UI came from the Porch server itself, as a separate file, once.
    assert [s.split("?")[0] for s in scripts] == [
        signin_server.base + "porch.js",
        signin_server.base + "static/auth.js",
    ]
    instance = w.get_by_label("Your instance (e.g. mastodon.social)")
    expect(instance).to_be_visible()
    expect(w.get_by_role("button", name="Sign in with Mastodon")).to_be_visible()
    assert run_axe(page, axe_source) == []
    # Enter in the instance field starts a sign-in, not the comment form; a refused instance says why.
    instance.fill("127.0.0.1")
    instance.press("Enter")
    expect(w.get_by_role("alert").filter(has_text="not a public address")).to_be_visible()
    expect(w.get_by_text("Please write a comment first.")).to_be_hidden()
    popup = _sign_in_through_popup(page)
    popup.wait_for_event("close", timeout=15000)
    expect(w.get_by_text("You are commenting as")).to_be_visible(timeout=10000)
    assert run_axe(page, axe_source) == []


def test_sign_in_ui_loads_under_a_nonce_content_security_policy(
    page: Any, host: HostSite, signin_server: SignInServer
) -> None:
    # The page admits scripts by nonce only: static/auth.js, which porch.js adds, must carry porch.js's nonce.
    csp = """<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-n0nce'">"""
    html = embed_page(signin_server.base, "/e2e/signin/csp", site=SITE, attrs='nonce="n0nce"')
    url = host.page("/signin-csp", html.replace("<head>", "<head>" + csp, 1))
    open_widget(page, url)
    expect(widget(page).get_by_role("button", name="Sign in with Company login")).to_be_visible()
