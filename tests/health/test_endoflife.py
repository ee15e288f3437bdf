"""End-of-life cycles in endoflife.date's shape."""

from __future__ import annotations

from datetime import date

import pytest

from osswatch.health.base import BadRegistryData
from osswatch.health.endoflife import DEFAULT_ENDOFLIFE_URL, end_of_life, endoflife_url, parse_cycles
from tests.health.conftest import ASSETS

CYCLES = parse_cycles((ASSETS / "endoflife-django.json").read_bytes(), "django.json")


@pytest.mark.parametrize(
    ("version", "eol", "is_eol"),
    [("4.2.17", date(2026, 4, 30), False), ("4.2", date(2026, 4, 30), False), ("1.3.7", None, True)],
    ids=["patch", "cycle", "eol-true"],
)
def test_cycle_of_a_version(version: str, eol: date | None, is_eol: bool) -> None:
    found = end_of_life(CYCLES, version)
    assert found is not None
    assert (found.eol, found.is_eol) == (eol, is_eol)


def test_unknown_cycle_and_prefix_trap() -> None:
    assert end_of_life(CYCLES, "6.0") is None
    assert end_of_life(CYCLES, "4.20.1") is None  # "4.2" is not a prefix cycle of 4.20


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b"not json",
        b'[{"eol": "2024-01-01"}]',
        b'[{"cycle": "1", "eol": "someday"}]',
        b'[{"cycle": "1", "eol": 5}]',
    ],
    ids=["object", "garbage", "no-cycle", "bad-date", "bad-eol"],
)
def test_malformed(body: bytes) -> None:
    with pytest.raises(BadRegistryData, match=r"eol\.json"):
        parse_cycles(body, "eol.json")


def test_url_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSSWATCH_ENDOFLIFE_URL", raising=False)
    assert endoflife_url() == DEFAULT_ENDOFLIFE_URL
    monkeypatch.setenv("OSSWATCH_ENDOFLIFE_URL", "http://127.0.0.1:1/eol/")
    assert endoflife_url() == "http://127.0.0.1:1/eol"
    assert endoflife_url("http://x") == "http://x"
