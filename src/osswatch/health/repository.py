"""Source-repository URLs as registries spell them (`git+https://…git`, `{"url": …}`, `github:o/r`)."""

from __future__ import annotations

from collections.abc import Mapping


def repository_url(value: object) -> str | None:
    """A browsable URL for a repository field, or None when there is none."""
    if isinstance(value, Mapping):
        value = value.get("url")
    if not isinstance(value, str) or not value.strip():
        return None
    url = value.strip().removeprefix("git+")
    if url.startswith("github:") or ("/" in url and ":" not in url and not url.startswith(".")):
        url = f"https://github.com/{url.removeprefix('github:')}"
    if url.startswith("git@"):
        url = "https://" + url.removeprefix("git@").replace(":", "/", 1)
    url = url.replace("git://", "https://", 1).replace("ssh://git@", "https://", 1)
    return url.removesuffix(".git")


__all__ = ["repository_url"]
