"""Reading files: size limits, binary files and companions, each refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.reading import ReadLimits, read_document, read_head


def test_reads_text_and_siblings(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n")
    (tmp_path / "go.sum").write_text("sum\n")
    document = read_document(tmp_path / "go.mod", ReadLimits(), display="proj/go.mod")
    assert document.text() == "module x\n"
    sibling = document.sibling("go.sum")
    assert sibling is not None
    assert sibling.path == "proj/go.sum"
    assert document.sibling("missing") is None


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "package-lock.json"
    big.write_bytes(b" " * 2_000_001)
    with pytest.raises(ParseError, match=r"file is 2\.0 MB, over the 1\.0 MB limit"):
        read_document(big, ReadLimits(max_file_size=1_000_000))


def test_binary_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "poetry.lock"
    binary.write_bytes(b"\x7fELF\x00\x00\x01")
    with pytest.raises(ParseError, match="binary file"):
        read_document(binary, ReadLimits())


def test_unreadable_path_names_the_reason(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read"):
        read_document(tmp_path / "absent.lock", ReadLimits())


def test_head_sees_both_ends_of_a_large_file(tmp_path: Path) -> None:
    # cyclonedx-python-lib writes "bomFormat" last; the sniffing must still find it.
    sbom = tmp_path / "sbom.json"
    sbom.write_text('{"components": [' + ",".join(['{"name": "x"}'] * 2000) + '], "bomFormat": "CycloneDX"}')
    head = read_head(sbom)
    assert head.startswith(b'{"components"')
    assert b'"bomFormat": "CycloneDX"' in head
    assert len(head) <= 8193


def test_a_100_megabyte_lockfile_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "package-lock.json"
    with huge.open("wb") as stream:
        stream.truncate(100_000_000)  # sparse: costs no disk, but stat() says 100 MB
    with pytest.raises(ParseError, match=r"file is 100\.0 MB, over the 67\.1 MB limit"):
        read_document(huge, ReadLimits())
