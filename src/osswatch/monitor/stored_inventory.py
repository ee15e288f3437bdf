"""A snapshot's inventory as stored, and read back exactly as it was judged.

`snapshot_components` rows carry two identities. The indexed columns (`ecosystem`: the base OSV ecosystem,
`name`: normalized) are what "which projects use package X" looks up. `detail` is the component as it was
read: its own ecosystem spelling (`Debian:12`, `Alpine:v3.19`), name, line, licenses, supplier, author,
hashes, ref and dependencies. `snapshots.sources` keeps the files read, with their SBOM metadata.

Re-evaluation rebuilds the very inventory the upload was judged on from them, so license, supplier,
dependency-graph and SBOM rules judge the same facts, and a release-specific ecosystem keeps matching its
own advisories. Reading `detail` also avoids a purl parse per component: `packageurl` takes about 75 µs
per purl, which was a third of re-evaluation time (`benchmarks/portfolio.py`, 200 components per project).

Rows written before migration 0013 have no `detail`: their components are rebuilt from the purl (identity,
version, place and scope; licenses and the rest unknown), and their snapshots have no stored sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from osswatch.ecosystems.identity import base_ecosystem, normalize_name, parse_purl
from osswatch.health.base import Health, health_json
from osswatch.model import (
    Component,
    EcosystemName,
    Location,
    Purl,
    SbomMetadata,
    Scope,
    SourceFile,
)

_SCOPES = {scope.value: scope for scope in Scope}  # a dict lookup: calling an Enum is ~20x slower


def component_row(component: Component, health: Health | None = None) -> dict[str, Any]:
    """A component as stored: indexed under its base OSV ecosystem and normalized name, and in full."""
    ecosystem = base_ecosystem(component.ecosystem) if component.ecosystem else None
    return {
        "ecosystem": ecosystem,
        "name": normalize_name(ecosystem, component.name) if ecosystem else component.name,
        "version": component.version,
        "purl": component.purl,
        "scope": component.scope.value,
        "direct": component.is_direct,
        "source_path": component.location.path,
        "health": None if health is None else health_json(health),
        "detail": component_detail(component),
    }


def component_detail(component: Component) -> dict[str, Any]:
    """What the indexed columns of a component row do not keep, as JSON (empty fields left out)."""
    detail = {
        "ecosystem": component.ecosystem,
        "name": component.name,
        "line": component.location.line,
        "licenses": list(component.licenses),
        "supplier": component.supplier,
        "author": component.author,
        "hashes": list(component.hashes),
        "ref": component.ref,
        "depends_on": list(component.depends_on),
    }
    return {key: value for key, value in detail.items() if value not in (None, [])}


def stored_component(row: Mapping[Any, Any]) -> Component:
    """The component a stored row describes: exactly as read when it has `detail`, else from its purl."""
    detail: Mapping[str, Any] | None = row["detail"]
    if detail is None:
        return _component_from_purl(row)
    ecosystem = detail.get("ecosystem")
    return Component(
        name=detail["name"],
        version=row["version"],
        ecosystem=EcosystemName(ecosystem) if ecosystem else None,
        purl=Purl(row["purl"]) if row["purl"] else None,
        location=Location(path=row["source_path"], line=detail.get("line")),
        is_direct=row["direct"],
        scope=_SCOPES[row["scope"]],
        licenses=tuple(detail.get("licenses", ())),
        supplier=detail.get("supplier"),
        author=detail.get("author"),
        hashes=tuple(detail.get("hashes", ())),
        ref=detail.get("ref"),
        depends_on=tuple(detail.get("depends_on", ())),
    )


def _component_from_purl(row: Mapping[Any, Any]) -> Component:
    """A component of a row stored without `detail`: identity from its purl, else from the columns."""
    ecosystem: str | None = row["ecosystem"]
    name: str = row["name"]
    version: str | None = row["version"]
    if row["purl"]:
        try:
            identity = parse_purl(row["purl"])
        except ValueError:
            pass
        else:
            ecosystem = identity.ecosystem or ecosystem
            name = identity.name
            version = identity.version or version
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName(ecosystem) if ecosystem else None,
        purl=Purl(row["purl"]) if row["purl"] else None,
        location=Location(path=row["source_path"]),
        is_direct=row["direct"],
        scope=_SCOPES[row["scope"]],
    )


def sources_json(sources: Sequence[SourceFile]) -> list[dict[str, Any]]:
    """The files an inventory was read from, with their SBOM metadata, as JSON."""
    return [
        {
            "path": source.path,
            "kind": source.kind,
            "component_count": source.component_count,
            "sbom": None if source.sbom is None else _sbom_json(source.sbom),
        }
        for source in sources
    ]


def _sbom_json(sbom: SbomMetadata) -> dict[str, Any]:
    return {
        "timestamp": None if sbom.timestamp is None else sbom.timestamp.isoformat(),
        "authors": list(sbom.authors),
        "supplier": sbom.supplier,
        "subject": sbom.subject,
        "spec": sbom.spec,
    }


def stored_sources(value: Sequence[Mapping[str, Any]] | None) -> tuple[SourceFile, ...]:
    """The files `sources_json` stored (none for a snapshot stored before they were)."""
    return tuple(
        SourceFile(
            path=item["path"],
            kind=item["kind"],
            component_count=item["component_count"],
            sbom=None if item["sbom"] is None else _sbom(item["sbom"]),
        )
        for item in value or ()
    )


def _sbom(item: Mapping[str, Any]) -> SbomMetadata:
    timestamp = item["timestamp"]
    return SbomMetadata(
        timestamp=None if timestamp is None else datetime.fromisoformat(timestamp),
        authors=tuple(item["authors"]),
        supplier=item["supplier"],
        subject=item["subject"],
        spec=item["spec"],
    )


__all__ = ["component_detail", "component_row", "sources_json", "stored_component", "stored_sources"]
