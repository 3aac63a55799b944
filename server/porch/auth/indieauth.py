"""`indieauth`: the reader types their own website; its canonical profile URL becomes their identity.

Following the IndieAuth specification (indieauth.spec.indieweb.org): the typed URL is normalised to a profile
URL, fetched (redirects followed; permanent ones change the canonical URL), and its authorization server
found through `rel="indieauth-metadata"` (or the older `rel="authorization_endpoint"`), in the Link header or
the HTML. The reader authorises there with PKCE (S256), state and `me`; Porch redeems the code at the
authorization endpoint (profile only, no access token) and checks the `me` it gets back: one that differs
from the typed site must declare the same authorization endpoint, and the `iss` of the answer must be the
server's issuer.

Porch's client id is the URL of a small client metadata document it serves (routes/auth.py).
Every request goes through the guarded client (no loopback or private addresses unless allowed) and is read
through net.fetch, within size and time limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]

from porch.auth.links import parse_link_header
from porch.auth.net import Answer, Limits, ResponseRefused, check_reachable, client_options, fetch, normalise_host
from porch.auth.provider import Context, Prepared, Profile, Provider, SignInFailed, check_keys, flow_data
from porch.errors import ApiError
from porch.storage.sign_in import Login

MAX_REDIRECTS = 5
SCOPE = "profile"


class IndieAuthProvider(Provider):
    type = "indieauth"
    default_name = "your website"
    input = "website"
    limits = Limits()

    def __init__(self, provider_id: str, conf: Mapping[str, Any], context: Context) -> None:
        check_keys(conf, provider_id, set())
        super().__init__(provider_id, conf, context)
        self.allow_private = context.settings.allow_private_instances

    @property
    def client_id(self) -> str:
        return f"{self.context.settings.public_url}/auth/{self.id}/client"

    def client_metadata(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "client_name": f"Porch comments at {self.context.settings.public_url.split('://', 1)[1]}",
            "client_uri": self.context.settings.public_url + "/",
            "redirect_uris": [self.callback_url],
        }

    async def prepare(self, instance: str | None) -> Prepared:
        if not instance:
            raise ApiError(422, "website_required", "Type the address of your website.")
        me = self.profile_url(instance)
        canonical, endpoints = await self.discover(me)
        return Prepared(instance=canonical, flow=endpoints)

    def profile_url(self, text: str) -> str:
        """A typed website as an IndieAuth profile URL: http(s), a host name, a path, nothing else (422 otherwise)."""
        raw = text.strip()
        if "://" not in raw:
            raw = "https://" + raw
        try:
            parts = urlsplit(raw)
        except ValueError:
            raise _invalid() from None
        if parts.scheme not in ("http", "https") or parts.fragment or parts.username or parts.password:
            raise _invalid()
        segments = parts.path.split("/")
        if "." in segments or ".." in segments:
            raise _invalid()
        address = normalise_host(
            f"{parts.scheme}://{parts.netloc}",
            allow_private=self.allow_private or parts.scheme == "http",
            field="website",
        )
        if not self.allow_private and (address.port is not None or _is_ip(address.host)):
            raise ApiError(422, "invalid_website", "Your website's address must be a domain name without a port.")
        return urlunsplit((address.scheme, address.netloc, parts.path or "/", parts.query, ""))

    async def _get(self, http: httpx2.AsyncClient, url: str, accept: str) -> Answer:
        address = normalise_host(
            f"{urlsplit(url).scheme}://{urlsplit(url).netloc}", allow_private=True, field="website"
        )
        await check_reachable(address, allow_private=self.allow_private)
        return await fetch(http, "GET", url, limits=self.limits, headers={"Accept": accept})

    async def discover(self, me: str) -> tuple[str, dict[str, Any]]:
        """The canonical profile URL of `me` and its authorization server's endpoints (422 if it has none)."""
        canonical = current = me
        try:
            async with httpx2.AsyncClient(**client_options(guarded=not self.allow_private)) as http:
                for _ in range(MAX_REDIRECTS + 1):
                    page = await self._get(http, current, "text/html, application/xhtml+xml")
                    if page.is_redirect:
                        current = self.profile_url(urljoin(current, page.headers["location"]))
                        if page.status in (301, 308):
                            canonical = current
                        continue
                    break
                else:
                    raise ApiError(422, "website_unreachable", "Your website redirects too many times.")
                if page.status >= 400:
                    raise ResponseRefused(f"the website answered {page.status}")
                links = _links(page, current)
                if "indieauth-metadata" in links:
                    answer = await self._get(http, links["indieauth-metadata"], "application/json")
                    if answer.status >= 400:
                        raise ResponseRefused(f"the metadata answered {answer.status}")
                    metadata = answer.json_object()
                    endpoints = {
                        "issuer": metadata.get("issuer"),
                        "authorization_endpoint": metadata.get("authorization_endpoint"),
                    }
                elif "authorization_endpoint" in links:
                    endpoints = {"issuer": None, "authorization_endpoint": links["authorization_endpoint"]}
                else:
                    raise ApiError(422, "indieauth_not_found", "Your website does not name an IndieAuth server.")
        except ResponseRefused:
            raise ApiError(502, "website_unreachable", "Your website could not be read.") from None
        endpoint = endpoints["authorization_endpoint"]
        if not isinstance(endpoint, str) or not endpoint.startswith("https://" if not self.allow_private else "http"):
            raise ApiError(422, "indieauth_not_found", "Your website's IndieAuth server has no usable address.")
        if endpoints["issuer"] is not None and not isinstance(endpoints["issuer"], str):
            raise ApiError(422, "indieauth_not_found", "Your website's IndieAuth server has an invalid issuer.")
        return canonical, {**endpoints, "me": canonical}

    async def authorize_url(self, login: Login) -> str:
        flow = flow_data(login)
        # authlib only builds the URL here (PKCE challenge included); it sends nothing.
        async with AsyncOAuth2Client(
            client_id=self.client_id, scope=SCOPE, redirect_uri=self.callback_url, code_challenge_method="S256"
        ) as client:
            url, _ = client.create_authorization_url(
                flow["authorization_endpoint"], state=login.state, code_verifier=login.code_verifier, me=flow["me"]
            )
        return str(url)

    async def finish(self, login: Login, params: Mapping[str, str]) -> Profile:
        flow = flow_data(login)
        if flow["issuer"] is not None and params.get("iss") != flow["issuer"]:
            raise SignInFailed("issuer_mismatch", "The answer did not come from your website's IndieAuth server.")
        # The profile URL redemption (IndieAuth §5.3.3): the OAuth 2.0 code exchange of RFC 6749 §4.1.3 with PKCE,
        # sent to the authorization endpoint itself. A public client: no secret, only the client id.
        form = {
            "grant_type": "authorization_code",
            "code": params["code"],
            "client_id": self.client_id,
            "redirect_uri": self.callback_url,
            "code_verifier": login.code_verifier,
        }
        try:
            async with httpx2.AsyncClient(**client_options(guarded=not self.allow_private)) as http:
                redeemed = await fetch(http, "POST", flow["authorization_endpoint"], limits=self.limits, data=form)
            answer = redeemed.json_object()
            if redeemed.status != 200 or "error" in answer:
                raise ResponseRefused(f"the code was refused ({redeemed.status})")
        except ResponseRefused:
            raise SignInFailed("code_rejected", "Your website's server did not accept the sign-in code.") from None
        me = answer.get("me")
        if not isinstance(me, str):
            raise SignInFailed("profile_unavailable", "Your website's server did not say who you are.")
        try:
            me = self.profile_url(me)
            if me != flow["me"]:
                # Another profile URL than the one typed: it must delegate to the very same server.
                _, declared = await self.discover(me)
                if declared["authorization_endpoint"] != flow["authorization_endpoint"]:
                    raise SignInFailed("profile_mismatch", "That server may not speak for the website you typed.")
        except ApiError:
            raise SignInFailed("profile_mismatch", "Your website's server named an invalid profile.") from None
        profile = answer.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        name = name.strip() if isinstance(name, str) else ""
        return Profile(subject=me, name=(name or _short(me))[:100], url=me)


def _links(page: Answer, base: str) -> dict[str, str]:
    """rel → absolute URL from the Link headers, then the HTML <link> elements (headers win)."""
    found: dict[str, str] = {}
    for header in page.headers.get_list("link"):
        for link in parse_link_header(header):
            if "anchor" in link.params:
                continue  # a link about another resource than this page (RFC 8288 §3.2)
            for name in link.rels:
                found.setdefault(name, urljoin(base, link.target))
    if "html" in page.headers.get("content-type", ""):
        parser = _LinkParser()
        parser.feed(page.body.decode("utf-8", "replace"))
        for rel, href in parser.links:
            for name in rel.split():
                found.setdefault(name.lower(), urljoin(base, href))
    return found


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("link", "a"):
            values = dict(attrs)
            if values.get("rel") and values.get("href"):
                self.links.append((values["rel"] or "", values["href"] or ""))


def _is_ip(host: str) -> bool:
    return host.replace(".", "").isdigit() or ":" in host


def _short(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + (parts.path if parts.path != "/" else "")


def _invalid() -> ApiError:
    return ApiError(422, "invalid_website", "That is not a website address such as https://example.com/.")
