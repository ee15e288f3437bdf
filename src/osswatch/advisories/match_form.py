"""The match-ready form of an advisory's `affected[]` entries: all that "is this version affected" reads.

A sync or import writes it per (advisory, package) into `affected_packages.match`, so a lookup reads
and decodes a few hundred bytes per candidate advisory instead of decompressing and parsing its whole
OSV record; the full record is parsed only for advisories that match (for the finding's summary,
severity, aliases and fixes). See docs/advisories.md ("How matching reads the store").

The form is compact JSON: an array of the entries for one package, in record order, each
`[ecosystem, name, ranges, versions]` with ranges `[[type, [[kind, version], ...]], ...]`. `GIT`
ranges are left out: the matcher never evaluates them (see `osswatch.advisories.match`). Unpacked,
an entry is an `Affected` with the same package, `ECOSYSTEM`/`SEMVER` ranges and `versions` as the
parsed record's, so the matcher evaluates both the same way. The JSON is ASCII-escaped: the value
is plain ASCII text whatever characters the record holds.

Measured (benchmarks/match.py, 10,000 components, 500,000 records; CPU seconds on a shared 2-CPU
machine at load 20-38, old and new code alternated): 10% of packages with advisories, cold 4.2-4.7 s
before, 3.6-4.0 s after; warm 1.55-1.64 s before, 1.72-1.73 s after; every package with advisories,
cold 29.3 s before (at load 5), 29.4 s after (84,604 findings both). Half the candidates match in
the 10% inventory (58% in the worst case), and those still need their whole record, so this alone
does not reach the 1 s cold target.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from osswatch.model import Affected, AffectedRange, EcosystemName, Event, EventKind, Package, RangeType

_KINDS = {kind.value: kind for kind in EventKind}
_TYPES = {kind.value: kind for kind in RangeType}
_GIT = RangeType.GIT.value
_encode = json.JSONEncoder(separators=(",", ":")).encode
_decode = json.JSONDecoder().decode


def packed(affected: Affected) -> str:
    """The match-ready form of one parsed `affected[]` entry."""
    ranges = [
        [rng.type.value, [[event.kind.value, event.version] for event in rng.events]]
        for rng in affected.ranges
        if rng.type is not RangeType.GIT
    ]
    return _pack(affected.package.ecosystem, affected.package.name, ranges, affected.versions)


def packed_raw(ecosystem: str, entry: dict[str, Any]) -> str:
    """The same form from a well-formed OSV `affected[]` object whose ecosystem is spelled `ecosystem`."""
    # Only for entries `osv_record` checked field by field: every event has exactly one key.
    ranges = [
        [rng["type"], [[kind, version] for event in rng["events"] for kind, version in event.items()]]
        for rng in entry.get("ranges") or ()
        if rng["type"] != _GIT
    ]
    return _pack(ecosystem, entry["package"]["name"], ranges, entry.get("versions") or ())


def _pack(ecosystem: str, name: str, ranges: list[list[Any]], versions: Sequence[str]) -> str:
    return _encode([ecosystem, name, ranges, list(versions)])


def joined(entries: Iterable[str]) -> str:
    """The stored value for one package: its packed entries as one JSON array."""
    return f"[{','.join(entries)}]"


def unpacked(text: str) -> tuple[Affected, ...]:
    """The entries a stored value holds (ranges and versions only: no severity, purl or specifics)."""
    return tuple(
        Affected(
            package=_package(ecosystem, name),
            ranges=tuple(
                AffectedRange(type=_TYPES[kind], events=tuple(_event(*event) for event in events))
                for kind, events in ranges
            ),
            versions=tuple(versions),
        )
        for ecosystem, name, ranges, versions in _decode(text)
    )


# Shared, immutable parts: building a frozen dataclass costs more than finding an equal one, and a
# lookup unpacks thousands of entries naming the same packages with the same few event versions.


@lru_cache(maxsize=65536)
def _event(kind: str, version: str) -> Event:
    return Event(kind=_KINDS[kind], version=version)


@lru_cache(maxsize=65536)
def _package(ecosystem: str, name: str) -> Package:
    return Package(ecosystem=EcosystemName(ecosystem), name=name)


__all__ = ["joined", "packed", "packed_raw", "unpacked"]
