"""Where notifications may go: http(s) URLs of public hosts and well-formed email addresses.

A webhook target is a server-side request the user chooses, so it is checked against SSRF: the scheme
must be http or https, and every address the host resolves to must be public — loopback, private
(RFC 1918, unique local), link-local (cloud metadata at 169.254.169.254), multicast, reserved, unspecified
and shared (100.64/10) addresses are refused, for IPv4 and IPv6 alike, IPv4-mapped (`::ffff:a.b.c.d`) and
6to4/Teredo embeddings read as the IPv4 address they carry. `OSSWATCH_NOTIFY_ALLOW_PRIVATE=1` lifts the check;
`OSSWATCH_NOTIFY_ALLOW_NETWORKS` (comma-separated CIDRs) admits chosen networks only.

The check runs when a rule is created and again before each send (DNS can change); a send then connects
to the very address that was checked (`CheckedUrl.address`), so a rebinding resolver cannot swap it in
between.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Protocol
from urllib.parse import urlsplit

from osswatch.errors import InputError

ALLOW_PRIVATE_ENV = "OSSWATCH_NOTIFY_ALLOW_PRIVATE"
"""`1` lets notifications reach any address (a lab, or a test's own receiver on 127.0.0.1)."""

ALLOW_NETWORKS_ENV = "OSSWATCH_NOTIFY_ALLOW_NETWORKS"
"""Comma-separated networks (`10.1.0.0/16,fd00::/8`) notifications may reach although not public."""

MAX_RECIPIENTS = 20
"""The most addresses one email rule may name."""

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class TargetRefused(InputError):
    """A notification target that is malformed, does not resolve, or points at a refused address."""


class Resolver(Protocol):
    """Turns a host name into the addresses a connection could go to."""

    def __call__(self, host: str, port: int) -> Iterable[str]:
        """Every address `host` resolves to (raises OSError when it does not)."""
        ...


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of `host` from the system resolver (`getaddrinfo`)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True, kw_only=True, slots=True)
class TargetPolicy:
    """Which non-public addresses notifications may reach anyway."""

    allow_private: bool = False
    allowed_networks: tuple[IpNetwork, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TargetPolicy:
        """The policy of `OSSWATCH_NOTIFY_ALLOW_PRIVATE` and `OSSWATCH_NOTIFY_ALLOW_NETWORKS`."""
        env = os.environ if environ is None else environ
        allow = env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
        networks = []
        for item in env.get(ALLOW_NETWORKS_ENV, "").split(","):
            if item.strip():
                try:
                    networks.append(ipaddress.ip_network(item.strip(), strict=False))
                except ValueError as e:
                    raise InputError(f"{ALLOW_NETWORKS_ENV}: {item.strip()!r} is not a network") from e
        return cls(allow_private=allow, allowed_networks=tuple(networks))

    def is_allowed(self, address: IpAddress) -> bool:
        """True when a connection to `address` is allowed."""
        embedded = _embedded_ipv4(address)
        candidates = (address,) if embedded is None else (address, embedded)
        if self.allow_private or any(a in n for a in candidates for n in self.allowed_networks):
            return True
        return refusal(address) is None


@dataclass(frozen=True, kw_only=True, slots=True)
class CheckedUrl:
    """A URL that passed the check, and the address it was checked at."""

    url: str
    host: str
    port: int
    address: str


def refusal(address: IpAddress) -> str | None:
    """Why `address` is not public (`"loopback"`, `"private"`, …), or None for a public address."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = refusal(embedded)
        return None if reason is None else f"{reason} (IPv4 inside IPv6)"
    for reason, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return reason
    return None if address.is_global else "not global"


def _embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    teredo = address.teredo
    return address.ipv4_mapped or address.sixtofour or (teredo[1] if teredo else None)


def check_url(url: str, policy: TargetPolicy, resolve: Resolver = system_resolver) -> CheckedUrl:
    """The URL, checked: http(s), a host, and only allowed addresses; TargetRefused otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:
        raise TargetRefused(f"not a valid URL: {url!r}") from e
    if parts.scheme not in {"http", "https"}:
        raise TargetRefused(f"only http and https URLs can be notified, not {parts.scheme or 'no'} scheme")
    host = parts.hostname
    if not host:
        raise TargetRefused(f"the URL has no host: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("the URL must not carry credentials before the host")
    addresses = _resolve(host, port, resolve)
    for address in addresses:
        if not policy.is_allowed(address):
            why = refusal(address)
            raise TargetRefused(
                f"{host} resolves to {address}, a {why} address: notifications go to public hosts only "
                f"(set {ALLOW_PRIVATE_ENV}=1 or {ALLOW_NETWORKS_ENV} to allow it)"
            )
    return CheckedUrl(url=url.strip(), host=host, port=port, address=str(addresses[0]))


def _resolve(host: str, port: int, resolve: Resolver) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = [ipaddress.ip_address(item.split("%")[0]) for item in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as e:
        raise TargetRefused(f"cannot resolve {host}: {e}") from e
    if not found:
        raise TargetRefused(f"{host} resolves to no address")
    return list(dict.fromkeys(found))


def check_addresses(target: str) -> tuple[str, ...]:
    """The email addresses of a target (comma-separated); TargetRefused for any that is malformed."""
    items = [item.strip() for item in target.split(",") if item.strip()]
    if not items:
        raise TargetRefused("an email rule needs at least one address")
    if len(items) > MAX_RECIPIENTS:
        raise TargetRefused(f"an email rule names at most {MAX_RECIPIENTS} addresses, not {len(items)}")
    for item in items:
        try:
            address = Address(addr_spec=item)
        except (ValueError, IndexError, HeaderParseError) as e:  # IndexError: the stdlib parser on "a@"
            raise TargetRefused(f"not an email address: {item!r}") from e
        if not address.username or "." not in address.domain:
            raise TargetRefused(f"not an email address: {item!r}")
    return tuple(items)


__all__ = [
    "ALLOW_NETWORKS_ENV",
    "ALLOW_PRIVATE_ENV",
    "MAX_RECIPIENTS",
    "CheckedUrl",
    "Resolver",
    "TargetPolicy",
    "TargetRefused",
    "check_addresses",
    "check_url",
    "refusal",
    "system_resolver",
]
