"""The finding form of an advisory: all that a finding shows of it, stored beside its match-ready entries.

A finding shows an advisory's aliases, summary, publication time, reference URLs and rating; the
rating reads the record's `severity[]`, the `severity[]` of the `affected[]` entries for the
component's package and, when no vector scores, GitHub's `database_specific.severity` word
(`osswatch.advisories.severity`). A sync or import writes exactly that per (advisory, package) into
`affected_packages.finding`, so matching builds findings without decompressing or parsing a record.

The form is compact, ASCII-escaped JSON: `[[aliases, summary, published, urls, severity, word],
[entry severity, ...]]`, with `published` an ISO 8601 UTC time or null, `urls` each once (in record
order, as a finding lists them), severities `[[type, score], ...]`
and one entry severity per entry of the row's match-ready value (`osswatch.advisories.match_form`), in
the same order. Decoded, it is a `FindingDetails` equal to `details_of` the parsed record
(tests/advisories/test_finding_form.py compares them over real records).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from osswatch.advisories.severity import database_word, word_of
from osswatch.model import Advisory, AdvisoryId, Severity
from osswatch.store.json_text import decoded, encoded


class FindingDetails(NamedTuple):
    """What a finding shows of one advisory, for one package.

    A named tuple, not a frozen dataclass: a cold scan decodes thousands, and building the tuple
    costs a third as much (see `unpacked`).
    """

    id: AdvisoryId
    aliases: tuple[AdvisoryId, ...]
    summary: str
    published: datetime | None
    references: tuple[str, ...]
    """The distinct URLs of its `references[]`, in record order."""
    severity: tuple[Severity, ...]
    """The record's own `severity[]`."""
    severity_word: str | None
    """`database_specific.severity`, when the record has that string."""
    entry_severity: tuple[tuple[Severity, ...], ...]
    """The `severity[]` of each of its match-ready entries (`Candidate.entries`), in the same order."""


def details_of(advisory: Advisory) -> FindingDetails:
    """The details of a parsed record, one entry severity per `affected[]` entry."""
    return FindingDetails(
        id=advisory.id,
        aliases=advisory.aliases,
        summary=advisory.summary,
        published=advisory.published,
        references=_distinct(reference.url for reference in advisory.references),
        severity=advisory.severity,
        severity_word=database_word(advisory.database_specific),
        entry_severity=tuple(entry.severity for entry in advisory.affected),
    )


def record_part(advisory: Advisory) -> str:
    """The record-wide part of the form, from a parsed record."""
    return encoded(
        [
            list(advisory.aliases),
            advisory.summary,
            _time(advisory.published),
            list(_distinct(reference.url for reference in advisory.references)),
            _pairs(advisory.severity),
            database_word(advisory.database_specific),
        ]
    )


def record_part_raw(raw: dict[str, Any], published: datetime | None) -> str:
    """The same part from a well-formed OSV record (`osv_record` checked it), `published` parsed."""
    # List comprehensions, not generators: a sync writes this for every record.
    references = raw.get("references")
    severity = raw.get("severity")
    return encoded(
        [
            raw.get("aliases") or [],
            raw.get("summary") or "",
            None if published is None else published.isoformat(),
            list(dict.fromkeys([reference["url"] for reference in references])) if references else [],
            [[entry["type"], entry["score"]] for entry in severity] if severity else [],
            word_of(raw.get("database_specific")),
        ]
    )


def _distinct(urls: Iterable[str]) -> tuple[str, ...]:
    """Each URL once, where it first appears (as a finding lists them)."""
    return tuple(dict.fromkeys(urls))


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _pairs(severity: Iterable[Severity]) -> list[list[str]]:
    return [[entry.type, entry.score] for entry in severity]


def entry_part(severity: Iterable[Severity]) -> str:
    """The part for one `affected[]` entry: its `severity[]`, from a parsed entry."""
    return encoded(_pairs(severity))


def entry_part_raw(entry: dict[str, Any]) -> str:
    """The same part from a well-formed OSV `affected[]` object."""
    severity = entry.get("severity")
    if not severity:
        return "[]"  # most entries: no encoding needed
    return encoded([[item["type"], item["score"]] for item in severity])


def joined(record: str, entries: Iterable[str]) -> str:
    """The stored value for one package: the record's part and the parts of its entries there."""
    return f"[{record},[{','.join(entries)}]]"


def unpacked(advisory_id: AdvisoryId, text: str) -> FindingDetails:
    """The details a stored value holds, for the advisory `advisory_id`."""
    (aliases, summary, published, urls, severity, word), entries = decoded(text)
    return _new(
        FindingDetails,
        (
            advisory_id,
            tuple(aliases),
            summary,
            None if published is None else datetime.fromisoformat(published),
            tuple(urls),
            _severities(severity),
            word,
            tuple([_severities(entry) for entry in entries]),
        ),
    )


_new = tuple.__new__  # without the named tuple's Python-level `__new__`


def _severities(pairs: list[list[str]]) -> tuple[Severity, ...]:
    return tuple(_severity(kind, score) for kind, score in pairs)


@lru_cache(maxsize=65536)  # a store holds a few thousand distinct vectors, each in many records
def _severity(kind: str, score: str) -> Severity:
    return Severity(type=kind, score=score)


__all__ = [
    "FindingDetails",
    "details_of",
    "entry_part",
    "entry_part_raw",
    "joined",
    "record_part",
    "record_part_raw",
    "unpacked",
]
