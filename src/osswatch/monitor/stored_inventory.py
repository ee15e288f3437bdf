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
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Text, cast

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
from osswatch.store.json_text import decoded
from osswatch.store.portfolio_tables import snapshot_components

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


class _Columns(NamedTuple):
    """The indexed columns of a component row that rebuilding the component reads."""

    ecosystem: str | None
    name: str
    version: str | None
    purl: str | None
    scope: str
    direct: bool | None
    source_path: str


def stored_component(row: Mapping[Any, Any]) -> Component:
    """The component a stored row describes: exactly as read when it has `detail`, else from its purl."""
    columns = _Columns(*(row[name] for name in _Columns._fields))
    return _component(columns, row["detail"])


def stored_columns() -> tuple[ColumnElement[Any], ...]:
    """The columns `component_of_columns` reads, in its order: `detail` as its JSON text."""
    c = snapshot_components.c
    detail = cast(c.detail, Text).label("detail_text")
    return (c.ecosystem, c.name, c.version, c.purl, c.scope, c.direct, c.source_path, detail)


def component_of_columns(values: Sequence[Any]) -> Component:
    """The component of a row whose first columns are `stored_columns()`: as `stored_component` reads it.

    For many rows: no mapping is built per row, and `detail` is decoded by the JSON scanner alone
    (`osswatch.store.json_text`); together a third of reading a snapshot back (benchmarks/portfolio.py).
    """
    detail_text = values[7]
    detail = None if detail_text is None else decoded(detail_text)
    return _component(_new(_Columns, values[:7]), detail)


_new = tuple.__new__  # a named tuple without its Python-level `__new__`


def _component(columns: _Columns, detail: Mapping[str, Any] | None) -> Component:
    if detail is None:
        return _component_from_purl(columns)
    spelled = detail.get("ecosystem")
    return Component(
        name=detail["name"],
        version=columns.version,
        ecosystem=EcosystemName(spelled) if spelled else None,
        purl=Purl(columns.purl) if columns.purl else None,
        location=Location(path=columns.source_path, line=detail.get("line")),
        is_direct=columns.direct,
        scope=_SCOPES[columns.scope],
        licenses=tuple(detail.get("licenses", ())),
        supplier=detail.get("supplier"),
        author=detail.get("author"),
        hashes=tuple(detail.get("hashes", ())),
        ref=detail.get("ref"),
        depends_on=tuple(detail.get("depends_on", ())),
    )


def _component_from_purl(columns: _Columns) -> Component:
    """A component of a row stored without `detail`: identity from its purl, else from the columns."""
    ecosystem, name, version, purl = columns.ecosystem, columns.name, columns.version, columns.purl
    if purl:
        try:
            identity = parse_purl(purl)
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
        purl=Purl(purl) if purl else None,
        location=Location(path=columns.source_path),
        is_direct=columns.direct,
        scope=_SCOPES[columns.scope],
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


__all__ = [
    "component_detail",
    "component_of_columns",
    "component_row",
    "sources_json",
    "stored_columns",
    "stored_component",
    "stored_sources",
]
