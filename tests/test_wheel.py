"""`pip install .` gives a working server: build the wheel, install it into a fresh virtual environment
outside the source tree, start it, and use it, widget files included."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_wheel_installs_and_serves(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("porch-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], check=True
    )
    workdir = tmp_path / "run"  # not the source tree: nothing may come from the checkout
    workdir.mkdir()
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(env_dir / "bin" / "porch"), "serve", "--port", str(port)], cwd=workdir, stdout=log, stderr=log
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            subprocess.run(["sleep", "0.1"], check=True)
        script = httpx.get(f"{base}/porch.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert script.content == (ROOT / "static" / "porch.js").read_bytes()
        demo = httpx.get(f"{base}/")
        assert demo.status_code == 200 and "/porch.js" in demo.text
        posted = httpx.post(
            f"{base}/api/v1/comments",
            json={"site": "demo", "thread": "/", "text": "from the wheel", "author": {"name": "Wheel"}},
        )
        assert posted.status_code == 201, posted.text
        page = httpx.get(f"{base}/api/v1/comments", params={"site": "demo", "thread": "/"}).json()
        assert page["comments"][0]["html"] == "<p>from the wheel</p>"
        assert (workdir / "porch.db").exists() and (workdir / "secret.key").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
