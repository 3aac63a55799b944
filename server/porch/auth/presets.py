"""OpenID Connect presets: a site owner configures `type = "google"` (or "gitlab", "microsoft") with only a
client id and secret; everything else is found through the issuer's discovery document.

`options` are extra settings a preset accepts, with their defaults, used to build the issuer URL.
"""

from __future__ import annotations

from typing import Any

PRESETS: dict[str, dict[str, Any]] = {
    "google": {"name": "Google", "issuer": "https://accounts.google.com"},
    # gitlab.com by default; a self-managed GitLab sets `issuer = "https://gitlab.example.com"`.
    "gitlab": {"name": "GitLab", "issuer": "https://gitlab.com"},
    # `tenant`: "common" (any work, school or personal account), "organizations", "consumers" or a tenant id.
    "microsoft": {
        "name": "Microsoft",
        "issuer": "https://login.microsoftonline.com/{tenant}/v2.0",
        "options": {"tenant": "common"},
        "multi_tenant_issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
    },
}
