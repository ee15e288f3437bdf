"""Ratings from CVSS vectors (v2, v3.0, v3.1, v4.0) and database severity words."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.advisories.severity import (
    LEVELS,
    UNKNOWN,
    highest,
    level_of_cvss2,
    rating_from_severity,
    rating_from_word,
    rating_of,
)
from osswatch.model import Advisory, AdvisoryId, Affected, EcosystemName, Package, Rating, Severity

V31_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V31_HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
V31_LOW = "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"
V30_NONE = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"
V2_HIGH = "AV:N/AC:L/Au:N/C:C/I:C/A:C"
V2_MEDIUM = "AV:N/AC:L/Au:N/C:P/I:P/A:N"
V2_LOW = "AV:L/AC:H/Au:M/C:P/I:N/A:N"
V4_MEDIUM = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"
V4_LOW = "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"

VECTORS = [
    ("v3.1 critical", "CVSS_V3", V31_CRITICAL, "critical", 9.8),
    ("v3.1 high", "CVSS_V3", V31_HIGH, "high", 7.5),
    ("v3.1 low", "CVSS_V3", V31_LOW, "low", 1.8),
    ("v3.0 none", "CVSS_V3", V30_NONE, "none", 0.0),
    ("v2 high", "CVSS_V2", V2_HIGH, "high", 10.0),
    ("v2 medium", "CVSS_V2", V2_MEDIUM, "medium", 6.4),
    ("v2 low", "CVSS_V2", V2_LOW, "low", 0.8),
    ("v4 medium", "CVSS_V4", V4_MEDIUM, "medium", 6.9),
    ("v4 low", "CVSS_V4", V4_LOW, "low", 1.0),
    ("type in lower case", "cvss_v3", V31_HIGH, "high", 7.5),
]


@pytest.mark.parametrize(
    ("system", "vector", "level", "score"), [c[1:] for c in VECTORS], ids=[c[0] for c in VECTORS]
)
def test_vectors_are_scored(system: str, vector: str, level: str, score: float) -> None:
    rating = rating_from_severity(Severity(type=system, score=vector))
    assert rating is not None
    assert (rating.level, rating.score, rating.vector) == (level, score, vector)


BAD = [
    ("garbage v3", "CVSS_V3", "garbage"),
    ("v3 missing metrics", "CVSS_V3", "CVSS:3.1/AV:N"),
    ("v4 missing metrics", "CVSS_V4", "CVSS:4.0/AV:N"),
    ("v3 vector as v2", "CVSS_V2", V31_HIGH),
    ("empty", "CVSS_V3", ""),
    ("unknown word", "Ubuntu", "whatever"),
    ("bare number", "CVSS_V3", "9.8"),
]


@pytest.mark.parametrize(("system", "vector"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_unscorable_vectors_give_none(system: str, vector: str) -> None:
    assert rating_from_severity(Severity(type=system, score=vector)) is None


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("CRITICAL", "critical"),
        ("HIGH", "high"),
        ("MODERATE", "medium"),
        ("low", "low"),
        (" Medium ", "medium"),
    ],
    ids=["critical", "high", "moderate", "low", "padded"],
)
def test_words(word: str, level: str) -> None:
    assert rating_from_word(word, system="GHSA") == Rating(level=level, system="GHSA")


def record(*severity: Severity, database_specific: str | None = None) -> Advisory:
    return Advisory(
        id=AdvisoryId("GHSA-xxxx-yyyy-zzzz"),
        modified=datetime(2024, 1, 1, tzinfo=UTC),
        severity=severity,
        database_specific=database_specific,
    )


def test_highest_of_several_vectors_wins() -> None:
    advisory = record(Severity(type="CVSS_V2", score=V2_MEDIUM), Severity(type="CVSS_V3", score=V31_HIGH))
    assert rating_of(advisory).vector == V31_HIGH


def test_affected_entry_severity_counts() -> None:
    entry = Affected(
        package=Package(ecosystem=EcosystemName("PyPI"), name="demo"),
        severity=(Severity(type="CVSS_V4", score=V4_MEDIUM),),
    )
    assert rating_of(record(Severity(type="CVSS_V3", score=V31_LOW)), [entry]).level == "medium"


@pytest.mark.parametrize(
    ("database_specific", "expected"),
    [
        ('{"severity":"MODERATE","cwe_ids":[]}', "medium"),
        ('{"severity":"nonsense"}', "unknown"),
        ('{"severity":3}', "unknown"),
        ("[1,2]", "unknown"),
        ("{not json", "unknown"),
        (None, "unknown"),
    ],
    ids=["ghsa word", "unknown word", "not a string", "not an object", "malformed", "absent"],
)
def test_database_word_is_the_fallback(database_specific: str | None, expected: str) -> None:
    assert rating_of(record(database_specific=database_specific)).level == expected


def test_vector_beats_the_word() -> None:
    advisory = record(Severity(type="CVSS_V3", score=V31_LOW), database_specific='{"severity":"CRITICAL"}')
    assert rating_of(advisory).level == "low"


def test_unscorable_vector_falls_back_to_the_word() -> None:
    advisory = record(Severity(type="CVSS_V3", score="bad"), database_specific='{"severity":"HIGH"}')
    assert rating_of(advisory).level == "high"


def test_highest_of_nothing_is_unknown() -> None:
    assert highest([]) == UNKNOWN


ratings = st.builds(
    Rating,
    level=st.sampled_from(LEVELS),
    score=st.none() | st.floats(min_value=0, max_value=10),
)


@given(st.lists(ratings, min_size=1))
def test_highest_has_the_top_level(found: list[Rating]) -> None:
    assert LEVELS.index(highest(found).level) == max(LEVELS.index(r.level) for r in found)


@pytest.mark.parametrize(
    ("score", "level"), [(0.0, "low"), (3.9, "low"), (4.0, "medium"), (6.9, "medium"), (7.0, "high")]
)
def test_cvss2_bands(score: float, level: str) -> None:
    assert level_of_cvss2(score) == level


def test_every_vector_in_the_pypi_data_is_scored(shared_data: Path) -> None:
    vectors: list[Severity] = []
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for name in archive.namelist():
            raw = json.loads(archive.read(name))
            vectors += [Severity(type=s["type"], score=s["score"]) for s in raw.get("severity", [])]
    assert vectors
    unscored = [v for v in vectors if rating_from_severity(v) is None]
    assert unscored == []
