"""Time from navigation to a 200-comment thread painted by the widget, in Chromium, on a page of another site.

    python bench/first_paint.py [--runs 7]

Starts a real `porch serve` on 127.0.0.1 and a host page on http://localhost, seeds 200 comments through the API
(160 top-level, 40 replies), then loads the page in fresh browser contexts (cold: nothing cached) and again in the
same context (warm: porch.js from the HTTP cache). "Painted" is the first animation frame after all 200 comments
are in the widget's DOM, measured from navigation start. Also lists the requests made before that moment.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, HostSite, embed_page, start_porch

COMMENTS = 200
THREAD = "/bench/first-paint"

# Runs in the host page before anything else: watch for the 200th comment, then wait for the next frame.
WATCH = f"""
(() => {{
  function check() {{
    const host = document.querySelector('.porch-comments');
    const count = host && host.shadowRoot ? host.shadowRoot.querySelectorAll('li.c > article').length : 0;
    if (count >= {COMMENTS}) {{
      requestAnimationFrame(() => setTimeout(() => {{ window.__painted = performance.now(); }}, 0));
      return;
    }}
    requestAnimationFrame(check);
  }}
  requestAnimationFrame(check);
}})();
"""


def seed(server) -> None:  # type: ignore[no-untyped-def]
    roots: list[str] = []
    for n in range(COMMENTS):
        text = f"Comment {n}: " + " ".join(
            ["Some words of a typical comment, with *emphasis* and a bit more text."] * (1 + n % 4)
        )
        if n % 5 == 4:
            data = server.post(THREAD, text, name=f"Reader {n % 37}", parent=roots[n % len(roots)])
        else:
            data = server.post(THREAD, text, name=f"Reader {n % 37}")
            roots.append(data["comment"]["id"])


def measure(page, url: str) -> tuple[float, list[str]]:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_function("() => window.__painted !== undefined", timeout=30_000)
    painted = float(page.evaluate("() => window.__painted"))
    requests = page.evaluate(  # start → end of each request made before the paint, ms from navigation
        """t => performance.getEntriesByType('resource')
              .filter(e => e.startTime < t)
              .map(e => `${e.startTime.toFixed(0).padStart(5)} → ${e.responseEnd.toFixed(0).padStart(5)} ms  `
                        + new URL(e.name).pathname)""",
        painted,
    )
    avatars = [r for r in requests if "/avatar/" in r]
    listed = [r for r in requests if "/avatar/" not in r]
    if avatars:
        listed.append(f"{len(avatars)} avatar images (SVG, lazy-loaded, not needed for the text)")
    return painted, listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    host = HostSite()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_porch(Path(tmp), host.origin)
        try:
            seed(server)
            count = server.comments(THREAD)["thread"]["count"]
            assert count == COMMENTS, count
            url = host.page("/first-paint", embed_page(server.base, THREAD))
            cold: list[float] = []
            warm: list[float] = []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for run in range(args.runs):
                    context = browser.new_context(viewport={"width": 1000, "height": 900})
                    context.add_init_script(WATCH)
                    page = context.new_page()
                    time_cold, requests_cold = measure(page, url)
                    time_warm, requests_warm = measure(page, url)
                    cold.append(time_cold)
                    warm.append(time_warm)
                    if run == 0:
                        print("requests before paint, cold:", *requests_cold, sep="\n  ")
                        print("requests before paint, warm:", *requests_warm, sep="\n  ")
                    context.close()
                browser.close()
        finally:
            server.process.terminate()
            server.process.wait(10)
            host.close()

    def line(label: str, values: list[float]) -> str:
        return (
            f"{label}: median {statistics.median(values):6.1f} ms   min {min(values):6.1f} ms   "
            f"max {max(values):6.1f} ms   ({len(values)} runs)"
        )

    print(f"navigation → {COMMENTS} comments painted, Chromium, loopback")
    print(line("cold cache", cold))
    print(line("warm cache", warm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
