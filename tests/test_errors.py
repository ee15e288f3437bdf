"""The error tree: every public error is exported, and the CLI can tell input errors from the rest."""

from __future__ import annotations

import inspect

import osswatch.errors as errors
from osswatch.errors import InputError, OsswatchError, ParseError


def test_all_lists_exactly_the_public_errors() -> None:
    public = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value) and issubclass(value, Exception) and not name.startswith("_")
    }
    assert set(errors.__all__) == public


def test_every_error_descends_from_the_root() -> None:
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), OsswatchError), name


def test_parse_error_names_file_and_line() -> None:
    error = ParseError("locks/poetry.lock", "invalid TOML: expected '='", line=12)
    assert str(error) == "locks/poetry.lock:12: invalid TOML: expected '='"
    assert isinstance(error, InputError)
    assert str(ParseError("a.json", "empty")) == "a.json: empty"
