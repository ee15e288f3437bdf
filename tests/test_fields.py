"""Typed getters over untrusted mappings name the key path on error."""

from __future__ import annotations

import pytest

from osswatch.fields import FieldError, Fields


def test_reads_typed_values() -> None:
    fields = Fields({"name": "x", "n": 3, "ok": True, "items": [{"a": "b"}]}, "pkg")
    assert fields.str("name") == "x"
    assert fields.opt_int("n") == 3
    assert fields.opt_bool("ok") is True
    assert [t.str("a") for t in fields.tables("items")] == ["b"]
    assert fields.opt_str("absent") is None
    assert fields.list("absent") == []


@pytest.mark.parametrize(
    ("data", "call", "message"),
    [
        ({}, lambda f: f.str("name"), "missing 'name' in 'packages[3]'"),
        ({"name": 1}, lambda f: f.str("name"), "'packages[3].name' should be a string, found a number"),
        ({"n": True}, lambda f: f.opt_int("n"), "'packages[3].n' should be an integer, found a boolean"),
        ({"d": []}, lambda f: f.mapping("d"), "'packages[3].d' should be a table, found a list"),
        ({"l": [1]}, lambda f: list(f.tables("l")), "expected a table at 'packages[3].l[0]', found a number"),
    ],
    ids=["missing", "wrong-type", "bool-is-not-int", "table", "list-of-tables"],
)
def test_errors_name_the_key_path(data: dict[str, object], call: object, message: str) -> None:
    fields = Fields(data, "packages[3]")
    with pytest.raises(FieldError) as caught:
        call(fields)  # type: ignore[operator]
    assert str(caught.value) == message


def test_top_level_must_be_a_table() -> None:
    with pytest.raises(FieldError, match="expected a table at 'root', found a list"):
        Fields([], "root")


def test_custom_error_factory_is_used() -> None:
    def factory(message: str) -> Exception:
        return ValueError(f"file.json: {message}")

    with pytest.raises(ValueError, match=r"file\.json: missing 'id' in 'x'"):
        Fields({}, "x", error=factory).str("id")
