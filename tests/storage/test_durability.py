"""Every acknowledged write survives a crash: the server is SIGKILLed right after a 201, writes in flight."""

from __future__ import annotations

import asyncio

import httpx2 as httpx
import pytest

from tests.processes import ServerProcess, write_config

WRITERS = 8
ACKNOWLEDGED_BEFORE_KILL = 40


async def post_until_killed(server: ServerProcess) -> list[str]:
    acknowledged: list[str] = []

    async def writer(number: int, http: httpx.AsyncClient) -> None:
        sent = 0
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            sent += 1
            body = {"site": "blog", "thread": "/crash", "text": f"writer {number} #{sent}", "author": {"name": "Ann"}}
            try:
                response = await http.post("/api/v1/comments", json=body)
            except httpx.TransportError:
                return  # the server is gone; this write was never acknowledged
            assert response.status_code == 201
            acknowledged.append(response.json()["comment"]["id"])
            if len(acknowledged) == ACKNOWLEDGED_BEFORE_KILL:
                server.kill()  # at once, with the other writers' requests in flight: no shutdown code runs

    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        await asyncio.gather(*(writer(n, http) for n in range(WRITERS)))
    return acknowledged


@pytest.mark.slow
def test_acknowledged_comments_survive_sigkill(tmp_path, database_url):
    config = write_config(
        tmp_path / "porch.toml",
        database=database_url,
        sites={"blog": {"origins": ["https://blog.example.com"], "rate_limit": 0}},
    )
    server = ServerProcess(config, tmp_path)
    server.start()
    try:
        acknowledged = asyncio.run(post_until_killed(server))
    finally:
        server.kill()
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL

    restarted = ServerProcess(config, tmp_path)
    restarted.start()
    try:
        page = httpx.get(f"{restarted.url}/api/v1/comments", params={"site": "blog", "thread": "/crash", "limit": 200})
        stored = {c["id"] for c in page.json()["comments"]}
        assert set(acknowledged) <= stored
        assert page.json()["thread"]["count"] == len(stored)
    finally:
        restarted.stop()
