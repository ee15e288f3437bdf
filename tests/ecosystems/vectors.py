"""Ordering vectors from `shared/data/versions/<eco>-versions*.txt`: one `A <op> B` per line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

VERSIONS = SHARED_DATA / "versions"
_RESULTS = {"<": -1, "=": 0, ">": 1}


@dataclass(frozen=True, kw_only=True, slots=True)
class Vector:
    """One line of a vector file: `left op right` at `line`."""

    line: int
    left: str
    op: str
    right: str

    @property
    def expected(self) -> int:
        """The compare result the line demands."""
        return _RESULTS[self.op]


def read_vectors(path: Path) -> list[Vector]:
    """Every vector of a file; blank lines and `#`/`//` comments skipped, anything else is an error."""
    vectors = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[1] not in _RESULTS:
            raise ValueError(f"{path}:{number}: not 'A <op> B': {raw!r}")
        vectors.append(Vector(line=number, left=parts[0], op=parts[1], right=parts[2]))
    return vectors


def vector_params(filename: str) -> list[object]:
    """`pytest.param`s for one vector file, with the line number as id."""
    path = VERSIONS / filename
    if not path.is_file():
        return [pytest.param(None, id=f"missing-{filename}")]
    return [pytest.param(v, id=f"L{v.line}") for v in read_vectors(path)]


def vector_files(ecosystem: str) -> list[str]:
    """The vector file names of one ecosystem (`debian` → hand-written and generated)."""
    return sorted(p.name for p in VERSIONS.glob(f"{ecosystem}-versions*.txt"))
