"""API key hashing: the secret round-trips through scrypt, and malformed input is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.monitor.keys import hash_secret, make_key, split_key, verify_secret


def test_each_key_is_new_and_verifies() -> None:
    first, second = make_key(), make_key()
    assert first.plaintext != second.plaintext
    assert first.prefix != second.prefix
    parts = split_key(first.plaintext)
    assert parts == (first.prefix, first.plaintext.split("_", 2)[2])
    assert verify_secret(parts[1], first.hash)
    assert not verify_secret(parts[1], second.hash)


def test_the_same_secret_hashes_differently_each_time() -> None:
    assert hash_secret("s") != hash_secret("s")  # a fresh salt every time


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain",
        "bcrypt$1$2$3$AAAA$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$16384$8$1$!!!$AAAA",
        "scrypt$3$8$1$AAAA$AAAA",  # n must be a power of two
        "scrypt$1048576$8$1$AAAA$AAAA",  # more memory than scrypt's default limit allows
        "scrypt$16384$8$1$AAAA",
    ],
    ids=["empty", "plain", "other-scheme", "bad-n", "bad-base64", "n-not-power-of-2", "huge-n", "short"],
)
def test_a_malformed_stored_hash_never_verifies(stored: str) -> None:
    assert not verify_secret("secret", stored)


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_only_the_right_secret_verifies(secret: str) -> None:
    stored = hash_secret(secret)
    assert verify_secret(secret, stored)
    assert not verify_secret(secret + "x", stored)
