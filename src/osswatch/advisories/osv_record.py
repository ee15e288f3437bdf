"""One OSV record (JSON value) to a typed `Advisory`, checking every field it reads.

The format is the OSV schema 1.6 (https://ossf.github.io/osv-schema/); only `id` and `modified` are
required. Errors are `AdvisoryError`s naming the record's origin and the key path, e.g.
`GHSA-x.json: 'affected[0].ranges[1].type' should be a string, found a number`.
Ecosystem names are spelled the OSV way (`pypi` → `PyPI`); unknown ones are kept as given.
An `affected[]` entry without `package` (allowed for GIT-only ranges since 1.6) names no package to
match, so it is left out: the matcher never evaluates GIT ranges as versions anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

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


def parse_advisory(raw: object, *, origin: str) -> Advisory:
    """The advisory an OSV record describes; AdvisoryError naming `origin` and the key path if invalid."""

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


def ecosystem_name(ecosystem: str) -> EcosystemName:
    """The OSV spelling of an ecosystem (suffix kept), or the name as given when osswatch lacks it."""
    return canonical_ecosystem(ecosystem) or EcosystemName(ecosystem)


def parse_time(text: str) -> datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (naive ones are read as UTC); ValueError if bad."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


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


__all__ = ["ecosystem_name", "parse_advisory", "parse_time"]
