"""Reading files for the parsers: size limits, binary detection, companion files, clear errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from osswatch.errors import ParseError
from osswatch.inventory.base import Document

DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024
"""Largest file read (64 MiB): the largest real lockfiles are a few MB."""

HEAD_SIZE = 4096


@dataclass(frozen=True, kw_only=True, slots=True)
class ReadLimits:
    """What the reader refuses."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def read_head(path: Path) -> bytes:
    """The first and last 4 KiB of a file, for recognising its format; empty when unreadable.

    Both ends, because writers differ: cyclonedx-python-lib puts `bomFormat` and `$schema` at the
    end of the document, most others at the start.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_SIZE)
            size = os.fstat(stream.fileno()).st_size
            if size <= HEAD_SIZE:
                return head
            stream.seek(max(HEAD_SIZE, size - HEAD_SIZE))
            return head + b"\n" + stream.read(HEAD_SIZE)
    except OSError:
        return b""


def read_document(path: Path, limits: ReadLimits, *, display: str | None = None) -> Document:
    """The file as a Document whose siblings are read under the same limits; ParseError if refused."""
    shown = display if display is not None else str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_file_size:
            message = f"file is {_megabytes(size)}, over the {_megabytes(limits.max_file_size)} limit"
            raise ParseError(shown, message + " (raise it with --max-file-size)")
        with path.open("rb") as stream:
            data = stream.read(limits.max_file_size + 1)
    except OSError as e:
        raise ParseError(shown, f"cannot read: {e.strerror or e}") from e
    if len(data) > limits.max_file_size:
        raise ParseError(shown, f"file grew past the {_megabytes(limits.max_file_size)} limit")
    if b"\x00" in data[:HEAD_SIZE]:
        raise ParseError(shown, "binary file (contains NUL bytes), not a text SBOM or lockfile")

    def read_sibling(name: str) -> Document | None:
        sibling = path.parent / name
        if not sibling.is_file():
            return None
        return read_document(sibling, limits, display=os.path.join(os.path.dirname(shown), name))

    return Document(path=shown, data=data, read_sibling=read_sibling)
