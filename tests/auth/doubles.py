"""Small local servers that follow the documented protocols of providers the tests cannot reach:

- GitHub's OAuth app flow: docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  (authorize, access_token answering 200 with an `error` field, GET /user).
- Mastodon: docs.joinmastodon.org (POST /api/v1/apps, /oauth/authorize, /oauth/token, /oauth/revoke,
  GET /api/v1/accounts/verify_credentials).
- IndieAuth: indieauth.spec.indieweb.org (profile pages with rel links, server metadata, the authorization
  endpoint answering the code redemption with `me` and `profile`, the `iss` response parameter).

Each approves every authorization request at once for its current user, checks PKCE (S256) and single-use
codes like the real services, and records what it was asked, so tests can see that Porch never called it.
They run under uvicorn on 127.0.0.1 in a thread. A test can make one endpoint misbehave (a compressed bomb,
a body trickling in, huge headers) through `sabotage`, and the IndieAuth double serves a page with whatever
Link header a test sets (`hostile_link`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.processes import free_port


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _redirect(redirect_uri: str, **params: str) -> Response:
    joiner = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(redirect_uri + joiner + urlencode(params), status_code=302)


async def _form(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").startswith("application/json"):
        return {k: str(v) for k, v in (await request.json()).items()}
    return dict(parse_qsl((await request.body()).decode()))


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str | None
    user: str
    created: float = field(default_factory=time.time)


class LocalServer:
    """A Starlette app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app: Starlette) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.requests: list[str] = []
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("local server did not start")
            time.sleep(0.02)

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, str] = {}
        # endpoint name → the answer it gives instead of its own (for tests of hostile servers)
        self.sabotage: dict[str, Callable[[], Response]] = {}

    def record(self, request: Request) -> None:
        self.requests.append(f"{request.method} {request.url.path}")

    def sabotaged(self, endpoint: str) -> Response | None:
        answer = self.sabotage.get(endpoint)
        return answer() if answer is not None else None

    def issue_code(self, grant: Grant) -> str:
        code = secrets.token_urlsafe(16)
        self.codes[code] = grant
        return code

    def take_code(self, code: str, client_id: str, redirect_uri: str | None, verifier: str | None) -> Grant | None:
        """The grant of a valid code, used up; None for a wrong, reused, expired or unverified one."""
        grant = self.codes.pop(code, None)
        if grant is None or grant.client_id != client_id or time.time() - grant.created > 600:
            return None
        if redirect_uri is not None and redirect_uri != grant.redirect_uri:
            return None
        if grant.challenge is not None and (verifier is None or s256(verifier) != grant.challenge):
            return None
        return grant


# ---- GitHub ---------------------------------------------------------------------------------------------


class GitHubDouble(_Recorder):
    CLIENT_ID, CLIENT_SECRET = "Iv1.porchtest", "github-secret"

    def __init__(self) -> None:
        super().__init__()
        self.users = {
            "octocat": {
                "login": "octocat",
                "id": 583231,
                "name": "The Octocat",
                "html_url": "https://github.com/octocat",
            },
            "nameless": {"login": "nameless", "id": 42, "name": None, "html_url": "https://github.com/nameless"},
        }
        self.user = "octocat"
        self.callback = ""
        app = Starlette(
            routes=[
                Route("/login/oauth/authorize", self.authorize),
                Route("/login/oauth/access_token", self.access_token, methods=["POST"]),
                Route("/api/user", self.user_api),
            ]
        )
        self.server = LocalServer(app)

    async def authorize(self, request: Request) -> Response:
        self.record(request)
        q = request.query_params
        if q.get("client_id") != self.CLIENT_ID:
            return HTMLResponse("unknown client", status_code=404)
        redirect_uri = q.get("redirect_uri") or self.callback
        if redirect_uri != self.callback:
            return _redirect(self.callback, error="redirect_uri_mismatch", state=q.get("state", ""))
        challenge = q.get("code_challenge") if q.get("code_challenge_method") == "S256" else None
        code = self.issue_code(Grant(self.CLIENT_ID, redirect_uri, challenge, self.user))
        return _redirect(redirect_uri, code=code, state=q.get("state", ""))

    async def access_token(self, request: Request) -> Response:
        self.record(request)
        form = await _form(request)
        if form.get("client_id") != self.CLIENT_ID or form.get("client_secret") != self.CLIENT_SECRET:
            return JSONResponse(
                {
                    "error": "incorrect_client_credentials",
                    "error_description": "The client_id and/or client_secret passed are incorrect.",
                }
            )
        grant = self.take_code(
            form.get("code", ""), self.CLIENT_ID, form.get("redirect_uri"), form.get("code_verifier")
        )
        if grant is None:
            # GitHub answers 200 with an error field here.
            return JSONResponse(
                {"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}
            )
        token = "gho_" + secrets.token_urlsafe(20)
        self.tokens[token] = grant.user
        wants_json = "application/json" in request.headers.get("accept", "")
        body = {"access_token": token, "token_type": "bearer", "scope": ""}
        return (
            JSONResponse(body)
            if wants_json
            else Response(urlencode(body), media_type="application/x-www-form-urlencoded")
        )

    async def user_api(self, request: Request) -> Response:
        self.record(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = self.tokens.get(token) if scheme.lower() in ("bearer", "token") else None
        if user is None:
            return JSONResponse({"message": "Bad credentials", "status": "401"}, status_code=401)
        data = self.users[user]
        return JSONResponse(
            {
                **data,
                "node_id": "MDQ6VXNlcjE=",
                "avatar_url": "https://avatars.githubusercontent.com/u/1",
                "type": "User",
                "site_admin": False,
            }
        )


# ---- Mastodon -------------------------------------------------------------------------------------------


class MastodonDouble(_Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.apps: dict[str, dict[str, Any]] = {}
        self.revoked: list[str] = []
        self.account = {"id": "109", "username": "alice", "acct": "alice", "display_name": "Alice 🐘"}
        app = Starlette(
            routes=[
                Route("/api/v1/apps", self.register, methods=["POST"]),
                Route("/oauth/authorize", self.authorize),
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/oauth/revoke", self.revoke, methods=["POST"]),
                Route("/api/v1/accounts/verify_credentials", self.verify_credentials),
            ]
        )
        self.server = LocalServer(app)

    async def register(self, request: Request) -> Response:
        self.record(request)
        if sabotaged := self.sabotaged("register"):
            return sabotaged
        form = await _form(request)
        if not form.get("client_name") or not form.get("redirect_uris"):
            return JSONResponse({"error": "Validation failed: Application name can't be blank"}, status_code=422)
        client_id, client_secret = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.apps[client_id] = {**form, "client_secret": client_secret}
        return JSONResponse(
            {
                "id": str(len(self.apps)),
                "name": form["client_name"],
                "website": form.get("website"),
                "scopes": form.get("scopes", "read").split(),
                "redirect_uri": form["redirect_uris"],
                "redirect_uris": form["redirect_uris"].split(),
                "client_id": client_id,
                "client_secret": client_secret,
                "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
            }
        )

    async def authorize(self, request: Request) -> Response:
        self.record(request)
        q = request.query_params
        app = self.apps.get(q.get("client_id", ""))
        if app is None or q.get("redirect_uri") not in app["redirect_uris"].split():
            return HTMLResponse("The redirect uri included is not valid.", status_code=400)
        if q.get("response_type") != "code" or not set(q.get("scope", "read").split()) <= set(app["scopes"].split()):
            return _redirect(q["redirect_uri"], error="invalid_scope", state=q.get("state", ""))
        challenge = q.get("code_challenge") if q.get("code_challenge_method") == "S256" else None
        code = self.issue_code(Grant(q["client_id"], q["redirect_uri"], challenge, self.account["username"]))
        return _redirect(q["redirect_uri"], code=code, state=q.get("state", ""))

    async def token(self, request: Request) -> Response:
        self.record(request)
        if sabotaged := self.sabotaged("token"):
            return sabotaged
        form = await _form(request)
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, status_code=401
            )
        grant = self.take_code(
            form.get("code", ""), form["client_id"], form.get("redirect_uri"), form.get("code_verifier")
        )
        if form.get("grant_type") != "authorization_code" or grant is None:
            return JSONResponse(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is "
                    "invalid, expired, revoked, does not match the redirection URI used in the "
                    "authorization request, or was issued to another client.",
                },
                status_code=400,
            )
        token = secrets.token_urlsafe(32)
        self.tokens[token] = grant.user
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "scope": "read:accounts", "created_at": int(time.time())}
        )

    async def revoke(self, request: Request) -> Response:
        self.record(request)
        form = await _form(request)
        if (app := self.apps.get(form.get("client_id", ""))) is None or app["client_secret"] != form.get(
            "client_secret"
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if self.tokens.pop(form.get("token", ""), None) is not None:
            self.revoked.append(form["token"])
        return JSONResponse({})

    async def verify_credentials(self, request: Request) -> Response:
        self.record(request)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        if sabotaged := self.sabotaged("verify_credentials"):
            return sabotaged
        base = self.server.base
        return JSONResponse(
            {
                "url": f"{base}/@{self.account['username']}",
                "avatar": f"{base}/avatars/original/missing.png",
                "locked": False,
                "bot": False,
                "created_at": "2022-11-01T00:00:00.000Z",
                "note": "",
                "followers_count": 3,
                **self.account,  # a test may set any field, the url included
            }
        )


# ---- IndieAuth ------------------------------------------------------------------------------------------


class IndieAuthDouble(_Recorder):
    """One host with several personal sites and one authorization server (issuer `BASE/`)."""

    def __init__(self) -> None:
        super().__init__()
        self.names = {"alice": "Alice Web", "mallory": "Mallory"}
        self.answer_me: str | None = None  # when set, the server names this profile instead of the real one
        self.issuer_override: str | None = None
        self.hostile_link = ""  # the Link header of /hostile/
        app = Starlette(
            routes=[
                Route("/alice/", self.alice),
                Route("/hostile/", self.hostile),
                Route("/legacy/", self.legacy),
                Route("/moved", self.moved),
                Route("/plain/", self.plain),
                Route("/mallory/", self.mallory),
                Route("/.well-known/oauth-authorization-server", self.metadata),
                Route("/auth", self.authorize, methods=["GET"]),
                Route("/auth", self.redeem, methods=["POST"]),
                Route("/other-auth", self.authorize, methods=["GET"]),
            ]
        )
        self.server = LocalServer(app)
        self.base = self.server.base

    async def alice(self, request: Request) -> Response:
        self.record(request)
        meta = f"{self.base}/.well-known/oauth-authorization-server"
        return HTMLResponse(
            f'<!doctype html><html><head><link rel="indieauth-metadata" href="{meta}">'
            '<title>Alice</title></head><body><h1 class="h-card">Alice</h1></body></html>'
        )

    async def legacy(self, request: Request) -> Response:
        self.record(request)
        return HTMLResponse(
            "<html><head></head><body>legacy</body></html>", headers={"Link": '</auth>; rel="authorization_endpoint"'}
        )

    async def moved(self, request: Request) -> Response:
        self.record(request)
        return RedirectResponse(f"{self.base}/alice/", status_code=301)

    async def hostile(self, request: Request) -> Response:
        self.record(request)
        return HTMLResponse("<html><body>look at my headers</body></html>", headers={"Link": self.hostile_link})

    async def plain(self, request: Request) -> Response:
        self.record(request)
        return HTMLResponse("<html><body>no IndieAuth here</body></html>")

    async def mallory(self, request: Request) -> Response:
        self.record(request)
        return HTMLResponse('<html><head><link rel="authorization_endpoint" href="/other-auth"></head></html>')

    async def metadata(self, request: Request) -> Response:
        self.record(request)
        if sabotaged := self.sabotaged("metadata"):
            return sabotaged
        return JSONResponse(
            {
                "issuer": f"{self.base}/",
                "authorization_endpoint": f"{self.base}/auth",
                "token_endpoint": f"{self.base}/token",
                "code_challenge_methods_supported": ["S256"],
            }
        )

    async def authorize(self, request: Request) -> Response:
        self.record(request)
        q = request.query_params
        client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
        # Without fetching the client's metadata, a redirect URI is only trusted on the client id's own origin.
        same_origin = redirect_uri.split("/", 3)[:3] == client_id.split("/", 3)[:3]
        if q.get("response_type") != "code" or not same_origin or q.get("code_challenge_method") != "S256":
            return HTMLResponse("invalid request", status_code=400)
        me = q.get("me") or f"{self.base}/alice/"
        code = self.issue_code(Grant(client_id, redirect_uri, q.get("code_challenge"), me))
        return _redirect(redirect_uri, code=code, state=q.get("state", ""), iss=self.issuer_override or f"{self.base}/")

    async def redeem(self, request: Request) -> Response:
        self.record(request)
        if sabotaged := self.sabotaged("redeem"):
            return sabotaged
        form = await _form(request)
        grant = self.take_code(
            form.get("code", ""), form.get("client_id", ""), form.get("redirect_uri"), form.get("code_verifier")
        )
        if form.get("grant_type", "authorization_code") != "authorization_code" or grant is None:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "The code is invalid."}, status_code=400
            )
        me = self.answer_me or grant.user
        user = me.rstrip("/").rsplit("/", 1)[-1]
        return JSONResponse({"me": me, "profile": {"name": self.names.get(user, user), "url": me}})
