"""Outbound HTTP to hosts that readers name (a Mastodon instance, an IndieAuth website), without SSRF.

A reader may type any host name. Before Porch talks to it, the name is checked for shape (a bare host, no
path, user info or odd characters), then resolved, and every address it resolves to must be a public one:
loopback, private, link-local, shared, reserved and multicast ranges are refused. The check happens again at
connection time inside the HTTP client, on the very addresses the socket connects to, so neither a redirect
nor a DNS answer that changes between check and use (rebinding) can lead Porch to an internal address.

`allow_private_instances = true` turns the address check off, for tests and private deployments.

Everything read from such a server goes through `fetch`, the one limited reader: it bounds the headers, the
body after decompression and the time of the whole exchange, because the other end may be hostile.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpcore2
import httpx2

from porch.errors import ApiError

Resolver = Callable[[str, int], Awaitable[list[str]]]

TIMEOUT = httpx2.Timeout(10.0)
MAX_RESPONSE = 512 * 1024
MAX_HEADERS = 32 * 1024
DEADLINE = 15.0
USER_AGENT = "Porch (self-hosted comments; sign-in)"
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class AddressRefused(Exception):
    """A host resolved to an address that Porch may not reach."""


# Ranges that Python 3.11's ipaddress counts as global but that lead elsewhere than a public host: 6to4 and
# Teredo carry an IPv4 address of any kind inside (a relay would take us there), site-local is the deprecated
# private range, 64:ff9b:1::/48 is NAT64 for local use, 3fff::/20 is for documentation.
_NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(net) for net in ("2002::/16", "2001::/32", "fec0::/10", "64:ff9b:1::/48", "3fff::/20")
)
# The well-known NAT64 prefix: a DNS64 resolver answers with it for IPv4-only names; the gateway then connects to
# the IPv4 address in the last 32 bits, so that is the address to judge.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif any(ip in net for net in _NOT_PUBLIC_V6):
            return False
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


class ResponseRefused(Exception):
    """A server a reader chose could not be read: unreachable, too slow, too large, or not what was asked."""


@dataclass(frozen=True)
class Limits:
    """How much Porch reads from a server a reader chose, and for how long."""

    body: int = MAX_RESPONSE  # bytes after decompression
    headers: int = MAX_HEADERS  # bytes of all header names and values together
    deadline: float = DEADLINE  # seconds for the whole exchange: connect, send, headers and body


@dataclass(frozen=True)
class Answer:
    """A response read in full, within the limits."""

    status: int
    headers: httpx2.Headers
    body: bytes

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and "location" in self.headers

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; ResponseRefused if it is anything else."""
        try:
            data = json.loads(self.body)
        except ValueError:
            raise ResponseRefused("the answer is not JSON") from None
        if not isinstance(data, dict):
            raise ResponseRefused("the answer is not a JSON object")
        return data


async def fetch(
    http: httpx2.AsyncClient, method: str, url: str, *, limits: Limits = Limits(), **request: Any
) -> Answer:
    """One request to a server a reader chose, read in full within `limits`; ResponseRefused otherwise.

    The deadline covers the whole exchange: the client's own timeouts apply to each read, so a server sending a
    byte every few seconds would never trip them. httpx2 inflates gzip and deflate in pieces of at most 1 MiB
    and the body stops at `limits.body` bytes of decoded content, so a compressed bomb costs little memory.
    """
    try:
        with anyio.fail_after(limits.deadline):
            async with http.stream(method, url, **request) as response:
                if sum(len(name) + len(value) for name, value in response.headers.raw) > limits.headers:
                    raise ResponseRefused("response headers too large")
                body = await _read_limited(response, limits.body)
                return Answer(response.status_code, response.headers, body)
    except TimeoutError:
        raise ResponseRefused("the server took too long") from None
    except (httpx2.HTTPError, httpx2.StreamError) as exc:
        raise ResponseRefused(str(exc) or type(exc).__name__) from None


async def _read_limited(response: httpx2.Response, limit: int = MAX_RESPONSE) -> bytes:
    """The body of a streamed response, refusing bodies larger than `limit` once decoded."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > limit:
            raise ResponseRefused("response too large")
    return bytes(body)
