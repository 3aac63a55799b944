"""Real `porch serve` processes for tests that need one: durability, several processes, the browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx

SERVER_SOURCE = Path(__file__).resolve().parents[1] / "server"
READY_TIMEOUT = 20.0  # seconds for a process to answer /healthz, migrations included


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, **values: Any) -> Path:
    """A porch.toml from keyword arguments; a dict value becomes a table of tables (sites, providers)."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in values.items():
        if isinstance(value, dict):
            for name, table in value.items():
                tables.append(f"\n[{key}.{name}]")
                tables.extend(f"{k} = {_toml(v)}" for k, v in table.items())
        else:
            lines.append(f"{key} = {_toml(value)}")
    path.write_text("\n".join(lines + tables) + "\n")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(value)


def _child_environment() -> dict[str, str]:
    """This environment without PORCH_* (a developer's PORCH_SITES would override the test's config), running
    the checkout's code."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORCH_")}
    env["PYTHONPATH"] = str(SERVER_SOURCE)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class ServerProcess:
    """One `python -m porch serve` on 127.0.0.1, run in its data folder and logging to a file there."""

    def __init__(self, config: Path, data_dir: Path, port: int | None = None, log_level: str = "warning") -> None:
        self.config = config
        self.log_level = log_level
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    def launch(self) -> None:
        """Start the process without waiting for it: see `wait_ready`."""
        with self.log.open("ab") as log:  # the child holds its own descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "porch", "serve", "--config", str(self.config), "--data-dir",
                 str(self.data_dir), "--host", "127.0.0.1", "--port", str(self.port), "--log-level", self.log_level],
                cwd=self.data_dir,
                env=_child_environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"porch serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"porch serve did not answer within {timeout} s:\n{self.log.read_text()}")

    def start(self, timeout: float = READY_TIMEOUT) -> None:
        start_all([self], timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, exactly like a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_all(servers: Sequence[ServerProcess], timeout: float = READY_TIMEOUT) -> None:
    """Launch every process at once (on an empty database they race to migrate), then wait for each.
    If one fails, all are stopped."""
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready(timeout)
    except BaseException:
        for server in servers:
            server.stop()
        raise


@contextmanager
def running_server(
    config: Path, data_dir: Path, port: int | None = None, log_level: str = "warning"
) -> Iterator[ServerProcess]:
    server = ServerProcess(config, data_dir, port, log_level)
    server.start()
    try:
        yield server
    finally:
        server.stop()
