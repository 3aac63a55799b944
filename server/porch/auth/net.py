"""Outbound HTTP to hosts that readers name (a Mastodon instance, an IndieAuth website), without SSRF.

A reader may type any host name. Before Porch talks to it, the name is checked for shape (a bare host, no
path, user info or odd characters), then resolved, and every address it resolves to must be a public one:
loopback, private, link-local, shared, reserved and multicast ranges are refused. The check happens again at
connection time inside the HTTP client, on the very addresses the socket connects to, so neither a redirect
nor a DNS answer that changes between check and use (rebinding) can lead Porch to an internal address.

`allow_private_instances = true` turns the address check off, for tests and private deployments.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore2
import httpx2

from porch.errors import ApiError

Resolver = Callable[[str, int], Awaitable[list[str]]]

TIMEOUT = httpx2.Timeout(10.0)
MAX_RESPONSE = 512 * 1024
USER_AGENT = "Porch (self-hosted comments; sign-in)"
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class AddressRefused(Exception):
    """A host resolved to an address that Porch may not reach."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def public_addresses(host: str, port: int, resolver: Resolver = system_resolver) -> list[str]:
    """The addresses of `host`, all public; AddressRefused if any is not, or if the name does not resolve."""
    try:
        addresses = await resolver(host, port)
    except OSError:
        raise AddressRefused(f"{host} does not resolve") from None
    if not addresses:
        raise AddressRefused(f"{host} does not resolve")
    for address in addresses:
        if not is_public(address):
            raise AddressRefused(f"{host} resolves to a non-public address")
    return addresses


class _GuardedBackend(httpcore2.AsyncNetworkBackend):
    """Resolves each host itself and connects only to addresses that pass the check."""

    def __init__(self, resolver: Resolver) -> None:
        self._inner = httpcore2.AnyIOBackend()
        self._resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        try:
            addresses = await public_addresses(host, port, self._resolver)
        except AddressRefused as exc:
            raise httpcore2.ConnectError(str(exc)) from None
        # TLS still checks the certificate against `host`: httpcore passes the name to start_tls separately.
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore2.AsyncNetworkStream:
        raise httpcore2.ConnectError("unix sockets are not reachable from here")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def client_options(*, guarded: bool, resolver: Resolver = system_resolver) -> dict[str, Any]:
    """Keyword arguments for an httpx2 client (or authlib's AsyncOAuth2Client, which passes them on).

    `guarded` clients can only reach public addresses. Environment proxies are ignored for them: a proxy would
    connect on our behalf, out of reach of the check.
    """
    options: dict[str, Any] = {
        "timeout": TIMEOUT,
        "headers": {"User-Agent": USER_AGENT, "Accept": "application/json"},
        "follow_redirects": False,
    }
    if guarded:
        transport = httpx2.AsyncHTTPTransport(trust_env=False)
        # httpx2 has no public switch for the network backend; swap the pool for one that uses ours.
        transport._pool = httpcore2.AsyncConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False), network_backend=_GuardedBackend(resolver)
        )
        options["transport"] = transport
        options["trust_env"] = False
    return options


@dataclass(frozen=True)
class HostAddress:
    """A normalised `scheme://host[:port]` that a reader typed."""

    scheme: str
    host: str
    port: int | None

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else (443 if self.scheme == "https" else 80)


def normalise_host(text: str, *, allow_private: bool, field: str = "instance") -> HostAddress:
    """Parse what a reader typed as a host (`mastodon.social`, `https://mastodon.social/`) or refuse it (422).

    Only a host name is accepted: no user info, path, query or fragment. Plain http and explicit ports only
    where private instances are allowed (tests, private deployments)."""
    raw = text.strip()
    if not raw or len(raw) > 300 or any(c.isspace() or c in "\\@?#" or ord(c) < 32 for c in raw):
        raise _invalid(field)
    scheme, sep, rest = raw.partition("://")
    if not sep:
        scheme, rest = "https", raw
    scheme = scheme.lower()
    rest = rest.rstrip("/")
    if scheme not in ("https", "http") or not rest or "/" in rest:
        raise _invalid(field)
    parts = urlsplit(f"{scheme}://{rest}")
    try:
        port = parts.port
    except ValueError:
        raise _invalid(field) from None
    host = parts.hostname or ""
    host = _canonical_host(host, field)
    if not allow_private and (scheme != "https" or port not in (None, 443)):
        raise ApiError(422, f"invalid_{field}", f"The {field} must be reached over https on the standard port.")
    return HostAddress(scheme, host, None if port in (None, 443 if scheme == "https" else 80) else port)


def _canonical_host(host: str, field: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        raise _invalid(field) from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _invalid(field)
    return ascii_host


def _invalid(field: str) -> ApiError:
    return ApiError(422, f"invalid_{field}", f"That is not a valid {field} name, such as mastodon.social.")


async def check_reachable(address: HostAddress, *, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """Refuse (422 `instance_not_allowed`) a host that resolves to a loopback, private or otherwise internal address."""
    if allow_private:
        return
    try:
        await public_addresses(address.host, address.effective_port, resolver)
    except AddressRefused:
        raise ApiError(
            422, "instance_not_allowed", f"{address.host} is not a public address this server may connect to."
        ) from None


async def read_limited(response: httpx2.Response, limit: int = MAX_RESPONSE) -> bytes:
    """The body of a streamed response, refusing bodies larger than `limit`."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise ValueError("response too large")
    return bytes(body)
