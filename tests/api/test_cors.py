"""Cross-origin rules: public reads, preflights only for configured origins, no credentials ever."""

from tests.conftest import TEST_ORIGIN


def preflight(client, origin, method="POST"):
    return client.options(
        "/api/v1/comments",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type, x-edit-token",
        },
    )


def test_reads_are_public(client):
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": "/x"}, headers={"Origin": "https://anyone.example"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_preflight_allows_configured_origins(client):
    for method in ("POST", "PATCH", "DELETE"):
        response = preflight(client, TEST_ORIGIN, method)
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == TEST_ORIGIN
        assert method in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        for header in ("content-type", "x-edit-token", "authorization"):
            assert header in allowed
        assert "access-control-allow-credentials" not in response.headers


def test_preflight_refuses_other_origins(client):
    response = preflight(client, "https://evil.example")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers


def test_port_wildcard_origins(tmp_path):
    from porch.settings import SiteSettings

    site = SiteSettings(id="demo", title="Demo", origins=("http://localhost:*", "https://exact.example"))
    assert site.allows_origin("http://localhost:3000")
    assert site.allows_origin("http://localhost")
    assert site.allows_origin("https://exact.example")
    assert not site.allows_origin("http://localhost.evil.example:3000")
    assert not site.allows_origin("http://localhost:3000.evil.example")
    assert not site.allows_origin("https://localhost:3000")
    assert not site.allows_origin("https://exact.example.evil")
    assert not site.allows_origin("null")
