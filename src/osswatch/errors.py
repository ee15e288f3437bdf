"""The errors osswatch raises on purpose, one base per seam.

    OsswatchError                    root; the CLI maps anything else to exit 3 (internal error)
    ├── InputError                   bad input from the user: exit 2
    │   ├── ParseError               a file that cannot be read as what it claims to be (path, line)
    │   ├── UnsupportedInput         a path osswatch has no parser for
    │   └── PolicyError              a policy or waiver file that is not valid
    ├── AdvisoryError                advisory data that cannot be used (a bad OSV record, a bad mirror)
    ├── SourceUnavailable            a registry or advisory source that cannot be reached
    └── StoreError                   the database cannot be opened or migrated

Always `raise … from e` so the cause is kept for `--debug`.
"""

from __future__ import annotations


class OsswatchError(Exception):
    """Root of every error osswatch raises on purpose."""


class InputError(OsswatchError):
    """The user gave osswatch something it cannot use (a file, a flag, a value)."""


class ParseError(InputError):
    """A file could not be parsed; names the file and, where known, the line."""

    def __init__(self, path: str, message: str, *, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}")


class UnsupportedInput(InputError):
    """No parser knows this file."""


class PolicyError(InputError):
    """A policy, waiver or VEX file is not valid."""


class AdvisoryError(OsswatchError):
    """Advisory data cannot be used."""


class SourceUnavailable(OsswatchError):
    """A remote source (registry, advisory mirror) could not be reached or answered badly."""


class StoreError(OsswatchError):
    """The database cannot be opened, migrated or written."""


__all__ = [
    "AdvisoryError",
    "InputError",
    "OsswatchError",
    "ParseError",
    "PolicyError",
    "SourceUnavailable",
    "StoreError",
    "UnsupportedInput",
]
