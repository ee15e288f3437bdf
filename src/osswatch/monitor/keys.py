"""API keys: a public prefix to find the row, a random secret kept only as a salted scrypt hash.

A key reads `osw_<prefix>_<secret>`. The secret has 256 bits of entropy, so the scrypt cost guards
against nothing a brute force could reach anyway; it is kept modest (n=2**14, 16 MiB) so each request can
verify a key. The parameters are stored with the hash, so they can be raised later without a migration.
Hashing: https://docs.python.org/3/library/hashlib.html#hashlib.scrypt
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_DIGEST_BYTES = 32
_KEY_START = "osw_"


@dataclass(frozen=True, kw_only=True, slots=True)
class NewKey:
    """A freshly made key: the plaintext (shown once), its lookup prefix, and the hash to store."""

    plaintext: str
    prefix: str
    hash: str


def make_key() -> NewKey:
    """A random key and its stored form."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return NewKey(plaintext=f"{_KEY_START}{prefix}_{secret}", prefix=prefix, hash=hash_secret(secret))


def split_key(plaintext: str) -> tuple[str, str] | None:
    """(prefix, secret) of a key in the `osw_<prefix>_<secret>` form, or None for anything else."""
    if not plaintext.startswith(_KEY_START):
        return None
    prefix, separator, secret = plaintext.removeprefix(_KEY_START).partition("_")
    if not separator or not prefix or not secret or len(plaintext) > 256:
        return None
    return prefix, secret


def hash_secret(secret: str) -> str:
    """`scrypt$n$r$p$salt$digest` of `secret` with a fresh random salt."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(secret, salt, _N, _R, _P)
    return "$".join((_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def verify_secret(secret: str, stored: str) -> bool:
    """True when `secret` hashes to `stored` (compared in constant time); False for a malformed hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, expected = base64.b64decode(parts[4]), base64.b64decode(parts[5])
        actual = _scrypt(secret, salt, n, r, p)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=_DIGEST_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


__all__ = ["NewKey", "hash_secret", "make_key", "split_key", "verify_secret"]
