"""A local server that follows Akismet's documented REST protocol (akismet.com/developers), for the spam tests.

- POST /1.1/comment-check, form-encoded: `api_key`, `blog` and `user_ip` required. Answers `true` for spam,
  `false` otherwise; with `discard` set, spam also carries `X-akismet-pro-tip: discard`. Spam here is what
  Akismet's documented test values are (author `viagra-test-123`, e-mail
  `akismet-guaranteed-spam@example.com`), or content containing the marker `viagra-test-123`.
- POST /1.1/submit-spam and /1.1/submit-ham: the same fields; answer `Thanks for making the web a better place.`
- A wrong key or a missing required field: `invalid`, with the reason in `X-akismet-debug-help`.

It records every request it receives (method name, form fields, headers), and a test can make it slow
(`delay` seconds before answering) or failing (`fail`: 500).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.auth.doubles import LocalServer

KEY = "porch-test-akismet-key"
SPAM_MARKER = "viagra-test-123"
SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
THANKS = "Thanks for making the web a better place."
REQUIRED = ("api_key", "blog", "user_ip")


@dataclass(frozen=True)
class Received:
    method: str  # "comment-check", "submit-spam", "submit-ham"
    form: dict[str, str]
    headers: dict[str, str]


class AkismetDouble:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.delay = 0.0  # seconds before each answer
        self.fail = False  # answer 500
        self.discard = False  # add the "discard" pro-tip to spam answers
        self._closing = threading.Event()
        app = Starlette(routes=[Route("/1.1/{method}", self.endpoint, methods=["POST"])])
        self.server = LocalServer(app)
        self.url = f"{self.server.base}/1.1"

    def close(self) -> None:
        self._closing.set()  # ends any answer still being delayed, so the server can stop
        self.server.close()

    def methods(self) -> list[str]:
        return [r.method for r in self.received]

    async def endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        body = (await request.body()).decode()
        form = dict(parse_qsl(body, keep_blank_values=True))
        self.received.append(Received(method, form, {k.lower(): v for k, v in request.headers.items()}))
        waited = 0.0
        while waited < self.delay and not self._closing.is_set():
            await asyncio.sleep(0.05)
            waited += 0.05
        if self.fail:
            return PlainTextResponse("Internal Server Error", status_code=500)
        if method not in ("comment-check", "submit-spam", "submit-ham"):
            return PlainTextResponse("Not Found", status_code=404)
        if request.headers.get("content-type", "").split(";")[0] != "application/x-www-form-urlencoded":
            return _invalid("Send the parameters form-encoded in the body of a POST")
        for name in REQUIRED:
            if not form.get(name):
                return _invalid(f"Empty {name!r} value")
        if form["api_key"] != KEY:
            return _invalid("Your API key is not valid")
        if method != "comment-check":
            return PlainTextResponse(THANKS)
        spam = (
            form.get("comment_author") == SPAM_MARKER
            or form.get("comment_author_email") == SPAM_EMAIL
            or SPAM_MARKER in form.get("comment_content", "")
        )
        headers = {"X-akismet-pro-tip": "discard"} if spam and self.discard else {}
        return PlainTextResponse("true" if spam else "false", headers=headers)


def _invalid(reason: str) -> Response:
    return PlainTextResponse("invalid", headers={"X-akismet-debug-help": reason})
