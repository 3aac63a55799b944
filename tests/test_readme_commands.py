"""The README's first command serves the demo page with the real widget on SQLite."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(scripts/\w+)", readme.split("```sh", 1)[1].split("```", 1)[0], re.MULTILINE)
    assert commands == ["scripts/serve", "scripts/test"]
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.slow
def test_scripts_serve_runs_the_demo(tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve"), "--port", str(port), "--data-dir", str(tmp_path / "data")],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # a first run installs into .venv
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        page = httpx.get(base + "/")
        assert page.status_code == 200
        assert 'src="/porch.js"' in page.text and 'data-site="demo"' in page.text
        assert httpx.get(base + "/porch.js").status_code == 200
        assert (tmp_path / "data" / "porch.db").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()
