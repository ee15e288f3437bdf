"""SPDX 3.0 JSON-LD documents (basic support): the `software_Package` elements of the `@graph`.

Spec: https://spdx.github.io/spdx-spec/v3.0.1/ and its JSON-LD serialization
(https://spdx.github.io/spdx-spec/v3.0.1/serializations/): a top-level `@graph` of elements, each
with a `type` and an `spdxId` (or a blank-node `@id`). A package is identified by
`software_packageUrl`, else by an `externalIdentifier` of type `packageUrl`. Read here:
`Relationship`/`LifecycleScopedRelationship` of type `dependsOn` (scope `development`, `test` or
`build` → dev), `hasOptionalDependency` (→ optional), `hasProvidedDependency`, and
`hasDeclaredLicense`/`hasConcludedLicense` pointing at `simplelicensing_LicenseExpression`
elements; `suppliedBy`/`originatedBy` agents; `verifiedUsing` hashes. The `rootElement`s of the
`software_Sbom` (or of the `SpdxDocument`) are the subject, treated as in SPDX 2 (see `spdx.py`).
The rest of the model (files, snippets, AI/dataset profiles, external maps) is ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
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

KIND = "spdx3-jsonld"
_PACKAGE = "software_Package"
_RELATIONSHIPS = frozenset({"Relationship", "LifecycleScopedRelationship"})
_DEPENDENCIES = {
    "dependsOn": Scope.RUNTIME,
    "hasProvidedDependency": Scope.RUNTIME,
    "hasOptionalDependency": Scope.OPTIONAL,
}
_DEV_SCOPES = frozenset({"development", "test", "build"})
_LICENSES = frozenset({"hasDeclaredLicense", "hasConcludedLicense"})
_ROOT_HOLDERS = frozenset({"software_Sbom", "SpdxDocument"})
_LISTED_LICENSES = "https://spdx.org/licenses/"
"""Listed licenses are individuals named by IRI, not elements of the graph (`…/licenses/MIT`)."""


def _id(element: Fields) -> str | None:
    return element.opt_str("spdxId") or element.opt_str("@id")


def _strings(document: Document, element: Fields, key: str) -> list[str]:
    """A value that may be one string or a list of strings (JSON-LD allows both)."""
    value = element.raw(key)
    values = value if isinstance(value, list) else [] if value is None else [value]
    if not all(isinstance(v, str) for v in values):
        raise document.error(f"'{element.context}.{key}' should be a string or a list of strings")
    return values


@dataclass(kw_only=True, slots=True)
class _Graph:
    """The elements of an SPDX 3 `@graph`, indexed the ways the parser needs."""

    by_id: dict[str, Fields] = field(default_factory=dict)
    packages: list[Fields] = field(default_factory=list)
    relationships: list[Fields] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    creation: list[Fields] = field(default_factory=list)


class Spdx3JsonLdParser:
    """Reads SPDX 3.0 JSON-LD documents."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every software package but the root (unless it is a registry package)."""
        return inventory_of(document, load_json(document))


def inventory_of(document: Document, data: object) -> Inventory:
    """The inventory of an SPDX 3 document already loaded from JSON (also used by `spdx.py`)."""
    graph = _read_graph(document, data)
    lines = LineIndex(document.text()).json_values("spdxId")
    deps, ways, licenses = _relations(document, graph)
    linked = graph_of(deps, graph.roots)
    components = []
    for package in graph.packages:
        entry = _entry(document, package, graph=graph, lines=lines, ways=ways, licenses=licenses)
        if entry.ref in graph.roots and identify(document, entry, package.context).ecosystem is None:
            continue
        components.append(component_of(document, entry, package.context, linked))
    return single_file_inventory(document, KIND, components, sbom=_metadata(document, graph))


def _read_graph(document: Document, data: object) -> _Graph:
    if not isinstance(data, dict) or "@graph" not in data:
        raise document.error("not an SPDX 3 JSON-LD document: expected an object with '@graph'")
    graph = _Graph()
    for element in Fields(data, "", error=document.error).tables("@graph"):
        _index(document, graph, element)
    if not graph.creation:
        raise document.error("not an SPDX 3 document: no 'CreationInfo' with a 'specVersion'")
    # The packages described hang off the Sbom element; a document's root is usually that Sbom.
    graph.roots = list(dict.fromkeys(_expand_roots(graph)))
    return graph


def _index(document: Document, graph: _Graph, element: Fields) -> None:
    identifier = _id(element)
    if identifier is not None:
        graph.by_id[identifier] = element
    kind = element.opt_str("type") or element.opt_str("@type")
    if kind == _PACKAGE:
        graph.packages.append(element)
    elif kind in _RELATIONSHIPS:
        graph.relationships.append(element)
    elif kind == "CreationInfo" and element.opt_str("specVersion"):
        graph.creation.append(element)
    if kind in _ROOT_HOLDERS:
        graph.roots.extend(_strings(document, element, "rootElement"))
    info = element.raw("creationInfo")
    if isinstance(info, dict) and info.get("specVersion"):
        graph.creation.append(element.mapping("creationInfo"))


def _relations(
    document: Document, graph: _Graph
) -> tuple[dict[str, list[str]], dict[str, set[Scope]], dict[str, list[str]]]:
    """Dependency edges, the ways each package is depended on, and license texts per element."""
    deps: dict[str, list[str]] = {}
    ways: dict[str, set[Scope]] = {}
    licenses: dict[str, list[str]] = {}
    for relation in graph.relationships:
        source = relation.str("from")
        kind = relation.str("relationshipType")
        targets = _strings(document, relation, "to")
        if kind in _DEPENDENCIES:
            scope = _DEPENDENCIES[kind]
            if relation.opt_str("scope") in _DEV_SCOPES:
                scope = Scope.DEV
            deps.setdefault(source, []).extend(targets)
            for target in targets:
                ways.setdefault(target, set()).add(scope)
        elif kind in _LICENSES:
            texts = (_license_text(graph.by_id.get(target), target) for target in targets)
            licenses.setdefault(source, []).extend(texts)
    return deps, ways, licenses


def _expand_roots(graph: _Graph) -> Iterator[str]:
    for root in graph.roots:
        element = graph.by_id.get(root)
        kind = element.opt_str("type") if element is not None else None
        if kind not in _ROOT_HOLDERS:
            yield root


def _license_text(element: Fields | None, target: str) -> str:
    """A license expression element's text; a listed license referenced by IRI is its SPDX id."""
    if element is None:
        return target.removeprefix(_LISTED_LICENSES)
    return element.opt_str("simplelicensing_licenseExpression") or element.opt_str("name") or target


def _agent_name(graph: _Graph, agent: str | None) -> str | None:
    element = graph.by_id.get(agent) if agent else None
    return (element.opt_str("name") if element is not None else None) or agent


def _entry(
    document: Document,
    package: Fields,
    *,
    graph: _Graph,
    lines: dict[str, int],
    ways: dict[str, set[Scope]],
    licenses: dict[str, list[str]],
) -> Entry:
    ref = _id(package)
    found = ways.get(ref or "", set())
    scope = Scope.RUNTIME
    if found and Scope.RUNTIME not in found:
        scope = Scope.OPTIONAL if Scope.OPTIONAL in found else Scope.DEV
    hashes = (
        hash_text(h.str("algorithm"), h.str("hashValue"))
        for h in package.tables("verifiedUsing")
        if h.opt_str("hashValue")
    )
    originators = [_agent_name(graph, a) for a in _strings(document, package, "originatedBy")]
    return Entry(
        name=package.opt_str("name"),
        version=package.opt_str("software_packageVersion"),
        purl=package.opt_str("software_packageUrl") or _purl_identifier(package),
        line=lines.get(ref) if ref else None,
        ref=ref,
        scope=scope,
        licenses=tuple(dict.fromkeys(licenses.get(ref or "", []))),
        supplier=_agent_name(graph, package.opt_str("suppliedBy")),
        author=", ".join(a for a in originators if a) or None,
        hashes=tuple(hashes),
    )


def _purl_identifier(package: Fields) -> str | None:
    for identifier in package.tables("externalIdentifier"):
        if identifier.opt_str("externalIdentifierType") == "packageUrl":
            return identifier.opt_str("identifier")
    return None


def _metadata(document: Document, graph: _Graph) -> SbomMetadata:
    info = graph.creation[0]
    authors = [_agent_name(graph, a) for a in _strings(document, info, "createdBy")]
    subjects = [graph.by_id[r] for r in graph.roots if r in graph.by_id]
    return SbomMetadata(
        timestamp=parse_timestamp(document, info.opt_str("created"), "CreationInfo.created"),
        authors=tuple(a for a in authors if a),
        supplier=next(
            (_agent_name(graph, s.opt_str("suppliedBy")) for s in subjects if s.opt_str("suppliedBy")), None
        ),
        subject=", ".join(n for n in (s.opt_str("name") for s in subjects) if n) or None,
        spec=f"SPDX-{info.str('specVersion')}",
    )
