"""Shared by the benchmarks: a real `porch serve` process on a temporary data dir, realistic comment text,
a tiny HTTP client for seeding, and wrk's output turned into numbers.

Everything here talks to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SITE = "bench"

CONFIG = f"""\
# Written by bench/: one site, the per-address rate limit off so a benchmark can post freely.
[sites.{SITE}]
title = "Benchmark"
origins = ["http://127.0.0.1:*"]
rate_limit = 0
max_length = 10000
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`python -m porch serve` in its default single process, with the bench config, on a fresh port."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.config = data_dir / "porch.toml"
        self.log = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        if not self.config.exists():
            self.config.write_text(CONFIG)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.data_dir / "porch.db"

    def start(self) -> Server:
        env = {**os.environ, "PYTHONPATH": str(REPO / "server")}
        env = {key: value for key, value in env.items() if not key.startswith("PORCH_")}
        command = [
            sys.executable,
            "-m",
            "porch",
            "serve",
            "--config",
            str(self.config),
            "--data-dir",
            str(self.data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.data_dir, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"porch serve exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"porch serve did not answer /healthz within 30 s; see {self.log}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far, all its threads (from /proc)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def post_comment(base: str, thread: str, text: str, name: str, parent: str | None = None) -> str:
    body = {
        "site": SITE,
        "thread": thread,
        "text": text,
        "author": {"name": name},
        "title": f"Post {thread}",
        "url": f"http://127.0.0.1/{thread.strip('/')}",
    }
    if parent is not None:
        body["parent"] = parent
    status, answer = request(f"{base}/api/v1/comments", "POST", body)
    if status != 201:
        raise RuntimeError(f"seeding failed: {status} {answer}")
    return str(answer["comment"]["id"])


# Realistic comment text: a few sentences of Markdown, sometimes with emphasis, code, a link or a list.

_WORDS = (  # noqa: SIM905 (one string is easier to read than 73 quoted words)
    "the a this that post idea point argument example code server thread reply comment article author reader"
    " really quite just still also never always often probably certainly clearly think agree disagree wonder"
    " tried found noticed wrote read built deployed measured broke fixed cache database query latency memory"
    " performance design approach version release bug feature test browser page widget moderation spam"
    " privacy because although when while after before since unless however indeed instead otherwise"
).split()
_NAMES = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Alan", "Radia", "Edsger"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(7, 18))]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*" if rng.random() < 0.5 else f"**{words[i]}**"
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), "`make test`")
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), f"[{words[0]}](https://example.com/{rng.choice(_WORDS)})")
    return " ".join(words).capitalize() + rng.choice(".....?!")


def comment_text(rng: random.Random) -> str:
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.1:
        paragraphs.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 3))))
    if rng.random() < 0.05:
        paragraphs.append("> " + _sentence(rng))
    return "\n\n".join(paragraphs)


def author_name(rng: random.Random) -> str:
    return f"{rng.choice(_NAMES)} {rng.randint(1, 99)}"


# wrk

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    assert match, text
    return float(match[1]) * _UNITS[match[2]]


def run_wrk(
    url: str, *, connections: int = 16, threads: int = 2, duration: int = 10, script: Path | None = None
) -> dict[str, float]:
    """Run wrk and return requests/s and latency percentiles in milliseconds; fail on any error response."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    percentiles = {f"p{p}": _ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if bad or errors:
        raise RuntimeError(f"wrk saw failures:\n{output}")
    return {"rps": rps, **percentiles}
