"""Reading a catalog file: safe YAML, the JSON Schema, then the checks a schema cannot express.

The YAML goes through the project's safe loader (`inventory.loaders.load_yaml`: no aliases, bounded
nesting), the document through `schema.json` (the same file as `docs/catalog.schema.json`), then ids and
repositories are checked for duplicates. Every error is a ParseError naming the file and the key path of
the first problem in the file: `catalog.yaml: standards[2].implementations[0].role: 'foo' is not one of …`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osswatch.catalog.model import Catalog, Implementation, Role, Standard
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_yaml
from osswatch.inventory.reading import ReadLimits, read_document

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

EXAMPLE_NAME = "example.yaml"
"""The example catalog shipped with osswatch (package data of `osswatch.catalog`)."""

MAX_CATALOG_SIZE = 8 * 1024 * 1024
"""Largest catalog file read (8 MiB): thousands of standards fit in a fraction of it."""


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of catalog files (draft 2020-12)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def load_catalog(path: Path) -> Catalog:
    """The catalog in the file at `path`; ParseError naming the file and key path if it is not valid."""
    return parse_catalog(read_document(path, ReadLimits(max_file_size=MAX_CATALOG_SIZE)))


def example_catalog() -> Catalog:
    """The example catalog shipped with osswatch."""
    data = resources.files("osswatch.catalog").joinpath(EXAMPLE_NAME).read_bytes()
    return parse_catalog(Document(path=EXAMPLE_NAME, data=data))


def parse_catalog(document: Document) -> Catalog:
    """The catalog a document holds: YAML (or JSON, a subset of it) valid against the schema."""
    data = load_yaml(document)
    problems = sorted(_validator().iter_errors(data), key=_document_order)
    if problems:
        more = len(problems) - 1
        suffix = "" if more == 0 else f" (and {more} more problem{'s' if more > 1 else ''})"
        raise document.error(_describe(problems[0]) + suffix)
    standards = tuple(_standard(item) for item in data["standards"])
    _check_unique(document, standards)
    return Catalog(standards=standards)


def key_path(parts: Iterable[str | int]) -> str:
    """`standards[2].implementations[0].role` from the path ('standards', 2, 'implementations', 0, 'role')."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@cache
def _schema_text() -> str:
    return resources.files("osswatch.catalog").joinpath("schema.json").read_text(encoding="utf-8")


@cache
def _validator() -> Draft202012Validator:
    # jsonschema's format module imports `rfc3987_syntax` when it is installed (cyclonedx-python-lib's
    # json-validation extra brings it), and that module builds a grammar at import: 3.6 s of CPU, measured
    # (`python -X importtime`), against 0.26 s for jsonschema without it. The catalog schema checks no
    # formats, so the module is kept out while jsonschema loads; a later import of it still works.
    import sys

    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        from jsonschema import Draft202012Validator
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return Draft202012Validator(catalog_schema())


def _document_order(error: ValidationError) -> tuple[tuple[int, int, str], ...]:
    # Indices and keys never meet at one depth of one container; the tag keeps mixed paths comparable.
    return tuple(
        (0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path
    )


def _describe(error: ValidationError) -> str:
    where = key_path(error.absolute_path)
    message = _message(error)
    return f"{where}: {message}" if where else message


_TYPE_NAMES = {"string": "a string", "array": "a list", "object": "a mapping"}


def _message(error: ValidationError) -> str:
    value = error.instance
    match error.validator:
        case "type":
            expected = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
            shown = f" {_short(value)}" if isinstance(value, str | int | float | date) else ""
            return f"should be {expected}, found {_kind(value)}{shown}"
        case "pattern" if str(error.validator_value).startswith("^https?"):
            return f"should be an http:// or https:// URL, found {_short(value)}"
        case "pattern" | "minLength":
            return "should not be empty"
        case "maxLength":
            return f"is longer than {error.validator_value} characters: {_short(value)}"
        case _:
            return error.message


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    names |= {str: "a string", date: "a date", datetime: "a date and time"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def _short(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _standard(item: Mapping[str, Any]) -> Standard:
    return Standard(
        id=item["id"],
        body=item["body"],
        number=item["number"],
        title=item["title"],
        url=item["url"],
        implementations=tuple(_implementation(entry) for entry in item.get("implementations", ())),
    )


def _implementation(entry: Mapping[str, Any]) -> Implementation:
    return Implementation(
        repository=entry["repository"],
        role=Role(entry["role"]),
        project=entry.get("project"),
        name=entry.get("name"),
        notes=entry.get("notes"),
    )


def _check_unique(document: Document, standards: Sequence[Standard]) -> None:
    """ParseError on a standard id used twice (ignoring case) or a repository listed twice in a standard."""
    first_of: dict[str, int] = {}
    for i, standard in enumerate(standards):
        first = first_of.setdefault(standard.id.casefold(), i)
        if first != i:
            raise document.error(
                f"standards[{i}].id: {standard.id!r} is already the id of standards[{first}]"
            )
        seen: dict[str, int] = {}
        for j, implementation in enumerate(standard.implementations):
            repository = implementation.repository.rstrip("/").casefold()
            earlier = seen.setdefault(repository, j)
            if earlier != j:
                raise document.error(
                    f"standards[{i}].implementations[{j}].repository: "
                    f"{implementation.repository!r} is already listed at implementations[{earlier}]"
                )


__all__ = [
    "EXAMPLE_NAME",
    "MAX_CATALOG_SIZE",
    "catalog_schema",
    "example_catalog",
    "key_path",
    "load_catalog",
    "parse_catalog",
]
