"""Formatting a comment never holds up the server, and no text keeps a CPU busy past a deadline.
(Security review, finding 3: the renderer's half; the rate limits on edits are tested in test_limits.py.)"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from porch.app import create_app
from porch.errors import ApiError
from porch.render import Renderer
from porch.render_pool import RenderPool
from tests.conftest import make_settings, post_comment, site_table

SLOW_SHAPE = "[\n" * 5000  # 10,000 characters that markdown-it-py takes a few hundred milliseconds to render
HEAVY = "[<" * 30_000  # 60 kB, within the body limit: seconds of work for markdown-it-py


def test_a_slow_text_does_not_hold_up_other_requests(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, sites=site_table(max_length=100_000))
    with TestClient(create_app(settings)) as client:
        posted = post_comment(client, "short")
        post_comment(client, "x" * 2000)  # starts the worker, so the race below is about rendering alone
        statuses: list[int] = []
        edited = threading.Event()

        def edit() -> None:
            response = client.patch(
                f"/api/v1/comments/{posted['comment']['id']}",
                json={"text": HEAVY},
                headers={"X-Edit-Token": posted["edit_token"]},
            )
            statuses.append(response.status_code)
            edited.set()

        editing = threading.Thread(target=edit)
        editing.start()
        edited.wait(0.5)  # the edit is being rendered now
        # Rendered on the event loop, the edit would hold every request back until it was done: the first
        # read would be answered only then, and the next ones after the edit had been answered.
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
            edited.wait(0.05)
        answered_during_the_edit = not edited.is_set()
        editing.join()
    assert answered_during_the_edit
    assert statuses[0] in (200, 422)  # rendered, or refused at the deadline


async def test_a_text_past_the_deadline_is_refused_and_the_worker_replaced() -> None:
    pool = RenderPool(Renderer(), inline_limit=10, deadline=0.3)
    try:
        assert await pool.render("plain words here") == "<p>plain words here</p>"  # starting is not counted
        with pytest.raises(ApiError) as refused:
            await pool.render(SLOW_SHAPE * 4)  # about 1.5 s of work
        assert (refused.value.status, refused.value.code) == (422, "text_too_complex")
        assert await pool.render("**plain** words") == "<p><strong>plain</strong> words</p>"
    finally:
        pool.close()


async def test_the_worker_renders_exactly_as_in_place() -> None:
    renderer = Renderer()
    pool = RenderPool(renderer, inline_limit=10, deadline=30)
    text = "# Title\n\nSome *emphasis*, a [link](https://example.com) and <script>alert(1)</script>\n\n> quote"
    try:
        assert await pool.render(text) == renderer.render(text)
    finally:
        pool.close()
