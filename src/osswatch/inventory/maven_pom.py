"""pom.xml: the dependencies a Maven project declares, with the versions the file itself resolves.

Model: https://maven.apache.org/pom.html#Dependencies and
https://maven.apache.org/guides/introduction/introduction-to-dependency-mechanism.html. A pom is
not a lockfile: it pins only what it writes. Versions are taken from the dependency, else from the
same pom's `dependencyManagement`; `${name}` is replaced from `<properties>` and the project
coordinates (`${project.version}`, `${project.parent.version}`, …). A version still holding `${…}`
(defined in a parent or on the command line) or a range (`[1.0,2.0)`) is unpinned, never guessed.

Scopes: `test` and `provided` are dev (not shipped by this artifact), `<optional>true` is
optional. Entries of `dependencyManagement` that no dependency uses are reported too, with
`is_direct` None: in a multi-module build they are the versions the modules get. Profiles and
plugin dependencies (build tooling) are not read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from osswatch.ecosystems.identity import purl_for
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_xml
from osswatch.model import Component, EcosystemName, Inventory, Location, Scope

ECOSYSTEM = EcosystemName("Maven")
KIND = "pom.xml"
_PROPERTY = re.compile(r"\$\{([^}]+)\}")
_MAX_EXPANSIONS = 32
_MAX_LENGTH = 1024
"""Longest expanded value: properties that nest `${a}${a}` must not grow without bound."""
_COMMENT = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_DEPENDENCY_TAG = re.compile(r"<(?:[\w.-]+:)?dependency(?=[\s/>])")
_DEV_SCOPES = frozenset({"test", "provided"})


@dataclass(frozen=True, kw_only=True, slots=True)
class _Declared:
    group: str
    artifact: str
    version: str | None
    scope: str | None
    is_optional: bool
    element: Element

    @property
    def key(self) -> str:
        return f"{self.group}:{self.artifact}"


class MavenPomParser:
    """Reads pom.xml files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every declared and managed dependency, versions resolved within the file."""
        root = load_xml(document)
        if _local(root.tag) != "project":
            raise document.error(f"expected a <project> root, found <{_local(root.tag)}>", line=1)
        properties = _properties(root)
        lines = _dependency_lines(document, root)
        declared = _declared(document, root, ("dependencies",))
        managed = _declared(document, root, ("dependencyManagement", "dependencies"))
        managed_by_key = {entry.key: entry for entry in managed}
        components = [
            _component(
                document,
                entry,
                managed_by_key.get(entry.key),
                properties=properties,
                lines=lines,
                is_direct=True,
            )
            for entry in declared
        ]
        used = {entry.key for entry in declared}
        components += [
            _component(document, entry, None, properties=properties, lines=lines, is_direct=None)
            for entry in managed
            if entry.key not in used
        ]
        return single_file_inventory(document, KIND, components)


def _local(tag: str) -> str:
    """The tag without its namespace (`{http://maven.apache.org/POM/4.0.0}version` → `version`)."""
    return tag.rpartition("}")[2]


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _properties(root: Element) -> dict[str, str]:
    values: dict[str, str] = {}
    parent = _child(root, "parent")
    for prefix, element in (("project.parent.", parent), ("parent.", parent), ("project.", root)):
        if element is None:
            continue
        for field in ("groupId", "artifactId", "version"):
            value = _text(element, field)
            if value is not None:
                values[prefix + field] = value
    # A module without its own groupId/version inherits its parent's.
    for field in ("groupId", "version"):
        if f"project.{field}" not in values and f"project.parent.{field}" in values:
            values[f"project.{field}"] = values[f"project.parent.{field}"]
    if "project.version" in values:
        values.setdefault("version", values["project.version"])
        values.setdefault("pom.version", values["project.version"])
    block = _child(root, "properties")
    for element in block if block is not None else ():
        values[_local(element.tag)] = (element.text or "").strip()
    return values


def _expand(value: str, properties: dict[str, str]) -> str:
    """`value` with `${…}` replaced from `properties`; unknown names stay as written."""
    original = value
    for _ in range(_MAX_EXPANSIONS):
        expanded = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), value)
        if expanded == value:
            return value
        if len(expanded) > _MAX_LENGTH:
            return original
        value = expanded
    return original  # a property cycle: left unresolved, so unpinned


def _declared(document: Document, root: Element, path: tuple[str, ...]) -> list[_Declared]:
    container: Element | None = root
    for name in path:
        container = _child(container, name) if container is not None else None
    if container is None:
        return []
    found = []
    for element in container:
        if _local(element.tag) != "dependency":
            continue
        group, artifact = _text(element, "groupId"), _text(element, "artifactId")
        if group is None or artifact is None:
            where = "/".join(path)
            raise document.error(f"a dependency in '{where}' lacks groupId or artifactId")
        found.append(
            _Declared(
                group=group,
                artifact=artifact,
                version=_text(element, "version"),
                scope=_text(element, "scope"),
                is_optional=_text(element, "optional") == "true",
                element=element,
            )
        )
    return found


def _dependency_lines(document: Document, root: Element) -> dict[int, int]:
    """`id(element) → line` for every <dependency>, by counting start tags in the text."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), document.text())
    newlines = [match.start() for match in re.finditer("\n", text)]
    starts = [bisect_right(newlines, m.start()) + 1 for m in _DEPENDENCY_TAG.finditer(text)]
    elements = [e for e in root.iter() if _local(e.tag) == "dependency"]
    if len(starts) != len(elements):
        return {}
    return {id(element): line for element, line in zip(elements, starts, strict=True)}


def _version(raw: str | None, properties: dict[str, str]) -> str | None:
    if raw is None:
        return None
    version = _expand(raw, properties)
    if "${" in version or any(c in version for c in "[](),"):
        return None
    return version


def _scope(entry: _Declared, managed: _Declared | None) -> Scope:
    scope = entry.scope or (managed.scope if managed else None)
    if scope in _DEV_SCOPES:
        return Scope.DEV
    if entry.is_optional:
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _component(
    document: Document,
    entry: _Declared,
    managed: _Declared | None,
    *,
    properties: dict[str, str],
    lines: dict[int, int],
    is_direct: bool | None,
) -> Component:
    group, artifact = _expand(entry.group, properties), _expand(entry.artifact, properties)
    if not group.strip() or not artifact.strip():
        raise document.error(f"dependency {entry.key!r} has an empty groupId or artifactId")
    name = f"{group}:{artifact}"
    raw = entry.version if entry.version is not None else (managed.version if managed else None)
    version = _version(raw, properties)
    return Component(
        name=name,
        version=version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, name, version),
        location=Location(path=document.path, line=lines.get(id(entry.element))),
        is_direct=is_direct,
        scope=_scope(entry, managed),
        ref=name,
    )
