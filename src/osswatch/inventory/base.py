"""The seam every inventory parser implements, and the `Document` it reads.

A parser gets the bytes of one file (already read, size-checked and decoded at the edge by
`inventory.reading`) and returns an `Inventory` of what that file pins. It never touches the file
system itself, except where a format names a companion file (go.mod's go.sum, requirements'
`-r` includes): those are read through `Document.sibling`, which keeps the same limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from osswatch.errors import ParseError
from osswatch.model import Component, Inventory, SbomMetadata, SourceFile


@dataclass(frozen=True, kw_only=True, slots=True)
class Document:
    """One file's content, with the path to name in messages and a way to read companion files."""

    path: str
    data: bytes
    read_sibling: Callable[[str], Document | None] = field(default=lambda _name: None, repr=False)
    """Reads a file relative to this one's folder (None when it does not exist); enforces limits."""

    def text(self) -> str:
        """The content decoded as UTF-8 (a leading BOM removed); ParseError naming the line if not."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = self.data.count(b"\n", 0, e.start) + 1
            raise ParseError(self.path, "not valid UTF-8 text", line=line) from e

    def sibling(self, name: str) -> Document | None:
        """A companion file relative to this one, or None when it does not exist."""
        return self.read_sibling(name)

    def error(self, message: str, *, line: int | None = None) -> ParseError:
        """A ParseError about this document."""
        return ParseError(self.path, message, line=line)


class InventoryParser(Protocol):
    """Reads one kind of file (an SBOM format or a lockfile) into an `Inventory`."""

    @property
    def kind(self) -> str:
        """A short name of the format, shown to users (`poetry.lock`, `cyclonedx-json`)."""
        ...

    def parse(self, document: Document) -> Inventory:
        """Every component the file pins; raises ParseError (with a line where known) if malformed."""
        ...


def single_file_inventory(
    document: Document,
    kind: str,
    components: Iterable[Component],
    *,
    sbom: SbomMetadata | None = None,
) -> Inventory:
    """The inventory of one parsed file: its components and a SourceFile that counts them."""
    found = tuple(components)
    source = SourceFile(path=document.path, kind=kind, component_count=len(found), sbom=sbom)
    return Inventory(components=found, sources=(source,))
