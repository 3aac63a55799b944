"""Security headers: nosniff on every response, and on every HTML page a Content-Security-Policy, framing
and referrer rules.

Comments are rendered on the server's own origin (the demo page) next to the sign-in pages, so every HTML
page must say what it may load. A page that needs more than nothing sets its own policy (routes/pages.py,
auth/page.py); any other HTML response gets DEFAULT_POLICY, which allows nothing at all.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

HTML_HEADERS = {
    "Content-Security-Policy": DEFAULT_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").lower().startswith("text/html"):
                    for name, value in HTML_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
