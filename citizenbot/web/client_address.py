"""The address of the client a request came from, for per-address login limits.

Behind a reverse proxy every request comes from the proxy: counting failures per ``request.remote``
would lock every staff member out after anyone's failures. ``X-Forwarded-For`` is believed only
when the request comes from a proxy named in ``TRUSTED_PROXIES`` (otherwise anyone could send the
header and pick a fresh address per attempt); the client is then the rightmost address in it that
is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress


def parse_proxies(raw: str) -> frozenset[str]:
    """``TRUSTED_PROXIES``: comma-separated IP addresses (normalised; invalid entries are an error)."""
    return frozenset(str(ipaddress.ip_address(part.strip())) for part in raw.split(",") if part.strip())


def _normal(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(remote: str | None, forwarded_for: str | None, trusted: frozenset[str]) -> str:
    peer = _normal(remote or "") or "unknown"
    if peer not in trusted or not forwarded_for:
        return peer
    for hop in reversed(forwarded_for.split(",")):
        address = _normal(hop)
        if address is None:
            return peer  # a malformed chain: do not guess
        if address not in trusted:
            return address
    return peer
