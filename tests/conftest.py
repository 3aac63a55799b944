"""Fixtures shared by every test: settings, a database on SQLite or PostgreSQL, and a running app.

Tests that take `database_url` (directly or through `settings`, `app` or `client`) run twice: on a SQLite
file and on the PostgreSQL server at $PORCH_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432).
PostgreSQL tests are never skipped: if the server is down they fail, as they must in CI.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from porch.settings import Settings, load_settings

POSTGRES_SERVER = os.environ.get("PORCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
TEST_ORIGIN = "https://blog.example.com"


async def reset_postgres_database(name: str) -> None:
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/{name}")
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's synchronous API keeps an event loop running in the main thread
    for as long as its session fixture lives, and `asyncio.run` cannot be called while it does."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def postgres_database_name() -> str:
    """One database per test run (and per xdist worker), emptied before each test that uses it."""
    return f"porch_test_{os.getpid()}"


def make_postgres_url(name: str) -> str:
    asyncio.run(reset_postgres_database(name))
    return f"{POSTGRES_SERVER}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_database_name: str) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'porch.db'}"
    return make_postgres_url(postgres_database_name)


def site_table(**overrides: Any) -> dict[str, Any]:
    site = {"title": "Blog", "origins": [TEST_ORIGIN], "edit_window": 900, "max_length": 2000, "rate_limit": 0}
    site.update(overrides)
    return {"blog": site, "other": {"title": "Other", "origins": ["https://other.example.org"], "rate_limit": 0}}


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database": database_url,
        "public_url": "http://testserver",
        "secret_key": "test-secret-key-" + "x" * 16,
        "sites": site_table(),
    }
    values.update(overrides)
    return load_settings(None, environ={}, data_dir=tmp_path, overrides=values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def post_comment(client: TestClient, text: str = "Hello", **fields: Any) -> dict[str, Any]:
    """Post a guest comment to blog /post and return the 201 body; fails the test on any other status."""
    body = {"site": "blog", "thread": "/post", "text": text, "author": {"name": "Ann"}, **fields}
    response = client.post("/api/v1/comments", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def random_key() -> str:
    return "/" + secrets.token_hex(4)
