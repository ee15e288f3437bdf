"""SPDX 2.2/2.3 tag-value: the `Tag: value` lines read into the model `spdx.py` turns into an inventory.

Format: https://spdx.github.io/spdx-spec/v2.3/ (each field's "Tag:"; multi-line values are wrapped
in `<text>…</text>`, and may contain text that looks like tags). Sections are positional: a
`PackageName` opens a package, and the tags after it belong to it until the next `PackageName`
or a `FileName`/`SnippetSPDXID`/`LicenseID` section; `Relationship` lines may come anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from osswatch.inventory.base import Document
from osswatch.inventory.sbom import hash_text
from osswatch.inventory.spdx import (
    PURL_CATEGORIES,
    Spdx2,
    Spdx2Package,
    agent_name,
    check_version,
    license_values,
)


def read_tag_value(document: Document) -> tuple[Spdx2, str]:
    """The document's SPDX 2 content and its own SPDXID."""
    reader = _TagValueReader(document)
    for tag, value, line in _tag_values(document):
        reader.take(tag, value, line)
    return reader.finish(), reader.document_id


def _tag_values(document: Document) -> Iterator[tuple[str, str, int]]:
    """`(tag, value, line)` for each `Tag: value`, joining multi-line `<text>…</text>` values."""
    # Split on "\n" only: `splitlines` also breaks on form feeds and U+2028, which editors do not
    # count, so every line number after one would be off.
    lines = iter(enumerate((line.removesuffix("\r") for line in document.text().split("\n")), start=1))
    for number, line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tag, colon, value = line.partition(":")
        if not colon or not tag.strip() or " " in tag.strip():
            raise document.error(f"expected 'Tag: value', found {line.strip()[:60]!r}", line=number)
        value = value.strip()
        if value.startswith("<text>"):
            value = _multi_line(document, value, lines, number)
        yield tag.strip(), value, number


def _multi_line(document: Document, first: str, lines: Iterator[tuple[int, str]], start: int) -> str:
    parts = [first.removeprefix("<text>")]
    while "</text>" not in parts[-1]:
        following = next(lines, None)
        if following is None:
            raise document.error("'<text>' is never closed by '</text>'", line=start)
        parts.append(following[1])
    return "\n".join(parts).partition("</text>")[0]


_PACKAGE_TAGS = {
    "PackageVersion": "version",
    "PackageSupplier": "supplier",
    "PackageOriginator": "originator",
    "PackageLicenseDeclared": "declared",
    "PackageLicenseConcluded": "concluded",
}
_SECTION_ENDS = frozenset({"FileName", "SnippetSPDXID", "LicenseID"})


@dataclass(kw_only=True, slots=True)
class _TagPackage:
    name: str
    line: int
    values: dict[str, str] = field(default_factory=dict)
    purl: str | None = None
    hashes: list[str] = field(default_factory=list)


class _TagValueReader:
    """A state machine over tag-value pairs: document tags, then package sections."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.document_id = "SPDXRef-DOCUMENT"
        self.spdx = Spdx2(spec="")
        self.packages: list[_TagPackage] = []
        self.current: _TagPackage | None = None
        self.is_in_header = True
        """True until the first package, file, snippet or license section: document tags."""

    def take(self, tag: str, value: str, line: int) -> None:
        match tag:
            case "SPDXVersion":
                self.spdx.spec = check_version(self.document, value, line)
            case "Created":
                self.spdx.created = value
            case "Creator":
                self.spdx.creators.append(value)
            case "Relationship":
                self.spdx.relationships.append(self._relationship(value, line))
            case "PackageName":
                self.current = _TagPackage(name=value, line=line)
                self.packages.append(self.current)
                self.is_in_header = False
            case _ if tag in _SECTION_ENDS:
                self.current = None
                self.is_in_header = False
            case _ if self.current is not None:
                self._package_tag(self.current, tag, value, line)
            case "SPDXID" if self.is_in_header:
                self.document_id = value
            case _:
                pass

    def _relationship(self, value: str, line: int) -> tuple[str, str, str]:
        parts = value.split()
        if len(parts) < 3:
            raise self.document.error(f"a Relationship needs 3 parts, found {value!r}", line=line)
        return parts[0], parts[1], parts[2]

    def _package_tag(self, package: _TagPackage, tag: str, value: str, line: int) -> None:
        if tag == "SPDXID":
            package.values["id"] = value
        elif tag in _PACKAGE_TAGS:
            package.values[_PACKAGE_TAGS[tag]] = value
        elif tag == "PackageChecksum":
            algorithm, _, digest = value.partition(":")
            package.hashes.append(hash_text(algorithm, digest))
        elif tag == "ExternalRef":
            parts = value.split()
            if len(parts) < 3:
                raise self.document.error(f"an ExternalRef needs 3 parts, found {value!r}", line=line)
            if parts[0] in PURL_CATEGORIES and parts[1] == "purl" and package.purl is None:
                package.purl = parts[2]

    def finish(self) -> Spdx2:
        if not self.spdx.spec:
            raise self.document.error("not an SPDX document: no 'SPDXVersion' tag")
        self.spdx.packages = [self._package(p) for p in self.packages]
        return self.spdx

    def _package(self, package: _TagPackage) -> Spdx2Package:
        values = package.values
        if "id" not in values:
            message = f"package {package.name!r} has no SPDXID"
            raise self.document.error(message, line=package.line)
        return Spdx2Package(
            spdx_id=values["id"],
            name=package.name,
            version=values.get("version"),
            purl=package.purl,
            supplier=agent_name(values.get("supplier")),
            originator=agent_name(values.get("originator")),
            licenses=license_values(values.get("declared"), values.get("concluded")),
            hashes=tuple(package.hashes),
            line=package.line,
        )
