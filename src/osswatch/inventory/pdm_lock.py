"""pdm.lock: every `[[package]]` is a pinned PyPI component.

Shape from PDM's documentation (https://pdm-project.org/latest/usage/lockfile/) and the locks it
writes (lock_version 4.x): `groups = ["default", "dev"]` per package says which dependency groups
pull it in, and `dependencies` lists PEP 508 strings. "default" is the runtime group; other groups
are optional when `pyproject.toml` declares them under `[project.optional-dependencies]`, else dev.
A package locked with extras appears again with `extras = […]` at the same version: it is the same
component, so it is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from osswatch.ecosystems.identity import normalize_name
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_toml
from osswatch.inventory.python_common import (
    PYPI,
    locked_entries,
    package_ref,
    pypi_component,
    pyproject_direct,
    refs_by_name,
    requirement_name,
)
from osswatch.model import Component, Inventory, Location, Scope

KIND = "pdm.lock"
_DEFAULT_GROUP = "default"


def _optional_groups(document: Document) -> frozenset[str]:
    """Extras declared in the sibling pyproject.toml (PDM locks them as groups of the same name)."""
    sibling = document.sibling("pyproject.toml")
    if sibling is None:
        return frozenset()
    project = Fields(load_toml(sibling), "", error=sibling.error).opt_mapping("project")
    extras = project.opt_mapping("optional-dependencies") if project is not None else None
    return frozenset(name for name, _ in extras.items()) if extras is not None else frozenset()


def _scope(fields: Fields, optional_groups: frozenset[str]) -> Scope:
    groups = [group for group in fields.list("groups") if isinstance(group, str)]
    if not groups or _DEFAULT_GROUP in groups:
        # Locks before lock_version 4.4 have no `groups`: nothing says the package is not runtime.
        return Scope.RUNTIME
    return Scope.OPTIONAL if any(group in optional_groups for group in groups) else Scope.DEV


def _dependency_names(fields: Fields) -> list[str]:
    names = (requirement_name(dep) for dep in fields.list("dependencies") if isinstance(dep, str))
    return [name for name in names if name is not None]


def _hashes(fields: Fields) -> tuple[str, ...]:
    return tuple(value for file in fields.tables("files") if (value := file.opt_str("hash")) is not None)


def _components(document: Document, data: Mapping[str, Any]) -> Iterator[Component]:
    entries: dict[str, list[tuple[Fields, int | None]]] = {}
    for fields, line in locked_entries(document, data, "package"):
        entries.setdefault(package_ref(fields.str("name"), fields.opt_str("version")), []).append(
            (fields, line)
        )
    by_name = refs_by_name(entries)
    direct = pyproject_direct(document)
    optional_groups = _optional_groups(document)
    for ref, same in entries.items():
        fields, line = same[0]
        # The `extras` variants of a package add the extras' dependencies to the same component.
        names = {name: None for variant, _ in same for name in _dependency_names(variant)}
        yield pypi_component(
            name=fields.str("name"),
            version=fields.opt_str("version"),
            location=Location(path=document.path, line=line),
            is_direct=None if direct is None else normalize_name(PYPI, fields.str("name")) in direct,
            scope=_scope(fields, optional_groups),
            hashes=_hashes(fields),
            depends_on=[dep for name in names for dep in by_name.get(name, ()) if dep != ref],
        )


class PdmLockParser:
    """Reads pdm.lock."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked package once, marked direct from the sibling pyproject.toml when there is one."""
        return single_file_inventory(document, KIND, _components(document, load_toml(document)))
