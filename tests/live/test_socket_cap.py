"""The cap on live sockets per client network: the one too many is refused with too_many_sockets, and every
socket that ends, however it ends, gives its place back."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse, WebSocketTestSession
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from porch.app import create_app
from porch.settings import Settings
from tests.conftest import make_settings
from tests.live.helpers import live_url


def open_live(client: TestClient, stack: ExitStack, thread: str = "/post", **headers: str) -> WebSocketTestSession:
    ws = stack.enter_context(client.websocket_connect(live_url(thread), headers=headers))
    assert ws.receive_json()["type"] == "hello"
    return ws


def wait_for_open_sockets(app: Any, count: int) -> None:
    """Until the server has counted `count` sockets of the test client (the test's timeout fails it if never)."""
    while app.state.porch.live_sockets.open_sockets("testclient") != count:
        time.sleep(0.01)


def refusal(client: TestClient, **headers: str) -> tuple[int, dict[str, Any]]:
    with pytest.raises(WebSocketDenialResponse) as denied:  # noqa: SIM117  (the with must be inside raises)
        with client.websocket_connect(live_url("/one-more"), headers=headers):
            pass
    return denied.value.status_code, denied.value.json()


def test_the_21st_socket_is_refused_and_a_closed_one_makes_room(settings: Settings) -> None:
    assert settings.live_sockets_per_address == 20  # the default
    app = create_app(settings)
    with TestClient(app) as client, ExitStack() as stack:
        sockets = [open_live(client, stack, f"/t{n % 3}") for n in range(20)]
        status, body = refusal(client)
        assert status == 429
        assert body["error"]["code"] == "too_many_sockets"
        sockets[0].close()
        wait_for_open_sockets(app, 19)  # the server noticed the close and gave the place back
        with client.websocket_connect(live_url("/after-close")) as ws:
            assert ws.receive_json()["type"] == "hello"
            assert refusal(client)[0] == 429  # and that socket holds it now


def test_sockets_that_fail_or_are_refused_give_their_place_back(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", live_sockets_per_address=2)
    app = create_app(settings)
    porch = app.state.porch
    with TestClient(app) as client:
        for _ in range(3):  # bad requests are refused before they are counted
            with pytest.raises(WebSocketDenialResponse):  # noqa: SIM117
                with client.websocket_connect("/api/v1/live?site=blog"):
                    pass

        subscribe = porch.live.subscribe

        async def failing(*args: Any) -> None:
            raise RuntimeError("the hub failed")

        porch.live.subscribe = failing
        for _ in range(3):  # a subscription that fails closes the socket with 1011 and releases it
            with client.websocket_connect(live_url()) as ws:
                assert ws.receive()["code"] == 1011
        porch.live.subscribe = subscribe
        wait_for_open_sockets(app, 0)
        with ExitStack() as stack:
            open_live(client, stack)
            open_live(client, stack)
            assert refusal(client)[0] == 429
        wait_for_open_sockets(app, 0)


def test_one_ipv6_64_shares_the_cap(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", live_sockets_per_address=2)
    proxied = ProxyHeadersMiddleware(create_app(settings), trusted_hosts="*")
    with TestClient(proxied) as client, ExitStack() as stack:
        open_live(client, stack, **{"X-Forwarded-For": "2001:db8:0:1::1"})
        open_live(client, stack, **{"X-Forwarded-For": "2001:db8:0:1::2"})
        assert refusal(client, **{"X-Forwarded-For": "2001:db8:0:1::3"})[0] == 429
        open_live(client, stack, **{"X-Forwarded-For": "2001:db8:0:2::1"})  # another /64
