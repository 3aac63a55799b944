"""IPv6 ranges that Python's ipaddress counts as global but that lead to non-public hosts: 6to4 and Teredo
(tunnels carrying an IPv4 address of any kind), deprecated site-local, local-use NAT64, documentation. The
well-known NAT64 prefix is judged by the IPv4 address it carries."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from porch.auth.net import AddressRefused, client_options, is_public, public_addresses

NOT_PUBLIC = [
    "2002::1",  # 6to4 of 0.0.0.0
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:5db8:d822::1",  # 6to4 even of a public address: it goes through a relay, deprecated (RFC 7526)
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "fec0::1",  # site-local (deprecated, RFC 3879), still routed inside some networks
    "feff:ffff::1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::5db8:d822",  # local-use NAT64 (RFC 8215)
    "3fff::1",  # documentation (RFC 9637)
    "::7f00:1",  # IPv4-compatible (deprecated)
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_tunnel_and_legacy_ranges_are_not_public(address: str) -> None:
    assert is_public(address) is False


@pytest.mark.parametrize("address", ["64:ff9b::5db8:d822", "2606:4700:4700::1111", "2a00:1450:4001:81c::200e"])
def test_public_ipv6_stays_public(address: str) -> None:
    """NAT64 of a public IPv4 address is how an IPv6-only server with DNS64 reaches an IPv4-only instance."""
    assert is_public(address) is True


@pytest.mark.parametrize("address", ["2002:7f00:1::1", "fec0::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2"])
def test_a_name_resolving_to_such_an_address_is_refused(address: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", address]  # one bad address among good ones is enough to refuse

    with pytest.raises(AddressRefused, match="non-public"):
        asyncio.run(public_addresses("instance.example", 443, resolver))


def test_the_guarded_client_refuses_to_connect_there() -> None:
    """At connection time too: the refusal is the guard's ("non-public"), not a network error."""

    async def resolver(host: str, port: int) -> list[str]:
        return ["2002:7f00:1::1"]

    async def fetch() -> None:
        async with httpx2.AsyncClient(**client_options(guarded=True, resolver=resolver)) as http:
            await http.get("http://sixtofour.example/")

    with pytest.raises(httpx2.ConnectError, match="non-public"):
        asyncio.run(fetch())
