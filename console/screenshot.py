"""Regenerates docs/screenshots/console.png: the moderation console of a real `porch serve`, signed in with
`porch admin link`, with a few held and reported comments, captured in Chromium.

    .venv/bin/python console/screenshot.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, PorchServer  # noqa: E402
from tests.processes import SERVER_SOURCE, free_port, write_config  # noqa: E402

OUT = REPO / "docs" / "screenshots" / "console.png"


def post(server: PorchServer, site: str, thread: str, title: str, text: str, name: str) -> dict[str, str]:
    body = {
        "site": site,
        "thread": thread,
        "title": title,
        "url": f"https://{site}.example{thread}",
        "text": text,
        "author": {"name": name, "email": f"{name.split()[0].lower().replace('á', 'a')}@example.com"},
    }
    status, data = server.api("POST", "/api/v1/comments", body)
    assert status == 201, data
    return dict(data["comment"])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        config = write_config(
            tmp / "porch.toml",
            public_url=f"http://127.0.0.1:{port}",
            database=f"sqlite:///{tmp / 'porch.db'}",
            sites={
                "blog": {
                    "title": "The blog",
                    "origins": ["https://blog.example"],
                    "moderation": "first-time",
                    "rate_limit": 0,
                },
                "shop": {"title": "The shop", "origins": ["https://shop.example"], "rate_limit": 0},
            },
        )
        server = PorchServer(config, tmp, port)
        server.start()
        try:
            reported = post(
                server,
                "shop",
                "/products/porch-swing",
                "Porch swing",
                "Mine arrived with a cracked slat. Support replaced it in two days, though.",
                "Priya Raman",
            )
            server.api("POST", f"/api/v1/comments/{reported['id']}/flag", {"reason": "off_topic"})
            post(
                server,
                "blog",
                "/posts/porches",
                "On porches",
                "We added a porch last summer and it is now where *every* conversation happens.",
                "Maya Lindqvist",
            )
            post(
                server,
                "blog",
                "/posts/decking",
                "Choosing decking",
                "Did you treat the wood, or leave it to grey naturally? [Photos here](https://tomas.example/deck).",
                "Tomás Ortega",
            )
            env = {"PYTHONPATH": str(SERVER_SOURCE), "PATH": "/usr/bin:/bin"}
            link = (
                subprocess.run(
                    [sys.executable, "-m", "porch", "admin", "link", "--config", str(config), "--data-dir", str(tmp)],
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 900, "height": 700}, device_scale_factor=1)
                page.goto(link)
                page.locator("li.row").nth(1).wait_for()
                page.get_by_text("Live", exact=True).wait_for()
                page.keyboard.press("j")
                page.screenshot(path=str(OUT), animations="disabled")
                print(f"wrote {OUT}")
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
