"""The browser-test harness, shared by tests/e2e, bench/ and scripts/: a real Porch server process, a host
site on another origin, an interruptible TCP proxy in front of the server, and Chromium's launch settings.

The server runs on 127.0.0.1; host pages come from http://localhost:<port>, another *site*, so the widget is
tested as it runs in the wild: cross-origin, with CORS, and with no cookie of the server in reach.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.processes import ServerProcess, free_port, write_config

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
EDIT_WINDOW = 900
MAX_LENGTH = 500


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


# ---- the host site (another origin) ------------------------------------------------------------------------


class HostSite:
    """A static web server on http://localhost:PORT serving pages registered by the tests."""

    def __init__(self) -> None:
        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, html: str) -> str:
        self.pages[path] = html.encode()
        return self.origin + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def embed_page(
    server: str,
    thread: str,
    *,
    site: str = "test",
    lang: str = "en",
    attrs: str = "",
    before: str = "",
    after: str = "",
    title: str = "A post",
) -> str:
    """A host page with an article and the real widget embedded by its documented tag."""
    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: serif; margin: 0 auto; max-width: 46rem; padding: 1rem; }}
/* hostile host CSS that must not reach the widget */
button, h2, input, textarea, li {{ all: unset; color: red !important; font-size: 40px !important; }}</style>
</head>
<body><main>
<h1>{title}</h1>
{before}
<p>Some article text on the host page.</p>
<script src="{server}porch.js" data-site="{site}" data-thread="{thread}" {attrs} async></script>
{after}
</main></body></html>"""


# ---- the Porch server process -----------------------------------------------------------------------------


class PorchServer(ServerProcess):
    """The browser tests' server, with sites `test`, `slow` (rate limited) and `demo`, and the API calls they
    make. `base` is its URL with the trailing slash the widget's `src` takes, `origin` the one CORS sees."""

    @property
    def base(self) -> str:
        return self.url + "/"

    @property
    def origin(self) -> str:
        return self.url

    def api(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """Calls the API without an Origin header, as a script or another reader's API client would."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path.lstrip("/"), data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def post(
        self, thread: str, text: str, name: str = "Alice", parent: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "site": "test",
            "thread": thread,
            "text": text,
            "author": {"name": name},
            **extra,
        }
        if parent:
            body["parent"] = parent
        status, data = self.api("POST", "/api/v1/comments", body)
        assert status == 201, data
        return dict(data)

    def comments(self, thread: str, **query: str) -> dict[str, Any]:
        params = urllib.parse.urlencode({"site": "test", "thread": thread, **query})
        status, data = self.api("GET", f"/api/v1/comments?{params}")
        assert status == 200, data
        return dict(data)


def start_porch(tmp: Path, host_origin: str) -> PorchServer:
    """A running PorchServer with its database, config and log in `tmp`; pages on `host_origin` may embed it."""
    port = free_port()
    server_origin = f"http://127.0.0.1:{port}"
    config = write_config(
        tmp / "porch.toml",
        public_url=server_origin,
        database=f"sqlite:///{tmp / 'porch.db'}",
        sites={
            "test": {
                "title": "Test",
                "origins": [host_origin],
                "edit_window": EDIT_WINDOW,
                "max_length": MAX_LENGTH,
                "rate_limit": 0,
            },
            "slow": {"title": "Rate limited", "origins": [host_origin], "rate_limit": 1},
            "demo": {"title": "Demo", "origins": [host_origin, server_origin], "rate_limit": 0},
        },
    )
    server = PorchServer(config, tmp, port)
    server.start()
    return server


# ---- an interruptible TCP proxy ---------------------------------------------------------------------------


class Proxy:
    """Forwards 127.0.0.1:port to the Porch server. `cut()` drops every open connection and refuses new ones
    (they are accepted and closed at once) until `restore()`: a network outage as the browser sees it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.down = threading.Event()
        self.stopping = threading.Event()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:  # cut() takes the lock too: a connection is either dropped by it or refused here
                if self.down.is_set():
                    client.close()
                    upstream.close()
                    continue
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while not self.stopping.is_set():
                for key, _ in selector.select(timeout=0.2):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        with self.lock:
            self.down.set()
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.stopping.set()
        self.cut()
        self.listener.close()
