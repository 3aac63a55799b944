"""Sign-in with Mastodon against a local server that follows Mastodon's documented API, and the instance
names that must never reach loopback or private addresses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from porch.auth.net import client_options, is_public
from tests.auth.conftest import PUBLIC_URL, bearer, sign_in, start_login
from tests.auth.doubles import MastodonDouble
from tests.conftest import TEST_ORIGIN, make_settings

FEDIVERSE = {"fediverse": {"type": "mastodon"}}


@pytest.fixture(scope="module")
def mastodon() -> Iterator[MastodonDouble]:
    double = MastodonDouble()
    yield double
    double.server.close()


@pytest.fixture
def porch(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, providers=FEDIVERSE, allow_private_instances=True)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def strict_porch(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    """allow_private_instances off, the default."""
    with TestClient(create_app(make_settings(tmp_path, database_url, providers=FEDIVERSE))) as client:
        yield client


def test_mastodon_sign_in(porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble) -> None:
    host = mastodon.server.base.split("://")[1]
    before = len(mastodon.revoked)
    token, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["name"] == f"Alice 🐘 (@alice@{host})"  # the handle says which instance vouches for the name
    assert user["provider"] == "fediverse"
    assert user["url"] == f"{mastodon.server.base}/@alice"
    assert porch.get("/api/v1/me", params={"site": "blog"}, headers=bearer(token)).status_code == 200
    assert len(mastodon.revoked) == before + 1  # Porch gives the instance's token back once it has the account
    assert porch.get("/api/v1/sites/blog").json()["providers"] == [
        {"id": "fediverse", "type": "mastodon", "name": "Mastodon", "input": "instance"}
    ]


def test_mastodon_app_registered_once_per_instance(porch: TestClient, mastodon: MastodonDouble) -> None:
    registrations = mastodon.requests.count("POST /api/v1/apps")
    first = start_login(porch, "fediverse", instance=mastodon.server.base)
    second = start_login(porch, "fediverse", instance=mastodon.server.base + "/")
    assert mastodon.requests.count("POST /api/v1/apps") == registrations + 1
    app = list(mastodon.apps.values())[-1]
    assert app["redirect_uris"] == f"{PUBLIC_URL}/auth/fediverse/callback"
    assert app["scopes"] == "read:accounts"
    for login in (first, second):
        location = porch.get(urlsplit(login.url).path + "?" + urlsplit(login.url).query, follow_redirects=False)
        query = parse_qs(urlsplit(location.headers["location"]).query)
        assert query["code_challenge_method"] == ["S256"]
        assert location.headers["location"].startswith(f"{mastodon.server.base}/oauth/authorize?")


def test_mastodon_needs_an_instance(porch: TestClient) -> None:
    response = porch.post(
        "/api/v1/auth/login", json={"site": "blog", "provider": "fediverse"}, headers={"Origin": TEST_ORIGIN}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "instance_required"


PRIVATE_INSTANCES = [
    "127.0.0.1",
    "localhost",
    "LOCALHOST.",
    "127.1",
    "2130706433",
    "0x7f000001",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[fd00::1]",
    "[fe80::1]",
    "https://127.0.0.1/",
]


@pytest.mark.parametrize("instance", PRIVATE_INSTANCES)
def test_instance_on_loopback_or_private_range_is_refused(
    strict_porch: TestClient, mastodon: MastodonDouble, instance: str
) -> None:
    before = len(mastodon.requests)
    response = strict_porch.post(
        "/api/v1/auth/login",
        json={"site": "blog", "provider": "fediverse", "instance": instance},
        headers={"Origin": TEST_ORIGIN},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in ("instance_not_allowed", "invalid_instance")
    assert len(mastodon.requests) == before


def test_the_running_double_is_refused_when_private_instances_are_off(
    strict_porch: TestClient, mastodon: MastodonDouble
) -> None:
    """The same instance that works with allow_private_instances is refused without it, in every spelling."""
    port = mastodon.server.port
    before = len(mastodon.requests)
    for instance in (mastodon.server.base, f"127.0.0.1:{port}", f"localhost:{port}", f"https://127.0.0.1:{port}"):
        response = strict_porch.post(
            "/api/v1/auth/login",
            json={"site": "blog", "provider": "fediverse", "instance": instance},
            headers={"Origin": TEST_ORIGIN},
        )
        assert response.status_code == 422, instance
    assert len(mastodon.requests) == before


@pytest.mark.parametrize(
    "instance",
    [
        "mastodon.social/@alice",
        "alice@mastodon.social",
        "mastodon.social?next=https://evil.example",
        "mastodon.social#x",
        "javascript:alert(1)",
        "ftp://mastodon.social",
        "mastodon .social",
        "-bad-.example",
        " ",
        "a" * 64 + ".example",
    ],
)
def test_malformed_instance_names_are_refused(strict_porch: TestClient, instance: str) -> None:
    response = strict_porch.post(
        "/api/v1/auth/login",
        json={"site": "blog", "provider": "fediverse", "instance": instance},
        headers={"Origin": TEST_ORIGIN},
    )
    assert response.status_code == 422, instance
    assert response.json()["error"]["code"] == "invalid_instance"


def test_connections_are_checked_again_at_connect_time(mastodon: MastodonDouble) -> None:
    """Whatever was checked before (at login time), the socket itself only opens to public addresses: a name
    that now resolves to loopback (DNS rebinding), or a redirect to one, is refused by the guarded client."""

    async def rebinding_resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]  # what a rebinding name answers once the check is behind it

    async def fetch() -> None:
        async with httpx2.AsyncClient(**client_options(guarded=True, resolver=rebinding_resolver)) as http:
            await http.get(f"http://rebind.example:{mastodon.server.port}/api/v1/apps")

    before = len(mastodon.requests)
    with pytest.raises(httpx2.ConnectError):
        asyncio.run(fetch())
    assert len(mastodon.requests) == before


def test_unguarded_client_reaches_the_double(mastodon: MastodonDouble) -> None:
    """The refusal above is the guard's doing: without it, the same server answers."""

    async def fetch() -> int:
        async with httpx2.AsyncClient(**client_options(guarded=False)) as http:
            return (await http.get(f"{mastodon.server.base}/api/v1/accounts/verify_credentials")).status_code

    assert asyncio.run(fetch()) == 401


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd12::1", False),
        ("::ffff:10.0.0.1", False),
        ("::", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:93.184.216.34", True),
    ],
)
def test_address_classification(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_new_public_url_registers_again(tmp_path: Path, mastodon: MastodonDouble) -> None:
    """Apps are registered for one callback URL; when the server moves, the instance gets a new registration."""
    database = f"sqlite:///{tmp_path / 'moved.db'}"
    clients = []
    for public_url in ("http://testserver", "http://moved.example"):
        settings = make_settings(
            tmp_path, database, providers=FEDIVERSE, allow_private_instances=True, public_url=public_url
        )
        with TestClient(create_app(settings), base_url=public_url) as porch:
            login = start_login(porch, "fediverse", instance=mastodon.server.base)
            location = porch.get(urlsplit(login.url).path + "?" + urlsplit(login.url).query, follow_redirects=False)
            query = parse_qs(urlsplit(location.headers["location"]).query)
            assert query["redirect_uri"] == [f"{public_url}/auth/fediverse/callback"]
            clients.append(query["client_id"][0])
    assert clients[0] != clients[1]
    assert mastodon.apps[clients[1]]["redirect_uris"] == "http://moved.example/auth/fediverse/callback"
