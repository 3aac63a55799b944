"""A real `porch serve` logs no client address and no query string (thread keys, login ids), at info or debug."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx2 as httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.processes import running_server, write_config

pytestmark = pytest.mark.slow

PROXIED_CLIENT = "198.51.100.7"  # uvicorn trusts X-Forwarded-For from 127.0.0.1: this becomes the client address


@pytest.mark.parametrize("level", ["info", "debug"])
def test_logs_hold_no_client_address_or_query_string(tmp_path: Path, level: str) -> None:
    config = write_config(
        tmp_path / "porch.toml",
        sites={"blog": {"origins": ["https://blog.example.com"], "rate_limit": 0}},
    )
    thread = f"/private-page-{secrets.token_hex(8)}"
    forwarded = {"X-Forwarded-For": PROXIED_CLIENT}
    with running_server(config, tmp_path, log_level=level) as server:
        page = httpx.get(f"{server.url}/api/v1/comments", params={"site": "blog", "thread": thread}, headers=forwarded)
        assert page.status_code == 200
        body = {"site": "blog", "thread": "/elsewhere", "text": "hello", "author": {"name": "Ann"}}
        assert httpx.post(f"{server.url}/api/v1/comments", json=body).status_code == 201
        ws_url = f"ws://127.0.0.1:{server.port}/api/v1/live?site=blog&thread={thread}"
        with connect(ws_url, additional_headers=forwarded) as ws:
            assert '"hello"' in str(ws.recv(timeout=10))
        with pytest.raises(InvalidStatus):  # refused before the handshake
            connect(ws_url.replace("blog", "nosuchsite"))
    log = server.log.read_text()

    ports = {int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", log)}
    assert ports <= {server.port}, f"client addresses in the log:\n{log}"  # the server's own address is fine
    assert PROXIED_CLIENT not in log, log
    assert thread.strip("/") not in log and "nosuchsite" not in log, log
    # Still useful: startup, and each socket with its path.
    assert "Application startup complete" in log
    assert f"Uvicorn running on http://127.0.0.1:{server.port}" in log
    assert '"WebSocket /api/v1/live" [accepted]' in log
    if level == "debug":  # requests are logged, without their address and query string
        assert '"GET /api/v1/comments HTTP/1.1" 200' in log
        assert "x-forwarded-for: [hidden]" in log.lower()
