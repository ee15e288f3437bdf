"""packages.lock.json: the NuGet packages a .NET project restores, per target framework.

Shape: https://learn.microsoft.com/nuget/consume-packages/package-references-in-project-files#locking-dependencies
and NuGet.Client's `PackagesLockFileFormat`: `dependencies` maps each target framework (and
`framework/runtime` pair) to packages, each with `type` (`Direct`, `Transitive`,
`CentralTransitive`, `Project`), `resolved`, `contentHash` and its own `dependencies`. `Project`
entries are other projects of the same solution: not components. A package resolved to the same
version under several frameworks is one component (direct if direct anywhere).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.model import Component, EcosystemName, Inventory, Location

ECOSYSTEM = EcosystemName("NuGet")
KIND = "packages.lock.json"
_TYPES = frozenset({"Direct", "Transitive", "CentralTransitive"})


@dataclass(frozen=True, kw_only=True, slots=True)
class _Locked:
    name: str
    version: str
    is_direct: bool
    dependencies: tuple[str, ...]
    line: int | None


class NugetLockParser:
    """Reads NuGet packages.lock.json files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every package of every framework, once per name and version."""
        data = Fields(load_json(document), "", error=document.error)
        found: dict[str, Component] = {}
        for locked in _locked(document, data):
            ref = f"{locked.name}@{locked.version}"
            if ref not in found:
                found[ref] = _component(document, locked, ref)
            elif locked.is_direct:
                found[ref] = replace(found[ref], is_direct=True)
        return single_file_inventory(document, KIND, found.values())


def _locked(document: Document, data: Fields) -> Iterator[_Locked]:
    text = document.text()
    newlines = [match.start() for match in re.finditer("\n", text)]
    position = 0
    for framework_key, framework in data.mapping("dependencies").items():
        packages = Fields(framework, f"dependencies.{framework_key}", error=document.error)
        entries = [
            (name, Fields(value, f"{packages.context}.{name}", error=document.error))
            for name, value in packages.items()
        ]
        resolved = {
            normalize_name(ECOSYSTEM, name): version
            for name, entry in entries
            if (version := entry.opt_str("resolved")) is not None
        }
        for name, entry in entries:
            # Keys come back in file order, so each is found after the previous one.
            line, position = _line_of_key(text, newlines, name, position)
            kind = entry.str("type")
            if not name.strip():
                raise document.error(f"empty package name at '{packages.context}'", line=line)
            if kind == "Project":
                continue
            if kind not in _TYPES:
                raise document.error(f"unknown type {kind!r} at '{entry.context}'", line=line)
            yield _Locked(
                name=normalize_name(ECOSYSTEM, name),
                version=entry.str("resolved"),
                is_direct=kind == "Direct",
                dependencies=_dependency_refs(entry, resolved),
                line=line,
            )


def _dependency_refs(entry: Fields, resolved: dict[str, str]) -> tuple[str, ...]:
    dependencies = entry.opt_mapping("dependencies")
    refs = []
    for name, _range in dependencies.items() if dependencies is not None else ():
        key = normalize_name(ECOSYSTEM, name)
        if key in resolved:
            refs.append(f"{key}@{resolved[key]}")
    return tuple(refs)


def _line_of_key(text: str, newlines: list[int], key: str, position: int) -> tuple[int | None, int]:
    # `"Name": {` opens a package; `"Name": "1.0"` inside another's `dependencies` does not.
    # After one miss (another writer's spacing), stop: scanning the file per key is quadratic.
    needle = json.dumps(key, ensure_ascii=False) + ": {"
    found = text.find(needle, position) if position >= 0 else -1
    if found < 0:
        return None, -1
    return bisect_right(newlines, found) + 1, found + len(needle)


def _component(document: Document, locked: _Locked, ref: str) -> Component:
    return Component(
        name=locked.name,
        version=locked.version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, locked.name, locked.version),
        location=Location(path=document.path, line=locked.line),
        is_direct=locked.is_direct,
        ref=ref,
        depends_on=locked.dependencies,
    )
