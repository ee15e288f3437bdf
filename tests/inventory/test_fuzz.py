"""Mutation fuzzing of every parser through the registry: a damaged file is a ParseError, never a crash.

Seeds are the hand-written assets of each format and the real lockfiles in ../shared/data. Each case
cuts, splices, flips or duplicates bytes of a seed and parses the result with the parser the registry
picks for the seed's name. The parser must return an Inventory or raise ParseError itself — the
"unexpected content" safety net in `collect.parse_file` must not be what catches it.

Default runs keep CI quick (30 cases a seed); the scheduled fuzz job sets `OSSWATCH_FUZZ_EXAMPLES`
(e.g. 2000) for a long run (docs/development.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.registry import entry_for
from osswatch.model import Inventory
from tests.conftest import ASSETS, SHARED_DATA

EXAMPLES = int(os.environ.get("OSSWATCH_FUZZ_EXAMPLES", "30"))

SEEDS = sorted(
    [p for p in (ASSETS / "inventory").rglob("*") if p.is_file() and entry_for(p.name, p.read_bytes()[:4096])]
    + [p for p in (SHARED_DATA / "lockfiles").rglob("*") if p.is_file() and entry_for(p.name, b"")]
)


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """One random damage: truncate, cut a slice out, flip a byte, duplicate a slice, or insert junk."""
    if not data:
        return draw(st.binary(max_size=64))
    start = draw(st.integers(0, len(data) - 1))
    end = draw(st.integers(start, min(len(data), start + 200)))
    match draw(st.sampled_from(["truncate", "cut", "flip", "duplicate", "insert"])):
        case "truncate":
            return data[:start]
        case "cut":
            return data[:start] + data[end:]
        case "flip":
            return data[:start] + bytes([data[start] ^ draw(st.integers(1, 255))]) + data[start + 1 :]
        case "duplicate":
            return data[:end] + data[start:end] + data[end:]
        case _:
            junk = draw(st.sampled_from([b"\n", b"{", b"]", b'"', b":", b"- ", b"\t", b"<", b"&x;", b"\xff"]))
            return data[:start] + junk + data[start:]


@pytest.mark.parametrize("seed", SEEDS, ids=[str(p.relative_to(p.parents[1])) for p in SEEDS])
def test_damaged_files_give_parse_errors(seed: Path) -> None:
    original = seed.read_bytes()
    entry = entry_for(seed.name, original[:4096])
    assert entry is not None
    parser = entry.load()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        damaged = data.draw(st.composite(lambda draw: _mutate(original, draw))())
        document = Document(path=str(seed), data=damaged)
        try:
            result = parser.parse(document)
        except ParseError:
            return
        assert isinstance(result, Inventory)

    fuzz()


def test_every_parser_kind_has_a_seed() -> None:
    from osswatch.inventory.registry import PARSERS

    kinds = {entry_for(p.name, p.read_bytes()[:4096]).kind for p in SEEDS}  # type: ignore[union-attr]
    assert kinds == {entry.kind for entry in PARSERS}
