"""Fixtures for the browser tests (the harness itself is in harness.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import AXE, CHROMIUM, CHROMIUM_ARGS, HostSite, PorchServer, Proxy, start_porch

# ---- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def host() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def porch_server(tmp_path_factory: pytest.TempPathFactory, host: HostSite) -> Iterator[PorchServer]:
    server = start_porch(tmp_path_factory.mktemp("porch"), host.origin)
    yield server
    server.stop()


@pytest.fixture
def proxy(porch_server: PorchServer) -> Iterator[Proxy]:
    p = Proxy(porch_server.port)
    yield p
    p.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 900, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda error: errors.append(str(error)))
    yield p
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def thread_key(request: pytest.FixtureRequest) -> str:
    """A thread of its own for every test, so tests sharing one server never see each other's comments."""
    return f"/e2e/{request.node.name}/{time.monotonic_ns()}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text()
