"""Waivers: an accepted risk for a vulnerability and/or a component, with a reason, an approver and an expiry.

A waiver file (TOML `[[waivers]]`, `[[tool.osswatch.waivers]]` in pyproject.toml, or YAML `waivers:`)
lists entries with `vulnerability` (an id or glob, matched against every id and alias) and/or
`component` (a purl glob; `pkg:pypi/requests` also covers every version), optionally `rule`, and
the required `reason`, `approved_by` and `expires`. An `expires` date means through that day (UTC).
An expired waiver stops applying and the verdict's notes say so.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any

from osswatch.inventory.base import Document
from osswatch.model import Suppression, Violation
from osswatch.policy.locate import join
from osswatch.policy.policy_file import FileReader, load_tree

_KEYS = ("vulnerability", "component", "rule", "reason", "approved_by", "expires")


@dataclass(frozen=True, kw_only=True, slots=True)
class Waiver:
    """One accepted risk, until `expires`."""

    vulnerability: str | None = None
    component: str | None = None
    rule: str | None = None
    reason: str
    approved_by: str
    expires: datetime
    """The instant the waiver stops applying (UTC)."""
    until: str
    """The expiry as written (`2026-12-31`), for messages."""
    origin: str = ""
    """`file:line` of the entry."""

    def is_expired(self, now: datetime) -> bool:
        """True from the moment of expiry on."""
        return now >= self.expires

    def matches(self, violation: Violation) -> bool:
        """True when the waiver names this violation's vulnerability, component and rule (those given)."""
        if self.rule is not None and self.rule != violation.rule_id:
            return False
        if self.vulnerability is not None and not _names_vulnerability(self.vulnerability, violation):
            return False
        component = violation.component
        if self.component is not None:
            return component is not None and _names_component(self.component, component.purl, component.name)
        return True


def _names_vulnerability(pattern: str, violation: Violation) -> bool:
    finding = violation.finding
    if finding is None:
        return False
    ids = (*finding.advisory_ids, *finding.aliases)
    return any(fnmatch.fnmatchcase(i.upper(), pattern.upper()) for i in ids)


def _names_component(pattern: str, purl: str | None, name: str) -> bool:
    if purl is None:
        return fnmatch.fnmatchcase(name.lower(), pattern.lower())
    bare = purl.split("?", 1)[0].split("#", 1)[0]
    unversioned = bare.rsplit("@", 1)[0] if "@" in bare else bare
    return any(fnmatch.fnmatchcase(text, pattern) for text in (purl, bare, unversioned))


def waiver_suppression(violation: Violation, waivers: Sequence[Waiver], now: datetime) -> Suppression | None:
    """The suppression of the first live waiver that matches, or None."""
    for waiver in waivers:
        if not waiver.is_expired(now) and waiver.matches(violation):
            return Suppression(
                kind="waiver", reason=waiver.reason, approved_by=waiver.approved_by, expires=waiver.expires
            )
    return None


def expiry_notes(waivers: Sequence[Waiver], now: datetime) -> tuple[str, ...]:
    """One note per expired waiver: it no longer applies."""
    return tuple(
        f"waiver {_what(w)} ({w.origin}) expired on {w.until} and no longer applies; "
        f"reason was: {w.reason} (approved by {w.approved_by})"
        for w in waivers
        if w.is_expired(now)
    )


def _what(waiver: Waiver) -> str:
    parts = [p for p in (waiver.vulnerability, waiver.component, waiver.rule and f"rule {waiver.rule}") if p]
    return " for ".join(parts)


def load_waivers(document: Document) -> tuple[Waiver, ...]:
    """The waivers in a TOML, pyproject.toml or YAML document; PolicyFileError (file:line) if invalid."""
    data, lines = load_tree(document)
    reader = FileReader(document.path, lines)
    at = "tool.osswatch.waivers" if PurePath(document.path).name == "pyproject.toml" else "waivers"
    raw: Any = data
    for part in at.split("."):
        raw = raw.get(part) if isinstance(raw, dict) else None
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise reader.error(at, f"'{at}' should be a list of tables")
    return tuple(_waiver(reader, item, f"{at}[{i}]") for i, item in enumerate(raw))


def _waiver(reader: FileReader, raw: object, at: str) -> Waiver:
    table = reader.table(raw, at)
    reader.known(table, at, _KEYS)
    vulnerability = reader.string(table, at, "vulnerability")
    component = reader.string(table, at, "component")
    if vulnerability is None and component is None:
        raise reader.error(at, f"'{at}' needs 'vulnerability' or 'component' (or both)")
    expires, until = _expiry(reader, table.get("expires"), at)
    return Waiver(
        vulnerability=vulnerability,
        component=component,
        rule=reader.string(table, at, "rule"),
        reason=reader.string(table, at, "reason", required=True) or "",
        approved_by=reader.string(table, at, "approved_by", required=True) or "",
        expires=expires,
        until=until,
        origin=f"{reader.path}:{reader.error(at, '').line or '?'}",
    )


def _expiry(reader: FileReader, value: object, at: str) -> tuple[datetime, str]:
    where = join(at, "expires")
    if value is None:
        raise reader.error(at, f"missing 'expires' in '{at}' (waivers must expire)")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError as e:
            raise reader.error(where, f"'{where}' should be a date (YYYY-MM-DD), found '{value}'") from e
    match value:
        case datetime():
            moment = value if value.tzinfo else value.replace(tzinfo=UTC)
            return moment, moment.isoformat()
        case date():
            return datetime.combine(value + timedelta(days=1), time(), tzinfo=UTC), value.isoformat()
        case _:
            raise reader.error(where, f"'{where}' should be a date (YYYY-MM-DD)")


__all__ = ["Waiver", "expiry_notes", "load_waivers", "waiver_suppression"]
