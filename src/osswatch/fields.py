"""Typed access to untrusted mappings (parsed JSON/TOML/YAML), with errors naming the key path.

fields = Fields(data, "packages[3]", error=document.error)
name = fields.str("name")            # ParseError "…: missing 'name' in 'packages[3]'"
deps = fields.opt_mapping("dependencies")
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from osswatch.errors import OsswatchError


class FieldError(OsswatchError):
    """A value in untrusted data is missing or of the wrong type (used when no error factory fits)."""


def _default_error(message: str) -> Exception:
    return FieldError(message)


def _type_name(value: object) -> str:
    return {dict: "a table", list: "a list", str: "a string", int: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


class Fields:
    """A mapping from untrusted data, with getters that check types and name `context` on error."""

    __slots__ = ("_data", "_error", "context")

    def __init__(
        self,
        data: object,
        context: builtins.str,
        *,
        error: Callable[[builtins.str], Exception] = _default_error,
    ) -> None:
        if not isinstance(data, Mapping):
            raise error(f"expected a table at '{context}', found {_type_name(data)}")
        self._data: Mapping[builtins.str, Any] = data
        self._error = error
        self.context = context

    def _path(self, key: builtins.str) -> builtins.str:
        return f"{self.context}.{key}" if self.context else key

    def _get(self, key: builtins.str, kind: type | tuple[type, ...], kind_name: str, required: bool) -> Any:
        value = self._data.get(key)
        if value is None:
            if required:
                raise self._error(f"missing '{key}' in '{self.context or '<top>'}'")
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            found = _type_name(value)
            raise self._error(f"'{self._path(key)}' should be {kind_name}, found {found}")
        return value

    def str(self, key: builtins.str) -> builtins.str:
        """A required string."""
        value: builtins.str = self._get(key, builtins.str, "a string", True)
        return value

    def opt_str(self, key: builtins.str) -> builtins.str | None:
        """An optional string (None when absent)."""
        value: builtins.str | None = self._get(key, builtins.str, "a string", False)
        return value

    def opt_bool(self, key: builtins.str) -> bool | None:
        """An optional boolean."""
        value: bool | None = self._get(key, bool, "a boolean", False)
        return value

    def opt_int(self, key: builtins.str) -> int | None:
        """An optional integer."""
        value: int | None = self._get(key, int, "an integer", False)
        return value

    def list(self, key: builtins.str) -> list[Any]:
        """A list; an absent key reads as empty."""
        value: list[Any] | None = self._get(key, list, "a list", False)
        return value if value is not None else []

    def mapping(self, key: builtins.str) -> Fields:
        """A required nested table."""
        return Fields(self._get(key, Mapping, "a table", True), self._path(key), error=self._error)

    def opt_mapping(self, key: builtins.str) -> Fields | None:
        """An optional nested table."""
        value = self._get(key, Mapping, "a table", False)
        return None if value is None else Fields(value, self._path(key), error=self._error)

    def tables(self, key: builtins.str) -> Iterator[Fields]:
        """Each entry of a list of tables, with `key[i]` as its context."""
        for index, item in enumerate(self.list(key)):
            yield Fields(item, f"{self._path(key)}[{index}]", error=self._error)

    def items(self) -> Iterator[tuple[builtins.str, Any]]:
        """The raw key/value pairs of this table."""
        return iter(self._data.items())

    def raw(self, key: builtins.str) -> Any:
        """The raw value of a key, unchecked (None when absent)."""
        return self._data.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._data
