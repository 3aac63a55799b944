"""Settings: defaults, the TOML file, environment variables, validation errors and documentation."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from porch.settings import SITE_DEFAULTS, TOP_LEVEL_DEFAULTS, ConfigError, load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "porch.toml"


def test_defaults_give_a_demo_server(tmp_path):
    settings = load_settings(None, environ={}, data_dir=tmp_path)
    assert settings.database == f"sqlite:///{tmp_path / 'porch.db'}"
    assert settings.public_url == "http://127.0.0.1:8000"
    assert settings.live == "memory"
    demo = settings.sites["demo"]
    assert demo.allows_origin("http://localhost:5173")
    assert demo.allows_origin("http://127.0.0.1:8000")
    assert not demo.allows_origin("https://example.com")


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings(None, environ={}, data_dir=tmp_path).secret_key
    second = load_settings(None, environ={}, data_dir=tmp_path).secret_key
    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".secret")]


def test_file_then_environment(tmp_path):
    config = tmp_path / "porch.toml"
    config.write_text(
        'public_url = "https://c.example.com"\n'
        "[sites.blog]\n"
        'origins = ["https://blog.example.com"]\n'
        "rate_limit = 5\n"
    )
    settings = load_settings(config, environ={}, data_dir=tmp_path)
    assert settings.public_url == "https://c.example.com"
    assert settings.sites["blog"].rate_limit == 5
    assert settings.sites["blog"].edit_window == 900
    assert "demo" not in settings.sites
    assert settings.sources["public_url"] == str(config)

    env = {
        "PORCH_PUBLIC_URL": "https://other.example.com/",
        "PORCH_SITES": '{news = {origins = ["https://news.example.com"], max_length = 500}}',
    }
    settings = load_settings(config, environ=env, data_dir=tmp_path)
    assert settings.public_url == "https://other.example.com"
    assert list(settings.sites) == ["news"]
    assert settings.sites["news"].max_length == 500
    assert settings.sources["sites"] == "environment variable PORCH_SITES"


def test_config_path_from_environment(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('live = "redis://127.0.0.1:6379/0"\n')
    assert load_settings(None, environ={"PORCH_CONFIG": str(config)}, data_dir=tmp_path).live.startswith("redis://")


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('publik_url = "x"\n', ["publik_url"]),
        ('public_url = "ftp://x"\n', ["public_url"]),
        ('database = "mysql://x"\n', ["database"]),
        ('live = "kafka"\n', ["live"]),
        ('live = "postgres"\n', ["live", "PostgreSQL"]),
        ("[sites.blog]\nrate_limit = -1\n", ["sites.blog.rate_limit"]),
        ('[sites.blog]\nrate_limit = "10"\n', ["sites.blog.rate_limit"]),
        ("[sites.blog]\nedit_windw = 10\n", ["sites.blog.edit_windw"]),
        ('[sites.blog]\norigins = ["blog.example.com"]\n', ["sites.blog.origins"]),
        ('[sites.blog]\norigins = "https://blog.example.com"\n', ["sites.blog.origins"]),
        ('[sites.Blog]\norigins = []\n', ["sites.Blog"]),
        ('[sites.blog]\nproviders = ["github"]\n', ["sites.blog.providers", "github"]),
        ('secret_key = "short"\n', ["secret_key"]),
        ("this is not toml", ["not valid TOML"]),
    ],
)
def test_errors_name_the_key_and_the_file(tmp_path, toml, words):
    config = tmp_path / "porch.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError) as error:
        load_settings(config, environ={}, data_dir=tmp_path)
    message = str(error.value)
    for word in words:
        assert word in message
    assert str(config) in message


def test_environment_errors_name_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="PORCH_LIVE"):
        load_settings(None, environ={"PORCH_LIVE": "carrier-pigeon"}, data_dir=tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={}, data_dir=tmp_path)


def test_every_setting_is_documented_in_the_example():
    text = EXAMPLE.read_text()
    for key in [*TOP_LEVEL_DEFAULTS, *SITE_DEFAULTS]:
        if key in ("sites", "providers"):
            assert re.search(rf"^\[{key}\.", text, re.MULTILINE), f"no [{key}.*] table in {EXAMPLE}"
            continue
        documented = re.search(rf"^#? ?{key} = ", text, re.MULTILINE)
        assert documented, f"setting {key!r} is not documented in {EXAMPLE}"


def test_example_is_valid(tmp_path):
    settings = load_settings(EXAMPLE, environ={}, data_dir=tmp_path)
    assert settings.sites["blog"].origins == ("https://blog.example.com",)
    assert set(settings.providers) == {"github", "google", "company", "fediverse", "indieweb"}


def check_config(tmp_path, toml: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "porch.toml"
    config.write_text(toml)
    return subprocess.run(
        [sys.executable, "-m", "porch", "check-config", "--config", str(config), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_config_command(tmp_path):
    result = check_config(
        tmp_path, 'public_url = "https://c.example.com"\n[providers.gh]\ntype = "github"\nclient_id = "i"\nclient_secret = "s"\n'
    )
    assert result.returncode == 0, result.stderr
    assert "https://c.example.com/auth/gh/callback" in result.stdout

    result = check_config(tmp_path, '[providers.gh]\ntype = "github"\nclient_id = "x"\nclient_secrett = "typo"\n')
    assert result.returncode == 2
    assert "providers.gh" in result.stderr and "Traceback" not in result.stderr

    result = check_config(tmp_path, "[sites.blog]\nmax_length = 0\n")
    assert result.returncode == 2
    assert "sites.blog.max_length" in result.stderr


def test_every_provider_setting_is_documented_in_the_example(tmp_path):
    """Each provider type names the keys it accepts when given an unknown one; each must be in the example."""
    from porch.auth import PROVIDER_TYPES, check_providers

    text = EXAMPLE.read_text()
    for provider_type in PROVIDER_TYPES:
        settings = load_settings(
            None, environ={}, data_dir=tmp_path, overrides={"providers": {"p": {"type": provider_type, "bogus": 1}}}
        )
        with pytest.raises(ConfigError, match="known: ") as error:
            check_providers(settings)
        known = str(error.value).split("known: ", 1)[1].split(", ")
        assert "type" in known
        for key in known:
            assert re.search(rf"^#? ?{key} = ", text, re.MULTILINE), f"{provider_type}: {key!r} not documented"
