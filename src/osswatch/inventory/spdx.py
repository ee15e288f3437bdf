"""SPDX 2.2/2.3 documents, JSON and tag-value: every package, identified by its purl external ref.

Spec: https://spdx.github.io/spdx-spec/v2.3/ (JSON schema `spdx-schema.json`; tag-value in §5 and
the examples in `spdx/spdx-spec` `examples/SPDXTagExample-v2.3.spdx`). A package is identified by an
`externalRefs` entry of type `purl` (`referenceCategory` `PACKAGE-MANAGER` or `PACKAGE_MANAGER`,
both allowed by the 2.3 JSON schema); without one it is kept as unidentified. `DEPENDS_ON` and the
`*_DEPENDENCY_OF` relationships give `depends_on`; a package only ever named as a dev, test or
build dependency is `dev`, one only named as an optional dependency is `optional`.

The described package (`documentDescribes`, `DESCRIBES`, `DESCRIBED_BY`) is the subject of the
SBOM, not a component — it is usually the scanned folder or image (no purl, or a `pkg:github` /
`pkg:oci` one). It is kept as a component as well when its purl names a registry package osswatch
knows (an SBOM of a published package: that package's own advisories apply).

Tag-value lines are read by `spdx_tag_value.py` into the same model as JSON.
A `*.spdx.json` file holding an SPDX 3 JSON-LD `@graph` is handed to `spdx3.py`.

Why not `spdx-tools` (installed): measured in one process (best of 3) on a generated SPDX 2.3 JSON
document of 5,001 packages: `json.loads` 0.12 s; this module, to a finished Inventory with every
purl parsed, 1.05 s; `spdx_tools…parse_file`, to its own model only, 2.93 s — and importing it
costs another 0.31 s. It is also strict where real documents are not: it rejects a whole
document for a package without `downloadLocation`, a license written `MIT/Apache-2.0`, or a
missing `creationInfo.created` / `dataLicense`. osswatch needs only a few fields and must not
lose every component to one malformed license string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.inventory.sbom import (
    Entry,
    LineIndex,
    component_of,
    graph_of,
    hash_text,
    identify,
    parse_timestamp,
)
from osswatch.model import Inventory, SbomMetadata, Scope

KIND_JSON = "spdx-json"
KIND_TAG_VALUE = "spdx-tag-value"
PURL_CATEGORIES = frozenset({"PACKAGE-MANAGER", "PACKAGE_MANAGER"})
_NO_VALUE = frozenset({"NOASSERTION", "NONE"})
_REVERSED_DEPENDENCY = {
    "DEPENDENCY_OF": Scope.RUNTIME,
    "RUNTIME_DEPENDENCY_OF": Scope.RUNTIME,
    "PROVIDED_DEPENDENCY_OF": Scope.RUNTIME,
    "DEV_DEPENDENCY_OF": Scope.DEV,
    "TEST_DEPENDENCY_OF": Scope.DEV,
    "BUILD_DEPENDENCY_OF": Scope.DEV,
    "OPTIONAL_DEPENDENCY_OF": Scope.OPTIONAL,
}
"""`A <type> B` means B depends on A, in the way the scope says."""
_AGENT = re.compile(r"^\s*(Person|Organization|Tool)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True, kw_only=True, slots=True)
class Spdx2Package:
    """One SPDX 2 package, as either encoding states it."""

    spdx_id: str
    name: str
    version: str | None
    purl: str | None
    supplier: str | None
    originator: str | None
    licenses: tuple[str, ...]
    hashes: tuple[str, ...]
    line: int | None


@dataclass(kw_only=True, slots=True)
class Spdx2:
    """An SPDX 2 document reduced to what osswatch keeps, whatever its encoding."""

    spec: str
    created: str | None = None
    creators: list[str] = field(default_factory=list)
    packages: list[Spdx2Package] = field(default_factory=list)
    relationships: list[tuple[str, str, str]] = field(default_factory=list)
    described: list[str] = field(default_factory=list)


def agent_name(text: str | None) -> str | None:
    """`Organization: Acme (a@b.c)` → `Acme (a@b.c)`; None for NOASSERTION."""
    if text is None or text.strip() in _NO_VALUE:
        return None
    found = _AGENT.match(text)
    return (found.group(2) if found else text.strip()) or None


def license_values(*values: str | None) -> tuple[str, ...]:
    """The license fields that say something (not NOASSERTION or NONE), each once."""
    kept = (v.strip() for v in values if v and v.strip() not in _NO_VALUE)
    return tuple(dict.fromkeys(v for v in kept if v))


def _described(spdx: Spdx2, document_id: str) -> list[str]:
    described = list(spdx.described)
    for source, kind, target in spdx.relationships:
        if kind == "DESCRIBES" and source == document_id:
            described.append(target)
        elif kind == "DESCRIBED_BY" and target == document_id:
            described.append(source)
    return list(dict.fromkeys(described))


def _graph(spdx: Spdx2) -> tuple[dict[str, list[str]], dict[str, set[Scope]]]:
    """Edges (ref → the refs it depends on) and, per package, the ways it is depended on."""
    graph: dict[str, list[str]] = {}
    ways: dict[str, set[Scope]] = {}
    for source, kind, target in spdx.relationships:
        if kind == "DEPENDS_ON":
            graph.setdefault(source, []).append(target)
            ways.setdefault(target, set()).add(Scope.RUNTIME)
        elif kind in _REVERSED_DEPENDENCY:
            graph.setdefault(target, []).append(source)
            ways.setdefault(source, set()).add(_REVERSED_DEPENDENCY[kind])
    return graph, ways


def _scope(ways: set[Scope]) -> Scope:
    if not ways or Scope.RUNTIME in ways:
        return Scope.RUNTIME
    return Scope.OPTIONAL if Scope.OPTIONAL in ways else Scope.DEV


def _entry(package: Spdx2Package, scope: Scope) -> Entry:
    return Entry(
        name=package.name,
        version=package.version,
        purl=package.purl,
        line=package.line,
        ref=package.spdx_id,
        scope=scope,
        licenses=package.licenses,
        supplier=package.supplier,
        author=package.originator,
        hashes=package.hashes,
    )


def _inventory(document: Document, kind: str, spdx: Spdx2, document_id: str) -> Inventory:
    described = _described(spdx, document_id)
    graph, ways = _graph(spdx)
    by_id = {package.spdx_id: package for package in spdx.packages}
    subjects = [by_id[ref] for ref in described if ref in by_id]
    linked = graph_of(graph, described)
    components = []
    for package in spdx.packages:
        entry = _entry(package, _scope(ways.get(package.spdx_id, set())))
        context = f"package {package.spdx_id}"
        is_subject = package.spdx_id in described
        if is_subject and identify(document, entry, context).ecosystem is None:
            continue
        components.append(component_of(document, entry, context, linked))
    authors = (agent_name(c) for c in spdx.creators if not c.strip().startswith("Tool:"))
    metadata = SbomMetadata(
        timestamp=parse_timestamp(document, spdx.created, "creationInfo.created"),
        authors=tuple(a for a in authors if a),
        supplier=next((p.supplier for p in subjects if p.supplier), None),
        subject=", ".join(p.name for p in subjects) or None,
        spec=spdx.spec,
    )
    return single_file_inventory(document, kind, components, sbom=metadata)


def check_version(document: Document, version: str, line: int | None = None) -> str:
    """The `SPDX-2.x` version string; ParseError for anything else."""
    if not version.startswith("SPDX-2."):
        raise document.error(f"not an SPDX 2 document: version {version!r}", line=line)
    return version


class SpdxJsonParser:
    """Reads SPDX 2.2/2.3 JSON documents."""

    kind = KIND_JSON

    def parse(self, document: Document) -> Inventory:
        """Every package but the described root (unless it is a registry package)."""
        data = load_json(document)
        if not isinstance(data, dict):
            raise document.error("not an SPDX document: expected a JSON object at the top")
        if "spdxVersion" not in data and "@graph" in data:
            # SPDX 3 documents are often named `*.spdx.json` too.
            from osswatch.inventory.spdx3 import inventory_of

            return inventory_of(document, data)
        top = Fields(data, "", error=document.error)
        spdx = _read_json(document, top)
        document_id = top.opt_str("SPDXID") or "SPDXRef-DOCUMENT"
        return _inventory(document, KIND_JSON, spdx, document_id)


def _read_json(document: Document, top: Fields) -> Spdx2:
    """The SPDX 2 content of a JSON document."""
    spdx = Spdx2(spec=check_version(document, top.str("spdxVersion")))
    creation = top.opt_mapping("creationInfo")
    if creation is not None:
        spdx.created = creation.opt_str("created")
        spdx.creators = [
            _text(document, creation, "creators", i, c) for i, c in enumerate(creation.list("creators"))
        ]
    lines = LineIndex(document.text()).json_values("SPDXID")
    spdx.packages = [_json_package(p, lines) for p in top.tables("packages")]
    spdx.described = [
        _text(document, top, "documentDescribes", i, d) for i, d in enumerate(top.list("documentDescribes"))
    ]
    for relation in top.tables("relationships"):
        spdx.relationships.append(
            (
                relation.str("spdxElementId"),
                relation.str("relationshipType"),
                relation.str("relatedSpdxElement"),
            )
        )
    return spdx


def _text(document: Document, fields: Fields, key: str, index: int, value: object) -> str:
    if not isinstance(value, str):
        where = f"{fields.context}.{key}" if fields.context else key
        raise document.error(f"'{where}[{index}]' should be a string")
    return value


def _json_package(fields: Fields, lines: dict[str, int]) -> Spdx2Package:
    spdx_id = fields.str("SPDXID")
    purls = (
        ref.str("referenceLocator")
        for ref in fields.tables("externalRefs")
        if ref.opt_str("referenceCategory") in PURL_CATEGORIES and ref.opt_str("referenceType") == "purl"
    )
    checksums = fields.tables("checksums")
    return Spdx2Package(
        spdx_id=spdx_id,
        name=fields.str("name"),
        version=fields.opt_str("versionInfo"),
        purl=next(purls, None),
        supplier=agent_name(fields.opt_str("supplier")),
        originator=agent_name(fields.opt_str("originator")),
        licenses=license_values(fields.opt_str("licenseDeclared"), fields.opt_str("licenseConcluded")),
        hashes=tuple(hash_text(c.str("algorithm"), c.str("checksumValue")) for c in checksums),
        line=lines.get(spdx_id),
    )


class SpdxTagValueParser:
    """Reads SPDX 2.2/2.3 tag-value documents."""

    kind = KIND_TAG_VALUE

    def parse(self, document: Document) -> Inventory:
        """Every package but the described root (unless it is a registry package)."""
        from osswatch.inventory.spdx_tag_value import read_tag_value

        spdx, document_id = read_tag_value(document)
        return _inventory(document, KIND_TAG_VALUE, spdx, document_id)
