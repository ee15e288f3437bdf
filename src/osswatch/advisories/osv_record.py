"""One OSV record (JSON value) to a typed `Advisory`, checking every field it reads.

The format is the OSV schema 1.6 (https://ossf.github.io/osv-schema/); only `id` and `modified` are
required. Errors are `AdvisoryError`s naming the record's origin and the key path, e.g.
`GHSA-x.json: 'affected[0].ranges[1].type' should be a string, found a number`.
Ecosystem names are spelled the OSV way (`pypi` → `PyPI`); unknown ones are kept as given.
An `affected[]` entry without `package` (allowed for GIT-only ranges since 1.6) names no package to
match, so it is left out: the matcher never evaluates GIT ranges as versions anyway.

Speed: a record whose every field has its plain JSON type (nearly all of them) is read by a fast
path of `type(x) is ...` tests; anything else goes through the checked `Fields` path, which
accepts or rejects it and words the error. The fast path accepts nothing the checked one rejects
and builds the same `Advisory` (tests/advisories/test_osv_record.py compares them). An import only
needs `RecordKeys` (what the store indexes, with the match-ready and finding forms), so
`record_keys` validates the whole record the same way but builds nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeGuard, assert_never

from osswatch.advisories.finding_form import entry_part, entry_part_raw, record_part, record_part_raw
from osswatch.advisories.match_form import packed, packed_raw
from osswatch.ecosystems.identity import canonical_ecosystem
from osswatch.errors import AdvisoryError
from osswatch.fields import Fields
from osswatch.model import (
    Advisory,
    AdvisoryId,
    Affected,
    AffectedRange,
    EcosystemName,
    Event,
    EventKind,
    Package,
    Purl,
    RangeType,
    Reference,
    Severity,
)

_EVENT_KINDS = tuple(kind.value for kind in EventKind)
_RANGE_TYPES = tuple(kind.value for kind in RangeType)
_EVENT_BY_NAME = {kind.value: kind for kind in EventKind}


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordKeys:
    """What the store indexes of a valid OSV record: its id, times, aliases and packages."""

    id: AdvisoryId
    modified: datetime
    withdrawn: datetime | None = None
    aliases: tuple[AdvisoryId, ...] = ()
    packages: tuple[Package, ...] = ()
    """The package of each `affected[]` entry that names one, in record order."""
    entries: tuple[str, ...] = ()
    """The match-ready form of each of those entries (`osswatch.advisories.match_form`), in the same order."""
    finding: str = ""
    """The record-wide part of its finding form (`osswatch.advisories.finding_form`)."""
    entry_findings: tuple[str, ...] = ()
    """The finding-form part of each of those entries, in the same order."""

    @property
    def is_withdrawn(self) -> bool:
        """True when the record says it was withdrawn."""
        return self.withdrawn is not None


def parse_advisory(raw: object, *, origin: str) -> Advisory:
    """The advisory an OSV record describes; AdvisoryError naming `origin` and the key path if invalid."""
    if _well_formed(raw):
        return _built(raw)
    return _checked(raw, origin=origin)


def record_keys(raw: object, *, origin: str) -> RecordKeys:
    """What the store indexes of an OSV record, validated as `parse_advisory` does (same errors)."""
    if not _well_formed(raw):
        return _keys(_checked(raw, origin=origin))
    named = [entry for entry in raw.get("affected") or () if "package" in entry]
    packages = tuple(_package(entry["package"]) for entry in named)
    return RecordKeys(
        id=AdvisoryId(raw["id"]),
        modified=parse_time(raw["modified"]),
        withdrawn=_opt_time(raw.get("withdrawn")),
        aliases=tuple(raw.get("aliases") or ()),
        packages=packages,
        entries=tuple(
            packed_raw(package.ecosystem, entry) for package, entry in zip(packages, named, strict=True)
        ),
        finding=record_part_raw(raw, _opt_time(raw.get("published"))),
        entry_findings=tuple(entry_part_raw(entry) for entry in named),
    )


def keys_of(parsed: Advisory | RecordKeys) -> RecordKeys:
    """The `RecordKeys` of a parsed advisory (or the keys themselves)."""
    match parsed:
        case RecordKeys():
            return parsed
        case Advisory():
            return _keys(parsed)
        case _:
            assert_never(parsed)


def _keys(advisory: Advisory) -> RecordKeys:
    return RecordKeys(
        id=advisory.id,
        modified=advisory.modified,
        withdrawn=advisory.withdrawn,
        aliases=advisory.aliases,
        packages=tuple(affected.package for affected in advisory.affected),
        entries=tuple(packed(affected) for affected in advisory.affected),
        finding=record_part(advisory),
        entry_findings=tuple(entry_part(affected.severity) for affected in advisory.affected),
    )


def _checked(raw: object, *, origin: str) -> Advisory:
    """The checked path: every field read through `Fields`, so a bad one gets its precise error."""

    def error(message: str) -> AdvisoryError:
        return AdvisoryError(f"{origin}: {message}")

    top = Fields(raw, "", error=error)
    return Advisory(
        id=AdvisoryId(top.str("id")),
        modified=_required_time(top, "modified", error),
        published=_time(top, "published", error),
        withdrawn=_time(top, "withdrawn", error),
        aliases=tuple(AdvisoryId(alias) for alias in _strings(top, "aliases", error)),
        related=tuple(AdvisoryId(other) for other in _strings(top, "related", error)),
        summary=top.opt_str("summary") or "",
        details=top.opt_str("details") or "",
        severity=_severities(top),
        affected=tuple(_affected(entry, error) for entry in top.tables("affected") if "package" in entry),
        references=tuple(
            Reference(type=ref.str("type"), url=ref.str("url")) for ref in top.tables("references")
        ),
        database_specific=_compact(top, "database_specific"),
    )


@lru_cache(maxsize=1024)  # a database names a handful of ecosystems, thousands of times
def ecosystem_name(ecosystem: str) -> EcosystemName:
    """The OSV spelling of an ecosystem (suffix kept), or the name as given when osswatch lacks it."""
    return canonical_ecosystem(ecosystem) or EcosystemName(ecosystem)


@lru_cache(maxsize=8192)  # validation and keys read each time of a record twice; datetimes are immutable
def parse_time(text: str) -> datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (naive ones are read as UTC); ValueError if bad."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as e:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise ValueError(f"{text!r} is out of range in UTC") from e


def _time(fields: Fields, key: str, error: Callable[[str], AdvisoryError]) -> datetime | None:
    text = fields.opt_str(key)
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError as e:
        raise error(f"'{_path(fields, key)}' should be an RFC 3339 time, found {text!r}") from e


def _required_time(fields: Fields, key: str, error: Callable[[str], AdvisoryError]) -> datetime:
    fields.str(key)  # raises "missing 'modified'" when absent
    value = _time(fields, key, error)
    assert value is not None
    return value


def _strings(fields: Fields, key: str, error: Callable[[str], AdvisoryError]) -> list[str]:
    values = fields.list(key)
    if all(type(value) is str for value in values):  # the fast path: long `versions` lists
        return values
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise error(f"'{_path(fields, key)}[{index}]' should be a string")
    return values


def _severities(fields: Fields) -> tuple[Severity, ...]:
    return tuple(
        Severity(type=entry.str("type"), score=entry.str("score")) for entry in fields.tables("severity")
    )


def _affected(entry: Fields, error: Callable[[str], AdvisoryError]) -> Affected:
    package = entry.mapping("package")
    ecosystem = ecosystem_name(package.str("ecosystem"))
    purl = package.opt_str("purl")
    return Affected(
        package=Package(ecosystem=ecosystem, name=package.str("name")),
        purl=Purl(purl) if purl is not None else None,
        ranges=tuple(_range(rng, error) for rng in entry.tables("ranges")),
        versions=tuple(_strings(entry, "versions", error)),
        severity=_severities(entry),
        ecosystem_specific=_specifics(entry),
    )


def _range(rng: Fields, error: Callable[[str], AdvisoryError]) -> AffectedRange:
    kind = rng.str("type")
    if kind not in _RANGE_TYPES:
        raise error(f"'{_path(rng, 'type')}' should be one of {', '.join(_RANGE_TYPES)}, found {kind!r}")
    events = tuple(
        _plain_event(raw) or _event(Fields(raw, f"{_path(rng, 'events')}[{index}]", error=error), error)
        for index, raw in enumerate(rng.list("events"))
    )
    if not events:
        raise error(f"'{_path(rng, 'events')}' should list at least one event")
    return AffectedRange(type=RangeType(kind), events=events, repo=rng.opt_str("repo"))


def _plain_event(raw: object) -> Event | None:
    """The event of a well-formed `{kind: version}` object, without building `Fields` (the hot path)."""
    if type(raw) is dict and len(raw) == 1:
        ((kind, version),) = raw.items()
        if kind in _EVENT_BY_NAME and type(version) is str:
            return Event(kind=_EVENT_BY_NAME[kind], version=version)
    return None  # anything else gets the checked path and its precise error


def _event(event: Fields, error: Callable[[str], AdvisoryError]) -> Event:
    # Each event object has exactly one of the four keys (osv-schema "events" oneOf).
    found = [kind for kind in _EVENT_KINDS if kind in event]
    if len(found) != 1:
        raise error(f"'{event.context}' should have exactly one of {', '.join(_EVENT_KINDS)}")
    return Event(kind=EventKind(found[0]), version=event.str(found[0]))


def _specifics(entry: Fields) -> str | None:
    """`ecosystem_specific` and `database_specific` of an entry together, as compact JSON."""
    present = {
        key: entry.raw(key)
        for key in ("database_specific", "ecosystem_specific")
        if entry.opt_mapping(key) is not None  # type check
    }
    return _dumps(present) if present else None


def _compact(fields: Fields, key: str) -> str | None:
    return None if fields.opt_mapping(key) is None else _dumps(fields.raw(key))


def _dumps(value: object) -> str:
    # Key order as in the record: sorting would cost a tenth of the parse for no reader's benefit.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _path(fields: Fields, key: str) -> str:
    return f"{fields.context}.{key}" if fields.context else key


# The fast path. `_well_formed` is a conservative test: True only where the checked path would
# read every field without error (plain JSON types; events of the one-key form). A `None` value
# reads as absent there (`Fields`), and so it does here.


def _well_formed(raw: object) -> TypeGuard[dict[str, Any]]:
    return (
        type(raw) is dict
        and type(raw.get("id")) is str
        and _is_time(raw.get("modified"), required=True)
        and _is_time(raw.get("published"))
        and _is_time(raw.get("withdrawn"))
        and _are_strings(raw.get("aliases"))
        and _are_strings(raw.get("related"))
        and _is_opt(raw.get("summary"), str)
        and _is_opt(raw.get("details"), str)
        and _all(raw.get("severity"), _severity_ok)
        and _all(raw.get("affected"), _affected_ok)
        and _all(raw.get("references"), _reference_ok)
        and _is_opt(raw.get("database_specific"), dict)
    )


def _is_opt(value: object, kind: type) -> bool:
    return value is None or type(value) is kind


def _is_time(value: object, *, required: bool = False) -> bool:
    if value is None:
        return not required
    if type(value) is not str:
        return False
    try:
        parse_time(value)
    except ValueError:
        return False
    return True


# Plain loops, not `all(<generator>)`: a generator frame per item was a fifth of the check.


def _are_strings(value: object) -> bool:
    if value is None:
        return True
    if type(value) is not list:
        return False
    for item in value:  # noqa: SIM110 - see above
        if type(item) is not str:
            return False
    return True


def _all(value: object, check: Callable[[Any], bool]) -> bool:
    if value is None:
        return True
    if type(value) is not list:
        return False
    for item in value:  # noqa: SIM110 - see above
        if not check(item):
            return False
    return True


def _severity_ok(entry: Any) -> bool:
    return type(entry) is dict and type(entry.get("type")) is str and type(entry.get("score")) is str


def _reference_ok(entry: Any) -> bool:
    return type(entry) is dict and type(entry.get("type")) is str and type(entry.get("url")) is str


def _affected_ok(entry: Any) -> bool:
    if type(entry) is not dict:
        return False
    if "package" not in entry:
        return True  # left out unread, as on the checked path
    package = entry["package"]
    return (
        type(package) is dict
        and type(package.get("ecosystem")) is str
        and type(package.get("name")) is str
        and _is_opt(package.get("purl"), str)
        and _all(entry.get("ranges"), _range_ok)
        and _are_strings(entry.get("versions"))
        and _all(entry.get("severity"), _severity_ok)
        and _is_opt(entry.get("ecosystem_specific"), dict)
        and _is_opt(entry.get("database_specific"), dict)
    )


def _range_ok(rng: Any) -> bool:
    if type(rng) is not dict:
        return False
    events = rng.get("events")
    return (
        type(rng.get("type")) is str
        and rng["type"] in _RANGE_TYPES
        and _is_opt(rng.get("repo"), str)
        and type(events) is list
        and len(events) > 0
        and _all(events, _event_ok)
    )


def _event_ok(event: Any) -> bool:
    """The test `_plain_event` makes, without building the event."""
    if type(event) is not dict or len(event) != 1:
        return False
    ((kind, version),) = event.items()
    return kind in _EVENT_BY_NAME and type(version) is str


def _built(raw: dict[str, Any]) -> Advisory:
    """The advisory of a record `_well_formed` accepted: no checks left to make."""
    return Advisory(
        id=AdvisoryId(raw["id"]),
        modified=parse_time(raw["modified"]),
        published=_opt_time(raw.get("published")),
        withdrawn=_opt_time(raw.get("withdrawn")),
        aliases=tuple(raw.get("aliases") or ()),
        related=tuple(raw.get("related") or ()),
        summary=raw.get("summary") or "",
        details=raw.get("details") or "",
        severity=_built_severities(raw.get("severity")),
        affected=tuple(_built_affected(entry) for entry in raw.get("affected") or () if "package" in entry),
        references=tuple(Reference(type=r["type"], url=r["url"]) for r in raw.get("references") or ()),
        database_specific=_opt_dumps(raw.get("database_specific")),
    )


def _built_affected(entry: dict[str, Any]) -> Affected:
    purl = entry["package"].get("purl")
    present = {
        key: entry[key] for key in ("database_specific", "ecosystem_specific") if entry.get(key) is not None
    }
    return Affected(
        package=_package(entry["package"]),
        purl=None if purl is None else Purl(purl),
        ranges=tuple(
            AffectedRange(
                type=RangeType(rng["type"]),
                events=tuple(
                    Event(kind=_EVENT_BY_NAME[kind], version=version)
                    for event in rng["events"]
                    for kind, version in event.items()
                ),
                repo=rng.get("repo"),
            )
            for rng in entry.get("ranges") or ()
        ),
        versions=tuple(entry.get("versions") or ()),
        severity=_built_severities(entry.get("severity")),
        ecosystem_specific=_dumps(present) if present else None,
    )


def _package(package: dict[str, Any]) -> Package:
    return Package(ecosystem=ecosystem_name(package["ecosystem"]), name=package["name"])


def _built_severities(entries: list[dict[str, Any]] | None) -> tuple[Severity, ...]:
    return tuple(Severity(type=entry["type"], score=entry["score"]) for entry in entries or ())


def _opt_time(text: str | None) -> datetime | None:
    return None if text is None else parse_time(text)


def _opt_dumps(value: object) -> str | None:
    return None if value is None else _dumps(value)


__all__ = ["RecordKeys", "ecosystem_name", "keys_of", "parse_advisory", "parse_time", "record_keys"]
