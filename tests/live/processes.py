"""Real Porch server processes for the live tests: `python -m porch serve` sharing one PostgreSQL database
and, for the redis backend, the Redis on this machine. Clients use the `websockets` library."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from tests.processes import ServerProcess, free_port, start_all, write_config

REDIS_URL = "redis://127.0.0.1:6379/0"
MAX_LENGTH = 60_000  # big comments fill a slow reader's buffers quickly


class Server(ServerProcess):
    """A server process of the live tests, with the client calls they make."""

    def live_url(self, thread: str, after: int | None = None) -> str:
        url = f"ws://127.0.0.1:{self.port}/api/v1/live?site=blog&thread={thread}"
        return url if after is None else f"{url}&after={after}"

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def post_now(self, thread: str, text: str) -> tuple[int, Any]:
        body = {"site": "blog", "thread": thread, "text": text, "author": {"name": "Tester"}}
        return self.request("POST", "/api/v1/comments", body)

    async def post(self, thread: str, text: str) -> dict[str, Any]:
        status, body = await asyncio.to_thread(self.post_now, thread, text)
        assert status == 201, (status, body)
        return body["comment"]  # type: ignore[no-any-return]


def start_servers(
    tmp_path: Path, database: str, live: str, count: int, site: dict[str, Any] | None = None
) -> list[Server]:
    """`count` processes on one database and live backend, each with its folder (config, log), started at once.
    `site`: settings of the site "blog" beyond the defaults of these tests."""
    servers = []
    for index in range(count):
        folder = tmp_path / f"server{index}"
        folder.mkdir()
        port = free_port()
        config = write_config(
            folder / "porch.toml",
            public_url=f"http://127.0.0.1:{port}",
            database=database,
            live=live,
            secret_key="live-test-secret-key-0123456789",
            sites={"blog": {"origins": ["https://blog.example.com"], "rate_limit": 0, "max_length": MAX_LENGTH,
                            **(site or {})}},
        )
        servers.append(Server(config, folder, port))
    start_all(servers)
    return servers


async def connect(url: str, **options: Any) -> ClientConnection:
    return await websockets.connect(url, proxy=None, compression=None, **options)


async def next_frame(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    """The next frame other than a keep-alive ping, failing the test if none comes within `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            frame = json.loads(await asyncio.wait_for(ws.recv(), max(remaining, 0.001)))
        except TimeoutError:
            raise AssertionError(f"nothing arrived within {timeout} s") from None
        if frame["type"] != "ping":
            return frame  # type: ignore[no-any-return]
