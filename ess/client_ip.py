"""The client's address: one definition for the audit trail and every rate limit.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the
connection comes from a reverse proxy listed in `ESS_TRUSTED_PROXIES`. Each proxy appends the
address it received the request from, so the header is read from the right: the first address
that is not itself a trusted proxy is the client. Anything further left was written by the
client and is ignored. A malformed header is never an error: the connection's address is used.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(values) -> tuple[IPNetwork, ...]:
    """Addresses or CIDR ranges; raises ValueError on anything else (settings check it early)."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


@lru_cache(maxsize=8)
def _trusted_networks(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(values)


def _parse_ip(value: str) -> IPAddress | None:
    """An address as a proxy or server writes it (IPv6 possibly in brackets, a port possibly
    appended); None when it is not one."""
    value = value.strip()
    if value.startswith("["):  # "[2001:db8::1]:443" or "[2001:db8::1]"
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.partition(":")[0]
    # A zone ("fe80::1%eth0") means nothing off the host, and PostgreSQL's inet refuses it.
    value = value.partition("%")[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through a dual-stack socket ("::ffff:192.0.2.1") is that IPv4 client.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _is_trusted(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent `request`, or None when the server gave none."""
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    networks = _trusted_networks(tuple(settings.ESS_TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        ip = _parse_ip(hop)
        if ip is None:
            # Garbage where a proxy should have written an address: trust none of the header.
            return str(remote)
        client = ip
        if not _is_trusted(ip, networks):
            break
    return str(client)


def from_trusted_proxy(request) -> bool:
    """Whether the connection comes from a reverse proxy listed in `ESS_TRUSTED_PROXIES`: only
    then are the headers a proxy writes (forwarded address, client certificate) believed."""
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    networks = _trusted_networks(tuple(settings.ESS_TRUSTED_PROXIES))
    return remote is not None and bool(networks) and _is_trusted(remote, networks)
