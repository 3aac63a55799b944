"""/api/openapi.json describes the API as it behaves: a fuzzer driven by it never gets a 500, and every
response it gets matches the documented shape."""

from __future__ import annotations

import httpx2 as httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from porch.schemas import COUNTS, EDIT_COMMENT, NEW_COMMENT
from tests.processes import running_server, write_config


def test_spec_publishes_the_validation_schemas(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    body = lambda op: op["requestBody"]["content"]["application/json"]["schema"]  # noqa: E731
    assert body(paths["/api/v1/comments"]["post"]) == NEW_COMMENT
    assert body(paths["/api/v1/comments/{id}"]["patch"]) == EDIT_COMMENT
    assert body(paths["/api/v1/counts"]["post"]) == COUNTS
    assert NEW_COMMENT["required"] == ["site", "thread", "text"]


def test_every_api_route_is_documented(client):
    spec_paths = set(client.get("/api/openapi.json").json()["paths"])
    app_paths = {route.path for route in client.app.routes if route.path.startswith("/api/v1/")}
    sockets = {"/api/v1/live", "/api/v1/admin/live"}  # WebSockets: docs/live.md and docs/moderation.md
    assert app_paths <= spec_paths | sockets, app_paths - spec_paths


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory):
    """A real server process: the fuzzer talks HTTP to it like any client would."""
    tmp = tmp_path_factory.mktemp("fuzz")
    config = write_config(
        tmp / "porch.toml",
        database=f"sqlite:///{tmp / 'fuzz.db'}",
        sites={"blog": {"origins": ["https://blog.example.com"], "rate_limit": 0}},
    )
    with running_server(config, tmp) as server:
        httpx.post(
            f"{server.url}/api/v1/comments",
            json={"site": "blog", "thread": "/post", "text": "seed", "author": {"name": "A"}},
        ).raise_for_status()
        yield server


@pytest.mark.slow
def test_fuzz_never_500_and_matches_the_spec(fuzzed_server):
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(base_url=fuzzed_server.url, checks=[not_a_server_error, response_schema_conformance])

        check()
