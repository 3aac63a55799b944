"""Provider settings are validated at app start, with errors that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from porch.settings import ConfigError
from tests.conftest import make_settings, site_table

GOOD_GITHUB = {"type": "github", "client_id": "id", "client_secret": "secret"}


def _build(tmp_path: Path, providers: dict[str, Any], **overrides: Any) -> None:
    create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", providers=providers, **overrides))


@pytest.mark.parametrize(
    ("providers", "named"),
    [
        ({"gh": {"type": "gitbucket"}}, "providers.gh.type"),
        ({"gh": {**GOOD_GITHUB, "client_secrt": "x"}}, "providers.gh.client_secrt"),
        ({"gh": {"type": "github", "client_id": "id"}}, "providers.gh.client_secret"),
        ({"gh": {**GOOD_GITHUB, "client_id": 5}}, "providers.gh.client_id"),
        ({"gh": {**GOOD_GITHUB, "base_url": "http://github.example.com"}}, "providers.gh.base_url"),
        ({"co": {"type": "oidc", "client_id": "a", "client_secret": "b"}}, "providers.co.issuer"),
        (
            {"co": {"type": "oidc", "issuer": "https://x.example?a=b", "client_id": "a", "client_secret": "b"}},
            "providers.co.issuer",
        ),
        (
            {
                "co": {
                    "type": "oidc",
                    "issuer": "https://x.example",
                    "client_id": "a",
                    "client_secret": "b",
                    "scope": "profile",
                }
            },
            "providers.co.scope",
        ),
        ({"g": {"type": "google", "client_id": "a"}}, "providers.g.client_secret"),
        ({"m": {"type": "microsoft", "client_id": "a", "client_secret": "b", "tenant": ""}}, "providers.m.tenant"),
        ({"f": {"type": "mastodon", "instance": "mastodon.social"}}, "providers.f.instance"),
        ({"Bad Id": GOOD_GITHUB}, "providers.Bad Id"),
    ],
)
def test_bad_provider_settings_name_the_key(tmp_path: Path, providers: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        _build(tmp_path, providers)


def test_presets_need_only_client_id_and_secret(tmp_path: Path) -> None:
    providers = {
        kind: {"type": kind, "client_id": "id", "client_secret": "secret"} for kind in ("google", "gitlab", "microsoft")
    }
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", providers=providers))
    issuers = {pid: p.issuer for pid, p in app.state.porch.authenticator.providers.items()}
    assert issuers == {
        "google": "https://accounts.google.com",
        "gitlab": "https://gitlab.com",
        "microsoft": "https://login.microsoftonline.com/common/v2.0",
    }


def test_preset_key_is_the_same_as_the_preset_type(tmp_path: Path) -> None:
    providers = {"g": {"type": "oidc", "preset": "google", "client_id": "id", "client_secret": "secret"}}
    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", providers=providers))
    assert app.state.porch.authenticator.providers["g"].issuer == "https://accounts.google.com"
    assert app.state.porch.authenticator.providers["g"].name == "Google"
    with pytest.raises(ConfigError, match=r"providers\.g\.preset"):
        _build(tmp_path, {"g": {**providers["g"], "preset": "yahoo"}})
    with pytest.raises(ConfigError, match=r"providers\.g\.preset"):
        _build(tmp_path, {"g": {"type": "github", "client_id": "a", "client_secret": "b", "preset": "google"}})


def test_site_offers_only_its_providers(tmp_path: Path) -> None:
    sites = site_table()
    sites["blog"]["providers"] = ["gh"]
    sites["blog"]["guests"] = False
    providers = {"gh": GOOD_GITHUB, "fedi": {"type": "mastodon", "name": "Fediverse"}}
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", providers=providers, sites=sites)
    with TestClient(create_app(settings)) as porch:
        blog = porch.get("/api/v1/sites/blog").json()
        other = porch.get("/api/v1/sites/other").json()
        assert [p["id"] for p in blog["providers"]] == ["gh"]
        assert blog["guests"] is False
        assert blog["guest_fields"] is None
        assert other["providers"] == [
            {"id": "gh", "type": "github", "name": "GitHub", "input": None},
            {"id": "fedi", "type": "mastodon", "name": "Fediverse", "input": "instance"},
        ]
        refused = porch.post(
            "/api/v1/auth/login",
            json={"site": "blog", "provider": "fedi", "instance": "mastodon.social"},
            headers={"Origin": "https://blog.example.com"},
        )
        assert refused.status_code == 404
        guest = porch.post(
            "/api/v1/comments",
            json={"site": "blog", "thread": "/x", "text": "hi", "author": {"name": "Guest"}},
            headers={"Origin": "https://blog.example.com"},
        )
        assert guest.status_code == 401
        assert guest.json()["error"]["code"] == "sign_in_required"


def test_check_providers_validates_without_connecting(tmp_path: Path) -> None:
    """For `porch check-config`: the same validation, no database or network needed."""
    from porch.auth import check_providers

    bad = make_settings(tmp_path, "postgresql://nobody@127.0.0.1:1/none", providers={"gh": {"type": "github"}})
    with pytest.raises(ConfigError, match=r"providers\.gh\.client_id"):
        check_providers(bad)
    good = make_settings(tmp_path, "postgresql://nobody@127.0.0.1:1/none", providers={"gh": GOOD_GITHUB})
    assert list(check_providers(good)) == ["gh"]


def test_the_shipped_example_providers_are_valid(tmp_path: Path) -> None:
    from porch.auth import check_providers
    from porch.settings import load_settings

    example = Path(__file__).resolve().parents[2] / "examples" / "porch.toml"
    providers = check_providers(load_settings(example, environ={}, data_dir=tmp_path))
    assert {pid: p.type for pid, p in providers.items()} == {
        "github": "github",
        "google": "google",
        "company": "oidc",
        "fediverse": "mastodon",
        "indieweb": "indieauth",
    }
