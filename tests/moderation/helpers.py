"""Helpers for the moderation tests: a console session for the test client, signed-in readers, and posting
from a chosen client address."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from porch.app import create_app
from porch.settings import Settings
from porch.storage import identities as identity_rows

CONSOLE_ORIGIN = "http://testserver"  # PUBLIC_URL of the test settings


def console_session(client: TestClient, actor: str = "admin-link") -> dict[str, str]:
    """Open a console session for `actor` and return the headers an unsafe console request sends."""
    porch = client.app.state.porch  # type: ignore[attr-defined]
    key = client.portal.call(porch.console.open_session, actor)  # type: ignore[union-attr]
    client.cookies.set("porch_admin", key)
    return {"Origin": CONSOLE_ORIGIN}


def reader_session(client: TestClient, site: str, provider: str, subject: str, name: str) -> str:
    """A widget session token of a signed-in reader of `site` (as if they had signed in with `provider`)."""
    porch = client.app.state.porch  # type: ignore[attr-defined]

    async def make() -> str:
        async def work(conn: Any) -> str:
            identity_id = await identity_rows.upsert(conn, provider, subject, name, None, None, None)
            token: str = await porch.authenticator.sessions.create(conn, site, identity_id)
            return token

        return await porch.storage.write(work)  # type: ignore[no-any-return]

    return client.portal.call(make)  # type: ignore[union-attr,no-any-return]


@contextmanager
def behind_proxy(settings: Settings) -> Iterator[TestClient]:
    """A client whose X-Forwarded-For decides the client address the app sees."""
    app = create_app(settings)
    with TestClient(ProxyHeadersMiddleware(app, trusted_hosts="*")) as client:  # type: ignore[arg-type]
        client.app.state = app.state  # type: ignore[attr-defined]
        yield client


def post(client: TestClient, text: str = "Hello", *, address: str | None = None, **fields: Any) -> Any:
    body = {"site": "blog", "thread": "/post", "text": text, "author": {"name": "Ann"}, **fields}
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/api/v1/comments", json=body, headers=headers)


def page(client: TestClient, thread: str = "/post", **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/comments", params={"site": "blog", "thread": thread, **params})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def queue(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/admin/comments", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def act(client: TestClient, comment_id: str, **change: Any) -> dict[str, Any]:
    response = client.patch(f"/api/v1/admin/comments/{comment_id}", json=change, headers={"Origin": CONSOLE_ORIGIN})
    assert response.status_code == 200, response.text
    return response.json()["comment"]  # type: ignore[no-any-return]
