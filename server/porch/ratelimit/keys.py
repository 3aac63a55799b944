"""Who a limit counts: one client network, under a keyed hash.

An IPv6 subscriber usually gets a whole /64 and can pick any address in it, so counting addresses would give
each one 2^64 quotas: IPv6 is counted by its /64. IPv4 is counted by the address (one household behind
NAT shares it already), and an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, from a dual-stack socket) is
the IPv4 address it carries. Anything else (a Unix socket, a test client) is counted as the text it is.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

IPV6_PREFIX = 64


def network(address: str | None) -> str:
    """The part of `address` that a limit counts, as text."""
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        host_bits = 128 - IPV6_PREFIX
        return str(ipaddress.IPv6Network((int(parsed) >> host_bits << host_bits, IPV6_PREFIX)))
    return str(parsed)


class ClientKeys:
    """Keyed hashes of client networks: counters are kept under these, never under a clear address, and
    without the secret key a hash cannot be matched to an address by trying them all."""

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"porch client limits\0" + secret_key.encode()).digest()

    def __call__(self, address: str | None) -> str:
        return hmac.new(self._key, network(address).encode(), hashlib.sha256).hexdigest()[:32]
