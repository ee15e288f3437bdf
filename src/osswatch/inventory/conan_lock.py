"""conan.lock: the C/C++ packages a Conan lockfile pins (Conan 2 format 0.5; Conan 1 graph locks).

Conan 2 (https://docs.conan.io/2/tutorial/versioning/lockfiles.html; a public example is
apache/celix's conan.lock): `{"version": "0.5", "requires": [...], "build_requires": [...],
"python_requires": [...], "config_requires": [...]}`, each entry a reference
`name/version[@user[/channel]][#recipe_revision[%timestamp]]`. `requires` are what the built
binaries link (runtime); `build_requires` (tool requires) and `python_requires` (recipe code) only
run at build time, so they are dev. The format does not record which are direct.

Conan 1 (format 0.4): `graph_lock.nodes` maps ids to nodes with `ref`, `requires`,
`build_requires` and `context`; node "0" with a `path` is the consumer project itself (not a
component) and what it requires is direct; nodes in the `build` context are dev.

A reference with a user/channel (`@mycompany/stable`) comes from a private remote, not
ConanCenter: kept but unidentified.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.model import Component, EcosystemName, Inventory, Location, Scope

ECOSYSTEM = EcosystemName("ConanCenter")
KIND = "conan.lock"
_REFERENCE = re.compile(
    r"^(?P<name>[^/@#%\s]+)/(?P<version>[^@#%\s]+)"
    r"(?:@(?P<user>[^/#%\s]+)(?:/(?P<channel>[^#%\s]+))?)?"
    r"(?:#(?P<revision>[^%\s]+)(?:%\S+)?)?$"
)
_V2_LISTS = (
    ("requires", Scope.RUNTIME),
    ("build_requires", Scope.DEV),
    ("python_requires", Scope.DEV),
    ("config_requires", Scope.DEV),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Pin:
    reference: str
    scope: Scope
    is_direct: bool | None = None
    ref: str | None = None
    depends_on: tuple[str, ...] = ()


class ConanLockParser:
    """Reads conan.lock files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked reference."""
        data = Fields(load_json(document), "", error=document.error)
        graph = data.opt_mapping("graph_lock")
        pins = _graph_pins(document, graph) if graph is not None else _v2_pins(document, data)
        finder = _LineFinder(document.text())
        components = [_component(document, pin, finder.line_of(pin.reference)) for pin in pins]
        return single_file_inventory(document, KIND, components)


def _v2_pins(document: Document, data: Fields) -> Iterator[_Pin]:
    if "version" not in data:
        raise document.error("not a Conan lockfile: no 'version' and no 'graph_lock'")
    for key, scope in _V2_LISTS:
        for index, reference in enumerate(data.list(key)):
            if not isinstance(reference, str):
                raise document.error(f"'{key}[{index}]' should be a string")
            yield _Pin(reference=reference, scope=scope)


def _graph_pins(document: Document, graph: Fields) -> Iterator[_Pin]:
    nodes = graph.mapping("nodes")
    entries = {
        key: Fields(value, f"{nodes.context}.{key}", error=document.error) for key, value in nodes.items()
    }
    root = entries.get("0")
    direct: set[str] = set()
    if root is not None and "path" in root:
        direct = {str(i) for key in ("requires", "build_requires") for i in root.list(key)}
    for key, node in entries.items():
        reference = node.opt_str("ref")
        if reference is None or (key == "0" and "path" in node):
            continue
        requires = tuple(str(i) for i in node.list("requires") if str(i) in entries)
        yield _Pin(
            reference=reference,
            scope=Scope.DEV if node.opt_str("context") == "build" else Scope.RUNTIME,
            is_direct=key in direct if root is not None and "path" in root else None,
            ref=key,
            depends_on=requires,
        )


class _LineFinder:
    """Lines of string literals, found in file order (JSON keeps no positions once parsed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.position = 0

    def line_of(self, value: str) -> int | None:
        needle = json.dumps(value, ensure_ascii=False)
        found = self.text.find(needle, self.position)
        if found < 0:
            found = self.text.find(needle)
            if found < 0:
                return None
        self.position = found + len(needle)
        return bisect_right(self.newlines, found) + 1


def _component(document: Document, pin: _Pin, line: int | None) -> Component:
    match = _REFERENCE.match(pin.reference)
    if match is None:
        raise document.error(f"invalid Conan reference {pin.reference!r}", line=line)
    name, version = match.group("name"), match.group("version")
    pinned = None if version.startswith("[") else version
    is_center = match.group("user") in (None, "_")
    return Component(
        name=normalize_name(ECOSYSTEM, name),
        version=pinned,
        ecosystem=ECOSYSTEM if is_center else None,
        purl=purl_for(ECOSYSTEM, name, pinned) if is_center else None,
        location=Location(path=document.path, line=line),
        is_direct=pin.is_direct,
        scope=pin.scope,
        ref=pin.ref or pin.reference,
        depends_on=pin.depends_on,
    )
