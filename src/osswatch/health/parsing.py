"""Reading registry answers at the boundary: JSON bodies and timestamps, with errors naming the URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from osswatch.fields import Fields
from osswatch.health.base import BadRegistryData


def error_for(url: str) -> Callable[[str], Exception]:
    """An error factory for `Fields` that names the URL the document came from."""

    def make(message: str) -> Exception:
        return BadRegistryData(f"{url}: {message}")

    return make


def load_json(body: bytes, url: str) -> Any:
    """The parsed JSON of a registry answer; BadRegistryData when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise BadRegistryData(f"{url}: not valid JSON ({e})") from e


def json_fields(body: bytes, url: str) -> Fields:
    """The top-level table of a JSON registry answer."""
    return Fields(load_json(body, url), "", error=error_for(url))


def parse_time(text: object, *, context: str, url: str) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (naive ones are UTC); None when absent."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise BadRegistryData(f"{url}: '{context}' should be a timestamp, found {type(text).__name__}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as e:
        raise BadRegistryData(f"{url}: '{context}' is not an ISO 8601 timestamp: {text!r}") from e
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


__all__ = ["error_for", "json_fields", "load_json", "parse_time"]
