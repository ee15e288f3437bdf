"""The match-ready form of an advisory's `affected[]` entries: all that "is this version affected" reads.

A sync or import writes it per (advisory, package) into `affected_packages.match`, beside the finding
form (`osswatch.advisories.finding_form`), so a lookup reads and decodes a few hundred bytes per
candidate advisory and never decompresses or parses an OSV record. See docs/advisories.md ("How
matching reads the store").

The form is compact JSON: an array of the entries for one package, in record order, each
`[ecosystem, name, ranges, versions]` with ranges `[[type, [[kind, version], ...]], ...]`. `GIT`
ranges are left out: the matcher never evaluates them (see `osswatch.advisories.match`). Unpacked,
an entry is a `MatchEntry` of plain strings and tuples, equal to `entry_of` the parsed record's
entry, so the matcher evaluates both the same way. The JSON is ASCII-escaped: the value is plain
ASCII text whatever characters the record holds.

Speed: a cold lookup unpacks every candidate's value (17,079 in benchmarks/match.py), so `unpacked`
calls the JSON decoder's C scanner directly (`osswatch.store.json_text`: 1.0 µs for a typical value
against 4.2 µs through `json.loads`) and builds its named tuples with `tuple.__new__` (3.9 µs against
6.0 µs per value).
The whole change — match-ready and finding forms, no record parsed — measured:
benchmarks/match.py, 10,000 components, 500,000 records, 10% on packages with advisories (8,429
findings), old and new code alternated, 9 fresh processes each, on a 2-vCPU AMD EPYC machine at load
0.85-0.97: cold 2.18-3.57 s (median 2.64) before, 1.09-1.69 s (median 1.18) after; warm 1.03-1.50 s
(median 1.29) before, 0.53-0.67 s (median 0.61) after. Every package with advisories (84,604 findings):
cold 41.6 s before, 12.6 s after. On a 2-vCPU Intel Xeon machine the same code runs cold in 0.45-0.65 s,
under the 1 s target (docs/advisories.md has the figures per machine)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from osswatch.model import Affected, RangeType
from osswatch.store.json_text import decoded, encoded

Events = tuple[tuple[str, str], ...]
"""A range's events as `(kind, version)` pairs (`("fixed", "1.2")`), in record order."""

_GIT = RangeType.GIT.value


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
    return encoded([ecosystem, name, ranges, list(versions)])


def joined(entries: Iterable[str]) -> str:
    """The stored value for one package: its packed entries as one JSON array."""
    return f"[{','.join(entries)}]"


class MatchRange(NamedTuple):
    """A range to evaluate: its type (`ECOSYSTEM` or `SEMVER`) and its events, in record order."""

    type: str
    events: Events


class MatchEntry(NamedTuple):
    """An `affected[]` entry as matching reads it: package, non-`GIT` ranges and listed versions.

    Plain tuples of strings, not the model's frozen dataclasses: a lookup builds thousands, and
    the range cache (`osswatch.advisories.ranges`) hashes their events at C speed.
    """

    ecosystem: str
    name: str
    ranges: tuple[MatchRange, ...]
    versions: tuple[str, ...]


def entry_of(affected: Affected) -> MatchEntry:
    """The match-ready entry of a parsed `affected[]` entry (equal to its stored form, unpacked)."""
    return MatchEntry(
        affected.package.ecosystem,
        affected.package.name,
        tuple(
            MatchRange(rng.type.value, tuple((event.kind.value, event.version) for event in rng.events))
            for rng in affected.ranges
            if rng.type is not RangeType.GIT
        ),
        affected.versions,
    )


def unpacked(text: str) -> tuple[MatchEntry, ...]:
    """The entries a stored value holds."""
    # `tuple.__new__` builds the named tuples without their Python-level `__new__`: a third of
    # the decoding time of the few hundred bytes a candidate holds (see the module doc).
    return tuple(
        [
            _new(
                MatchEntry,
                (
                    ecosystem,
                    name,
                    tuple([_new(MatchRange, (kind, tuple(map(tuple, events)))) for kind, events in ranges]),
                    tuple(versions),
                ),
            )
            for ecosystem, name, ranges, versions in decoded(text)
        ]
    )


_new = tuple.__new__

__all__ = [
    "Events",
    "MatchEntry",
    "MatchRange",
    "entry_of",
    "joined",
    "packed",
    "packed_raw",
    "unpacked",
]
