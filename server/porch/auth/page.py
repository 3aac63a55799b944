"""The page the sign-in popup ends on.

With its opener still there, it posts the login id and the one-time code to the opener, at the login's exact
origin only, then closes. Without an opener (a provider's isolation policy can cut it), it names the site and
its origin and asks the reader to Continue; that confirmation lets the widget finish without the code.
Nothing is inlined without escaping; a nonce-based Content-Security-Policy allows our one script only.
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from starlette.responses import HTMLResponse

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
  show('confirm');
  var button = document.getElementById('continue');
  button.addEventListener('click', function () {
    button.disabled = true;
    fetch(data.confirm, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: data.message.login, code: data.message.code }),
      credentials: 'omit',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      show('done');
      setTimeout(function () { window.close(); }, 50);
    }).catch(function () { show('failed'); });
  });
})();
"""

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh;
       color: #1d1d1f; background: #f6f6f7; }
main { max-width: 28rem; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.25rem; margin-top: 0; }
.origin { font-family: ui-monospace, monospace; word-break: break-all; }
button { font: inherit; padding: .5rem 1.25rem; border-radius: 6px; border: 0; background: #2458d6; color: #fff; }
button:disabled { opacity: .6; }
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
    confirm_url: str,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    data = {"ok": ok, "message": message, "origin": origin, "confirm": confirm_url}
    data_json = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    e = html.escape
    title = e(site_title or "the site")
    where = e(origin or "")
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
<section id="confirm" hidden>
<h1>Continue signing in to {title}?</h1>
<p>You are signing in{" as <strong>" + e(user_name) + "</strong>" if user_name else ""} to comment on
<strong>{title}</strong> at <span class="origin">{where}</span>.</p>
<p>Continue only if you started this on that site just now.</p>
<p><button id="continue" type="button">Continue</button></p>
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
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    return HTMLResponse(body, status_code=status, headers=headers)
