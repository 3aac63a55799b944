"""The page the sign-in popup ends on.

With its opener still there, it posts the login id and the one-time code to the opener, at the login's exact
origin only, then closes. Without an opener (a provider's isolation policy can cut it), it shows the code, with
the site and its origin, for the reader to type into the widget there: nothing on this page can finish the
sign-in by itself, so a reader lured here by someone else's link hands nothing over by clicking.
Nothing is inlined without escaping; a nonce-based Content-Security-Policy allows our one script only.
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from starlette.responses import HTMLResponse

from porch.auth.codes import display

_SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('porch-data').textContent);
  var opener = null;
  try { opener = window.opener; } catch (e) { opener = null; }
  function show(id) {
    var sections = document.querySelectorAll('section');
    for (var i = 0; i < sections.length; i++) sections[i].hidden = sections[i].id !== id;
  }
  if (data.message && data.origin && opener && !opener.closed) {
    try { opener.postMessage(data.message, data.origin); } catch (e) { /* the opener went away */ }
    show(data.ok ? 'done' : 'failed');
    setTimeout(function () { window.close(); }, 50);
    return;
  }
  if (!data.ok) { show('failed'); return; }
  show('code');
  var copy = document.getElementById('copy');
  if (!navigator.clipboard) { copy.hidden = true; return; }
  copy.addEventListener('click', function () {
    navigator.clipboard.writeText(data.message.code).then(function () {
      copy.textContent = 'Copied';
    }, function () { copy.hidden = true; });
  });
})();
"""

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh;
       color: #1d1d1f; background: #f6f6f7; }
main { max-width: 28rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.25rem; margin-top: 0; }
.origin { font-family: ui-monospace, monospace; word-break: break-all; }
.code { font: 600 1.75rem/1.2 ui-monospace, monospace; letter-spacing: .12em; user-select: all; margin: 1rem 0; }
.warning { font-size: .9rem; }
button { font: inherit; padding: .5rem 1.25rem; border-radius: 6px; border: 0; background: #2458d6; color: #fff; }
@media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } main { background: #1e1e20; } }
"""


def result_page(
    *,
    ok: bool,
    status: int,
    message: dict[str, Any] | None,
    origin: str | None,
    site_title: str | None,
    user_name: str | None,
    error: str | None,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    data = {"ok": ok, "message": message, "origin": origin}
    data_json = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    e = html.escape
    title = e(site_title or "the site")
    where = e(origin or "")
    code = e(display(message["code"])) if ok and message else ""
    body = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{"Signing in" if ok else "Sign-in failed"}</title>
<style nonce="{nonce}">{_STYLE}</style>
</head>
<body>
<main>
<section id="code" hidden>
<h1>Your code for {title}</h1>
<p>You signed in{" as <strong>" + e(user_name) + "</strong>" if user_name else ""}. To finish, type this code into
the comment form of <strong>{title}</strong> at <span class="origin">{where}</span>:</p>
<p class="code" id="the-code">{code}</p>
<p><button id="copy" type="button">Copy code</button></p>
<p class="warning">Type it there only, and only if you started signing in on that site just now: whoever has
this code can comment as you. Then close this window.</p>
</section>
<section id="done" hidden>
<h1>Signed in</h1>
<p>You can close this window and return to {title}.</p>
</section>
<section id="failed" {"hidden" if ok else ""}>
<h1>Sign-in did not complete</h1>
<p>{e(error or "Something went wrong.")}</p>
<p>Close this window and try again from the page.</p>
</section>
<noscript><p>Signing in needs JavaScript.</p></noscript>
</main>
<script type="application/json" id="porch-data">{data_json}</script>
<script nonce="{nonce}">{_SCRIPT}</script>
</body>
</html>
"""
    headers = {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'none'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    return HTMLResponse(body, status_code=status, headers=headers)
