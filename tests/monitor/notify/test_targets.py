"""Target checks: only http(s) URLs of public addresses, unless the configuration allows a network."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

import pytest

from osswatch.errors import InputError
from osswatch.monitor.notify.targets import (
    TargetPolicy,
    TargetRefused,
    check_addresses,
    check_url,
    refusal,
)
from tests.monitor.notify.conftest import LOOPBACK

PUBLIC = "93.184.216.34"


def public_resolver(host: str, port: int) -> Iterable[str]:
    """A resolver that answers one public address for any name (tests never use real DNS for names)."""
    return [PUBLIC]


def rebinding_resolver(host: str, port: int) -> Iterable[str]:
    """A name with one public and one private address: any refused address refuses the target."""
    return [PUBLIC, "10.0.0.7"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.1/", "private"),
        ("https://192.168.1.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://100.64.0.1/", "not global"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[::1]/", "loopback"),
        ("http://[::]/", "unspecified"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "private"),
        ("http://[ff02::1]/", "multicast"),
        ("http://[::ffff:127.0.0.1]/", "loopback (IPv4 inside IPv6)"),
        ("http://[::ffff:169.254.169.254]/", "link-local (IPv4 inside IPv6)"),
        ("http://[2002:a00:1::]/", "private (IPv4 inside IPv6)"),
        ("http://localhost:9/", "loopback"),
    ],
    ids=str,
)
def test_non_public_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(TargetRefused, match=r"resolves to .*, a " + re.escape(reason) + " address"):
        check_url(url, TargetPolicy())


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "only http and https URLs can be notified, not ftp scheme"),
        ("file:///etc/passwd", "only http and https URLs can be notified, not file scheme"),
        ("gopher://127.0.0.1:6379/_INFO", "only http and https URLs can be notified, not gopher scheme"),
        ("example.com/hook", "only http and https URLs can be notified, not no scheme"),
        ("http:///hook", "the URL has no host: 'http:///hook'"),
        ("http://user:pw@example.com/", "the URL must not carry credentials before the host"),
        ("http://example.com:99999/", "not a valid URL: 'http://example.com:99999/'"),
    ],
    ids=str,
)
def test_malformed_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(TargetRefused) as raised:
        check_url(url, TargetPolicy(), public_resolver)
    assert str(raised.value) == message


def test_a_public_host_passes_and_keeps_the_checked_address() -> None:
    checked = check_url("https://hooks.example.com/services/T0/B0", TargetPolicy(), public_resolver)
    assert (checked.host, checked.port, checked.address) == ("hooks.example.com", 443, PUBLIC)
    assert checked.url == "https://hooks.example.com/services/T0/B0"


def test_a_name_with_any_private_address_is_refused() -> None:
    with pytest.raises(TargetRefused, match=r"hooks.example.com resolves to 10.0.0.7, a private address"):
        check_url("https://hooks.example.com/", TargetPolicy(), rebinding_resolver)


def test_a_name_that_does_not_resolve_is_refused() -> None:
    def failing(host: str, port: int) -> Iterable[str]:
        raise OSError("Name or service not known")

    with pytest.raises(TargetRefused, match=r"cannot resolve nowhere.invalid: Name or service not known"):
        check_url("https://nowhere.invalid/", TargetPolicy(), failing)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/", "http://localhost:9/", "http://[::1]/", "http://[::ffff:127.0.0.1]/"]
)
def test_configuration_allows_loopback(url: str) -> None:
    assert check_url(url, LOOPBACK).address in {"127.0.0.1", "::1", "::ffff:7f00:1"}


def test_an_allowed_network_allows_only_itself() -> None:
    with pytest.raises(TargetRefused, match=r"10\.0\.0\.1, a private address"):
        check_url("http://10.0.0.1/", LOOPBACK)
    with pytest.raises(TargetRefused, match=r"169\.254\.169\.254, a link-local address"):
        check_url("http://169.254.169.254/", LOOPBACK)


def test_allow_private_allows_everything() -> None:
    policy = TargetPolicy(allow_private=True)
    assert check_url("http://169.254.169.254/", policy).address == "169.254.169.254"


def test_policy_from_the_environment() -> None:
    assert TargetPolicy.from_env({}) == TargetPolicy()
    assert TargetPolicy.from_env({"OSSWATCH_NOTIFY_ALLOW_PRIVATE": "1"}).allow_private
    policy = TargetPolicy.from_env({"OSSWATCH_NOTIFY_ALLOW_NETWORKS": "10.1.0.0/16, fd00::/8"})
    assert policy.allowed_networks == (ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("fd00::/8"))
    assert not policy.allow_private
    with pytest.raises(InputError, match=r"OSSWATCH_NOTIFY_ALLOW_NETWORKS: 'ten' is not a network"):
        TargetPolicy.from_env({"OSSWATCH_NOTIFY_ALLOW_NETWORKS": "ten"})


@pytest.mark.parametrize(
    ("address", "reason"),
    [("8.8.8.8", None), ("2606:4700:4700::1111", None), ("::ffff:8.8.8.8", None), ("192.0.2.1", "private")],
)
def test_refusal(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


def test_email_addresses() -> None:
    assert check_addresses(" a@example.org, b.c@example.com ") == ("a@example.org", "b.c@example.com")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "an email rule needs at least one address"),
        ("foo", "not an email address: 'foo'"),
        ("a@", "not an email address: 'a@'"),
        ("@example.org", "not an email address: '@example.org'"),
        ("a@localhost", "not an email address: 'a@localhost'"),
        ("Ann <a@example.org>", "not an email address: 'Ann <a@example.org>'"),
        (
            "a@example.org\r\nBcc: x@example.org",
            "not an email address: " + repr("a@example.org\r\nBcc: x@example.org"),
        ),
        (
            ",".join(f"u{i}@example.org" for i in range(21)),
            "an email rule names at most 20 addresses, not 21",
        ),
    ],
    ids=["empty", "no-at", "no-domain", "no-local", "dotless", "display-name", "injection", "too-many"],
)
def test_bad_email_addresses(target: str, message: str) -> None:
    with pytest.raises(TargetRefused) as raised:
        check_addresses(target)
    assert str(raised.value) == message
