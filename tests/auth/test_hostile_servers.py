"""Servers that readers name (a Mastodon instance, an IndieAuth website) may be hostile. Each test runs Porch
against a real local server that misbehaves in one way: a Link header built to make a parser crawl, huge
headers, a compressed bomb, a body that trickles in, an instance that claims somebody else's account. The
server must refuse quickly with a stable code, keep its memory, and keep serving everyone else.

Time is never asserted: tests that must not take long run under a timeout that fails them."""

from __future__ import annotations

import asyncio
import functools
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.testclient import TestClient

from porch.app import create_app
from porch.auth.net import Limits
from tests.auth.conftest import Login, Result, finish, open_popup, sign_in, start_login, through_provider
from tests.auth.doubles import IndieAuthDouble, MastodonDouble
from tests.conftest import TEST_ORIGIN, make_settings

PROVIDERS = {"fediverse": {"type": "mastodon"}, "web": {"type": "indieauth"}}
BOMB_UNPACKED = 300 * 2**20
MEMORY_CEILING = 32 * 2**20  # the limited reader holds at most 512 kB of body plus a 1 MiB piece being inflated
SHORT_DEADLINE = 1.5


@pytest.fixture(scope="module")
def mastodon() -> Iterator[MastodonDouble]:
    double = MastodonDouble()
    yield double
    double.server.close()


@pytest.fixture(scope="module")
def indie() -> Iterator[IndieAuthDouble]:
    double = IndieAuthDouble()
    yield double
    double.server.close()


@pytest.fixture(autouse=True)
def _honest_again(mastodon: MastodonDouble, indie: IndieAuthDouble) -> Iterator[None]:
    account = dict(mastodon.account)
    yield
    mastodon.sabotage.clear()
    mastodon.account = account
    indie.sabotage.clear()
    indie.hostile_link = ""


@pytest.fixture
def porch(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, providers=PROVIDERS, allow_private_instances=True)
    with TestClient(create_app(settings)) as client:
        yield client


def _login(porch: TestClient, provider: str, instance: str) -> httpx2.Response:
    return porch.post(
        "/api/v1/auth/login",
        json={"site": "blog", "provider": provider, "instance": instance},
        headers={"Origin": TEST_ORIGIN},
    )


def _tighten(porch: TestClient, provider: str, **limits: Any) -> None:
    """Give one provider of the running app other limits (a short deadline, so no test waits 15 s)."""
    app: Any = porch.app
    app.state.porch.authenticator.providers[provider].limits = Limits(**limits)


def _callback_result(porch: TestClient, browser: httpx2.Client, provider: str, instance: str, **limits: Any) -> Result:
    """Start a login, go through the provider, and return the callback's result page."""
    login = start_login(porch, provider, instance=instance)
    if limits:
        _tighten(porch, provider, **limits)
    return finish(porch, through_provider(browser, open_popup(porch, login)))


def _peak_memory_of(action: Callable[[], Any]) -> tuple[Any, int]:
    """What `action` returned and the peak of memory allocated meanwhile, in this whole process (the doubles
    and Porch's event loop run in threads of it)."""
    tracemalloc.start()
    try:
        return action(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@functools.cache
def _gzip_bomb() -> bytes:
    """About 300 kB of gzip that inflates to 300 MB of spaces."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    piece = b" " * 2**20
    return b"".join([*(packer.compress(piece) for _ in range(BOMB_UNPACKED // len(piece))), packer.flush()])


def bomb() -> Response:
    return Response(_gzip_bomb(), media_type="application/json", headers={"Content-Encoding": "gzip"})


def trickle() -> Response:
    """A JSON answer that never ends: one byte a second, for ten minutes."""

    async def drip() -> AsyncIterator[bytes]:
        for _ in range(600):
            yield b" "
            await asyncio.sleep(1)

    return StreamingResponse(drip(), media_type="application/json")


def gzipped(data: dict[str, Any]) -> Callable[[], Response]:
    def answer() -> Response:
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        body = packer.compress(JSONResponse(data).body) + packer.flush()
        return Response(body, media_type="application/json", headers={"Content-Encoding": "gzip"})

    return answer


# ---- finding 1: the Link header and the size of headers -------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        # Over the header limit: refused before any parsing.
        pytest.param("<" * 90_000, 502, "website_unreachable", id="90kB"),
        # Under it: parsed, in linear time, to nothing usable...
        pytest.param("<" * 30_000, 422, "indieauth_not_found", id="30kB"),
        # ...or to the one well-formed link that follows the junk.
        pytest.param("<" * 30_000 + ', </auth>; rel="authorization_endpoint"', 201, None, id="30kB-then-link"),
    ],
)
def test_hostile_link_header_neither_stalls_nor_confuses_the_server(
    porch: TestClient, indie: IndieAuthDouble, header: str, status: int, code: str | None
) -> None:
    indie.hostile_link = header
    with ThreadPoolExecutor(max_workers=3) as pool:
        hostile = [pool.submit(_login, porch, "web", f"{indie.base}/hostile/") for _ in range(2)]
        # Everyone else is served meanwhile (the parse ran on the event loop and stalled every request).
        assert pool.submit(porch.get, "/api/v1/sites/blog").result().status_code == 200
        for future in hostile:
            response = future.result()
            assert response.status_code == status, response.text
            if code is not None:
                assert response.json()["error"]["code"] == code
            else:
                login = Login(response.json()["login"], response.json()["secret"], response.json()["url"])
                assert open_popup(porch, login).startswith(f"{indie.base}/auth?")


def test_oversized_response_headers_are_refused(porch: TestClient, mastodon: MastodonDouble) -> None:
    """40 kB of headers on an otherwise valid app registration: more than any real server sends."""
    padding = {f"X-Padding-{n}": "p" * 1000 for n in range(40)}
    registration = {"id": "1", "name": "Porch", "client_id": "cid", "client_secret": "secret"}
    mastodon.sabotage["register"] = lambda: JSONResponse(registration, headers=padding)
    response = _login(porch, "fediverse", mastodon.server.base)
    assert response.status_code == 502, response.text
    assert response.json()["error"]["code"] == "instance_unavailable"


def test_ordinary_headers_pass(porch: TestClient, mastodon: MastodonDouble) -> None:
    """Control for the test above: the same registration with a few kB of headers is accepted."""
    padding = {f"X-Padding-{n}": "p" * 1000 for n in range(4)}
    registration = {"id": "1", "name": "Porch", "client_id": "cid", "client_secret": "secret"}
    mastodon.sabotage["register"] = lambda: JSONResponse(registration, headers=padding)
    assert _login(porch, "fediverse", mastodon.server.base).status_code == 201


# ---- finding 2: bounded answers, an overall deadline -----------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("endpoint", "code"), [("token", "code_rejected"), ("verify_credentials", "profile_unavailable")]
)
def test_mastodon_compressed_bomb_is_cut_early(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble, endpoint: str, code: str
) -> None:
    _gzip_bomb()  # built before measuring
    mastodon.sabotage[endpoint] = bomb
    result, peak = _peak_memory_of(lambda: _callback_result(porch, browser, "fediverse", mastodon.server.base))
    assert result.status == 400
    assert result.data["message"]["error"] == code
    assert peak < MEMORY_CEILING, f"{peak / 2**20:.0f} MB allocated while reading the answer"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("endpoint", "code"), [("redeem", "code_rejected"), ("metadata", "website_unreachable")])
def test_indieauth_compressed_bomb_is_cut_early(
    porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble, endpoint: str, code: str
) -> None:
    _gzip_bomb()
    indie.sabotage[endpoint] = bomb
    if endpoint == "metadata":
        response, peak = _peak_memory_of(lambda: _login(porch, "web", f"{indie.base}/alice/"))
        assert response.status_code == 502
        assert response.json()["error"]["code"] == code
    else:
        result, peak = _peak_memory_of(lambda: _callback_result(porch, browser, "web", f"{indie.base}/alice/"))
        assert result.status == 400
        assert result.data["message"]["error"] == code
    assert peak < MEMORY_CEILING, f"{peak / 2**20:.0f} MB allocated while reading the answer"


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("endpoint", "code"), [("token", "code_rejected"), ("verify_credentials", "profile_unavailable")]
)
def test_mastodon_trickling_answer_is_cut_by_the_deadline(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble, endpoint: str, code: str
) -> None:
    """One byte a second never trips a per-read timeout; the deadline for the whole request cuts it."""
    mastodon.sabotage[endpoint] = trickle
    result = _callback_result(porch, browser, "fediverse", mastodon.server.base, deadline=SHORT_DEADLINE)
    assert result.status == 400
    assert result.data["message"]["error"] == code


@pytest.mark.timeout(20)
def test_indieauth_trickling_answer_is_cut_by_the_deadline(
    porch: TestClient, browser: httpx2.Client, indie: IndieAuthDouble
) -> None:
    indie.sabotage["redeem"] = trickle
    result = _callback_result(porch, browser, "web", f"{indie.base}/alice/", deadline=SHORT_DEADLINE)
    assert result.status == 400
    assert result.data["message"]["error"] == "code_rejected"


def test_compressed_answers_within_the_limits_are_read(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble
) -> None:
    """Control: compression is not what is refused, size is. A gzip account answer signs the reader in."""
    host = mastodon.server.base.split("://")[1]
    mastodon.sabotage["verify_credentials"] = gzipped(
        {"id": "1", "username": "zip", "display_name": "Zip", "url": f"{mastodon.server.base}/@zip"}
    )
    _, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["name"] == f"Zip (@zip@{host})"


# ---- finding 7: an instance speaks only for its own accounts ---------------------------------------------


def test_fake_instance_cannot_pass_for_an_account_elsewhere(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble
) -> None:
    host = mastodon.server.base.split("://")[1]
    mastodon.account = {
        "id": "1",
        "username": "Gargron",
        "acct": "Gargron",
        "display_name": "Gargron",
        "url": "https://mastodon.social/@Gargron",
    }
    _, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["url"] is None  # not the real Gargron's profile
    assert user["name"] == f"Gargron (@Gargron@{host})"  # readers see which instance vouches for the name


@pytest.mark.parametrize(
    "url",
    [
        "https://mastodon.social/@alice",
        "http://127.0.0.1.evil.example/@alice",
        "http://localhost/@alice",
        "javascript:alert(1)",
        "//mastodon.social/@alice",
    ],
)
def test_profile_url_is_kept_only_on_the_instance_itself(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble, url: str
) -> None:
    mastodon.account = {**mastodon.account, "url": url}
    _, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["url"] is None


@pytest.mark.parametrize(
    "display_name", ["Gargron (@Gargron@mastodon.social)", "Gargron (\uff20Gargron\uff20mastodon.social)", "", "  \n "]
)
def test_display_name_cannot_carry_a_handle_of_its_own(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble, display_name: str
) -> None:
    """A second handle in the display name (even with full-width at signs) would blur which one is real."""
    host = mastodon.server.base.split("://")[1]
    mastodon.account = {**mastodon.account, "display_name": display_name}
    _, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["name"] == f"@alice@{host}"


def test_display_name_cannot_reorder_the_handle(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble
) -> None:
    """A right-to-left override left open would show the handle after it backwards; controls go too."""
    host = mastodon.server.base.split("://")[1]
    mastodon.account = {**mastodon.account, "display_name": "Alice\u202e\u2067\x00\n" + "x" * 100}
    _, user = sign_in(porch, browser, "fediverse", instance=mastodon.server.base)
    assert user["name"] == "Alice " + "x" * 54 + f" (@alice@{host})"


@pytest.mark.parametrize("username", ["Gargron@mastodon.social", "a) (@b@c", "", "x" * 65, "a b", "alice\n"])
def test_usernames_that_could_fake_a_handle_are_refused(
    porch: TestClient, browser: httpx2.Client, mastodon: MastodonDouble, username: str
) -> None:
    mastodon.account = {**mastodon.account, "username": username}
    result = _callback_result(porch, browser, "fediverse", mastodon.server.base)
    assert result.status == 400
    assert result.data["message"]["error"] == "profile_unavailable"
