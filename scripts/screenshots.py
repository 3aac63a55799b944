"""Regenerates docs/screenshots/light.png and dark.png: the real widget, served by a real `porch serve`,
embedded on a page of another site and captured in Chromium.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, HostSite, embed_page, start_porch  # noqa: E402

OUT = REPO / "docs" / "screenshots"
THREAD = "/posts/porches"


def seed(server) -> None:  # type: ignore[no-untyped-def]
    first = server.post(
        THREAD,
        "Lovely write-up. We added a porch last summer and it is now where *every* conversation happens.",
        name="Maya Lindqvist",
        url="https://maya.example",
    )
    server.post(
        THREAD,
        "Same here! Did you treat the wood, or leave it to grey naturally?",
        name="Tomás",
        parent=first["comment"]["id"],
    )
    server.post(
        THREAD,
        "For anyone self-hosting: `porch serve` and one script tag were all it took. "
        "The [widget docs](https://example.com/docs) cover theming.",
        name="Ada",
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    host = HostSite()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_porch(Path(tmp), host.origin)
        try:
            seed(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for theme, background, color in (("light", "#ffffff", "#222"), ("dark", "#0d1117", "#e6edf3")):
                    page = browser.new_page(viewport={"width": 760, "height": 1000}, device_scale_factor=1)
                    html = embed_page(server.base, THREAD, attrs=f'data-theme="{theme}"', title="On porches")
                    html = html.replace("button, h2, input, textarea, li", "x-none").replace(
                        "<body>",
                        f'<body style="background:{background};color:{color}"><style>main{{padding:20px}}</style>',
                    )
                    page.goto(host.page(f"/shot-{theme}", html))
                    widget = page.locator("div.porch-comments")
                    widget.locator("li.c > article").nth(2).wait_for()
                    page.wait_for_timeout(300)  # avatars
                    page.locator("main").screenshot(path=str(OUT / f"{theme}.png"), animations="disabled")
                    print(f"wrote {OUT / f'{theme}.png'}")
                    page.close()
                browser.close()
        finally:
            server.process.terminate()
            server.process.wait(10)
            host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
