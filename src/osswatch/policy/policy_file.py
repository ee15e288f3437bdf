"""Reading a policy file into a `Policy`: strict keys, typed values, errors with file:line and key path."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_toml, load_yaml
from osswatch.model import Level
from osswatch.policy.conditions import ConditionValueError, Target
from osswatch.policy.locate import join, line_of, toml_lines, yaml_lines
from osswatch.policy.rules import (
    BASELINE_NAME,
    CONDITIONS,
    REMEDIATION_FIELDS,
    Condition,
    Policy,
    PolicyFileError,
    Rule,
    RuleScope,
)

_POLICY_KEYS = ("name", "extends", "disable", "rules")
_RULE_KEYS = ("id", "description", "level", "scope", "when", "guidance", "remediation", "otherwise")
_SCOPE_KEYS = ("projects", "ecosystems", "packages", "include_dev")
_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_LEVELS = ", ".join(level.value for level in Level)


def _type_name(value: object) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "a number" if isinstance(value, float) else type(value).__name__)


def is_yaml(path: str) -> bool:
    """True for a `.yaml`/`.yml` file name."""
    return PurePath(path).suffix.lower() in {".yaml", ".yml"}


def load_tree(document: Document) -> tuple[Any, dict[str, int]]:
    """The parsed document and the line of each key path; PolicyFileError on a syntax error."""
    try:
        if is_yaml(document.path):
            return load_yaml(document), yaml_lines(document.text())
        return load_toml(document), toml_lines(document.text())
    except ParseError as e:
        raise PolicyFileError.of(e) from e


class FileReader:
    """Typed getters over one parsed file that raise PolicyFileError at the key's line."""

    def __init__(self, path: str, lines: dict[str, int]) -> None:
        self.path = path
        self.lines = lines

    def error(self, at: str, message: str) -> PolicyFileError:
        """An error about the key path `at`."""
        return PolicyFileError(self.path, message, line=line_of(self.lines, at))

    def table(self, value: object, at: str) -> dict[str, Any]:
        """A table, with only known keys when `known` is given."""
        if not isinstance(value, dict):
            raise self.error(at, f"'{at}' should be a table, found {_type_name(value)}")
        return value

    def known(self, table: dict[str, Any], at: str, keys: tuple[str, ...]) -> None:
        """Refuse keys not in `keys`."""
        for key in table:
            if key not in keys:
                raise self.error(join(at, key), f"unknown key '{key}' in '{at}' (known: {', '.join(keys)})")

    def string(self, table: dict[str, Any], at: str, key: str, *, required: bool = False) -> str | None:
        """A string value (required or optional)."""
        value = table.get(key)
        if value is None:
            if required:
                raise self.error(at, f"missing '{key}' in '{at}'")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(join(at, key), f"'{join(at, key)}' should be a non-empty string")
        return value

    def strings(self, table: dict[str, Any], at: str, key: str) -> tuple[str, ...]:
        """A list of strings (empty when absent)."""
        value = table.get(key, [])
        where = join(at, key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(where, f"'{where}' should be a list of strings")
        return tuple(value)

    def boolean(self, table: dict[str, Any], at: str, key: str, default: bool) -> bool:
        """A boolean value with a default."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(
                join(at, key), f"'{join(at, key)}' should be a boolean, found {_type_name(value)}"
            )
        return value


def read_policy(document: Document, *, is_pyproject: bool, base: Callable[[], Policy]) -> Policy:
    """The policy in `document`, extending the baseline when it says so."""
    data, lines = load_tree(document)
    reader = FileReader(document.path, lines)
    at = "tool.osswatch.policy" if is_pyproject else "policy"
    raw: Any = data
    for part in at.split("."):
        raw = raw.get(part) if isinstance(raw, dict) else None
    if raw is None:
        raise PolicyFileError(document.path, f"no '{at}' table: nothing to read")
    table = reader.table(raw, at)
    reader.known(table, at, _POLICY_KEYS)
    name = reader.string(table, at, "name") or PurePath(document.path).stem
    own = _rules(reader, table.get("rules", []), join(at, "rules"))
    inherited = _inherited(reader, table, at, base)
    replaced = {rule.id for rule in own}
    rules = tuple(r for r in inherited if r.id not in replaced) + own
    return Policy(name=name, rules=rules, source=document.path)


def _inherited(
    reader: FileReader, table: dict[str, Any], at: str, base: Callable[[], Policy]
) -> tuple[Rule, ...]:
    extends = reader.string(table, at, "extends")
    disabled = reader.strings(table, at, "disable")
    if extends is None:
        if disabled:
            raise reader.error(join(at, "disable"), f"'{join(at, 'disable')}' needs 'extends = \"baseline\"'")
        return ()
    if extends != BASELINE_NAME:
        raise reader.error(join(at, "extends"), f"'{join(at, 'extends')}' can only be '{BASELINE_NAME}'")
    rules = base().rules
    ids = {rule.id for rule in rules}
    for index, rule_id in enumerate(disabled):
        if rule_id not in ids:
            where = f"{join(at, 'disable')}[{index}]"
            raise reader.error(where, f"'{where}' names no baseline rule: '{rule_id}'")
    return tuple(rule for rule in rules if rule.id not in disabled)


def _rules(reader: FileReader, raw: object, at: str) -> tuple[Rule, ...]:
    if not isinstance(raw, list):
        raise reader.error(at, f"'{at}' should be a list of tables, found {_type_name(raw)}")
    rules: list[Rule] = []
    for index, item in enumerate(raw):
        rule = _rule(reader, item, f"{at}[{index}]")
        if any(r.id == rule.id for r in rules):
            raise reader.error(f"{at}[{index}].id", f"duplicate rule id '{rule.id}' at '{at}[{index}].id'")
        rules.append(rule)
    return tuple(rules)


def _rule(reader: FileReader, raw: object, at: str) -> Rule:
    table = reader.table(raw, at)
    reader.known(table, at, _RULE_KEYS)
    rule_id = reader.string(table, at, "id", required=True) or ""
    if not _RULE_ID.match(rule_id):
        raise reader.error(join(at, "id"), f"'{join(at, 'id')}' should be letters, digits, '.', '_' or '-'")
    return Rule(
        id=rule_id,
        description=reader.string(table, at, "description", required=True) or "",
        level=_level(reader, table, at),
        when=_when(reader, table.get("when"), join(at, "when")),
        scope=_scope(reader, table.get("scope", {}), join(at, "scope")),
        guidance=reader.string(table, at, "guidance"),
        remediation=_template(reader, table, at),
        is_fallback=reader.boolean(table, at, "otherwise", False),
    )


def _level(reader: FileReader, table: dict[str, Any], at: str) -> Level:
    value = reader.string(table, at, "level", required=True) or ""
    try:
        return Level(value)
    except ValueError as e:
        where = join(at, "level")
        raise reader.error(where, f"'{where}' should be one of {_LEVELS}, found '{value}'") from e


def _when(reader: FileReader, raw: object, at: str) -> tuple[Condition, ...]:
    if raw is None:
        raise reader.error(at.rsplit(".", 1)[0], f"missing 'when' in '{at.rsplit('.', 1)[0]}'")
    table = reader.table(raw, at)
    if not table:
        raise reader.error(at, f"'{at}' has no conditions")
    conditions: list[Condition] = []
    for key, value in table.items():
        where = join(at, key)
        read = CONDITIONS.get(key)
        if read is None:
            raise reader.error(where, f"unknown condition '{key}' at '{where}'")
        try:
            conditions.append(read(value))
        except ConditionValueError as e:
            raise reader.error(where, f"'{where}' {e}") from e
    targets = {c.target for c in conditions}
    if Target.SBOM in targets and targets & {Target.FINDING, Target.COMPONENT}:
        raise reader.error(at, f"'{at}' mixes SBOM conditions with component or vulnerability conditions")
    return tuple(conditions)


def _scope(reader: FileReader, raw: object, at: str) -> RuleScope:
    table = reader.table(raw, at)
    reader.known(table, at, _SCOPE_KEYS)
    return RuleScope(
        projects=reader.strings(table, at, "projects"),
        ecosystems=reader.strings(table, at, "ecosystems"),
        packages=reader.strings(table, at, "packages"),
        include_dev=reader.boolean(table, at, "include_dev", True),
    )


def _template(reader: FileReader, table: dict[str, Any], at: str) -> str | None:
    text = reader.string(table, at, "remediation")
    if text is None:
        return None
    where = join(at, "remediation")
    try:
        fields = [
            (name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None
        ]
    except ValueError as e:
        raise reader.error(where, f"'{where}' is not a valid template: {e}") from e
    for name, spec, conversion in fields:
        if name not in REMEDIATION_FIELDS or spec or conversion:
            known = ", ".join(sorted(REMEDIATION_FIELDS))
            raise reader.error(where, f"'{where}' uses '{{{name}}}': only plain {{field}} with {known}")
    return text


__all__ = ["FileReader", "is_yaml", "load_tree", "read_policy"]
