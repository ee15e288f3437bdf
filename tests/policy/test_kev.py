"""KEV catalog and EPSS scores from recorded files in the published shapes, by path, file:// and HTTP."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from osswatch.errors import InputError, ParseError
from osswatch.policy.evaluate import evaluate
from osswatch.policy.kev import parse_epss, parse_kev, read_url
from osswatch.policy.rules import baseline
from tests.conftest import ASSETS
from tests.policy.builders import facts, finding

KEV = ASSETS / "policy" / "kev.json"
EPSS = ASSETS / "policy" / "epss.csv"


def test_kev_catalog() -> None:
    catalog = parse_kev(KEV.read_bytes(), str(KEV))
    assert catalog.version == "2026.11.20"
    assert catalog.ids == frozenset({"CVE-2021-44228", "CVE-2023-43177"})
    assert catalog.entries[0].ransomware == "Known"
    assert catalog.entries[0].due_date is not None
    assert catalog.entries[0].due_date.isoformat() == "2021-12-24"


def test_epss_scores_plain_and_gzip() -> None:
    rows = [line.split(",") for line in EPSS.read_text().splitlines()[2:]]
    for data in (EPSS.read_bytes(), gzip.compress(EPSS.read_bytes())):
        scores = parse_epss(data, "epss.csv")
        assert scores.model_version == "v2025.03.14"
        assert scores.score_date == "2026-11-20T12:55:00Z"
        assert scores.scores == {cve: float(epss) for cve, epss, _ in rows}


def test_kev_and_epss_drive_the_baseline_and_custom_rules() -> None:
    kev = parse_kev(read_url(str(KEV)), str(KEV))
    epss = parse_epss(read_url(EPSS.as_uri()), str(EPSS))
    log4j = finding(
        "GHSA-jfh8-c2jp-5v3q", aliases=("CVE-2021-44228",), level="critical", fixed_in=("2.15.0",)
    )
    verdict = evaluate(baseline(), facts(findings=(log4j,), known_exploited=kev.ids, epss=epss.scores))
    assert [v.rule_id for v in verdict.violations] == ["known-exploited", "fixable-critical-high"]
    assert verdict.notes == ()


def test_unreadable_sources(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_url(str(tmp_path / "absent.json"))
    with pytest.raises(InputError, match="unsupported URL scheme 'ftp'"):
        read_url("ftp://example.org/kev.json")
    with pytest.raises(InputError, match="unsupported URL scheme 'https'"):
        read_url("https://example.org/kev.json")  # remote feeds go through the cached fetch


BAD_KEV = [
    ("not-json", b"<html>", "kev.json:1: invalid JSON: Expecting value (column 1)"),
    (
        "no-cve",
        b'{"vulnerabilities": [{"dateAdded": "2021-12-10"}]}',
        "kev.json: missing 'cveID' in 'vulnerabilities[0]'",
    ),
    (
        "bad-date",
        b'{"vulnerabilities": [{"cveID": "CVE-1", "dateAdded": "10/12/2021"}]}',
        "kev.json: 'vulnerabilities[0].dateAdded' should be a date, found '10/12/2021'",
    ),
    ("not-list", b'{"vulnerabilities": {}}', "kev.json: 'vulnerabilities' should be a list, found a table"),
]


@pytest.mark.parametrize(("data", "message"), [(d, m) for _, d, m in BAD_KEV], ids=[i for i, _, _ in BAD_KEV])
def test_malformed_kev(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_kev(data, "kev.json")
    assert str(raised.value) == message


BAD_EPSS = [
    ("empty", b"", "epss.csv:1: expected the header 'cve,epss,percentile'"),
    (
        "wrong-header",
        b"#model_version:v1\nid,score\n",
        "epss.csv:2: expected the header 'cve,epss,percentile'",
    ),
    (
        "bad-number",
        b"cve,epss,percentile\nCVE-1,high,0.5\n",
        "epss.csv:2: expected 'CVE-…,score,percentile', found ['CVE-1', 'high', '0.5']",
    ),
    (
        "truncated-row",
        b"cve,epss,percentile\nCVE-1,0.5\n",
        "epss.csv:2: expected 'CVE-…,score,percentile', found ['CVE-1', '0.5']",
    ),
    (
        "out-of-range",
        b"cve,epss,percentile\nCVE-1,1.5,0.5\n",
        "epss.csv:2: scores must be between 0 and 1, found ['CVE-1', '1.5', '0.5']",
    ),
    (
        "bad-gzip",
        b"\x1f\x8b\x08\x00garbage",
        "epss.csv: invalid gzip data: Compressed file ended before the end-of-stream marker was reached",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [(d, m) for _, d, m in BAD_EPSS], ids=[i for i, _, _ in BAD_EPSS]
)
def test_malformed_epss(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_epss(data, "epss.csv")
    assert str(raised.value) == message
