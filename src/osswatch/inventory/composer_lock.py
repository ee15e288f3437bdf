"""composer.lock: the PHP packages Composer installed, runtime (`packages`) and dev (`packages-dev`).

Shape: https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control
and Composer's `src/Composer/Package/Locker.php`: each entry has `name`, `version`, `source`/`dist`
and `require`. The lock does not say which packages the project asked for; the sibling
composer.json does (`require`, `require-dev`), so `is_direct` is set only when it is there.

A `version` naming a branch (`dev-main`, `2.x-dev`) is not a release: the component is unpinned
(the commit is in `source.reference`, which advisories do not index).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.model import Component, EcosystemName, Inventory, Location, Scope

ECOSYSTEM = EcosystemName("Packagist")
KIND = "composer.lock"
_NAME = re.compile(r"^[^/\s]+/[^/\s]+$")
"""Packagist names are `vendor/package`."""
_SECTIONS = (("packages", Scope.RUNTIME), ("packages-dev", Scope.DEV))


class ComposerLockParser:
    """Reads composer.lock files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked package, dev ones with the dev scope."""
        data = Fields(load_json(document), "", error=document.error)
        direct = _direct_names(document)
        entries = list(_entries(document, data))
        locked = {normalize_name(ECOSYSTEM, fields.str("name")) for fields, _ in entries}
        lines = _name_lines(document.text(), [fields.str("name") for fields, _ in entries])
        components = [
            _component(document, fields, scope=scope, line=line, direct=direct, locked=locked)
            for (fields, scope), line in zip(entries, lines, strict=True)
        ]
        return single_file_inventory(document, KIND, components)


def _entries(document: Document, data: Fields) -> Iterator[tuple[Fields, Scope]]:
    for key, scope in _SECTIONS:
        for fields in data.tables(key):
            yield fields, scope


def _name_lines(text: str, names: list[str]) -> list[int | None]:
    """The line of each `"name": "…"` in order (JSON keeps no positions once parsed)."""
    lines: list[int | None] = []
    newlines = [match.start() for match in re.finditer("\n", text)]
    # Composer writes `"name": "vendor/package"`; other JSON writers may escape the slash.
    is_escaped = "\\/" in text
    position = 0
    for name in names:
        shown = name.replace("/", "\\/") if is_escaped else name
        found = text.find(f'"name": "{shown}"', position)
        if found < 0:
            # Another writer's spacing: stop, rather than scan the whole file for every name.
            return lines + [None] * (len(names) - len(lines))
        lines.append(bisect_right(newlines, found) + 1)
        position = found + 1
    return lines


def _direct_names(document: Document) -> set[str] | None:
    manifest = document.sibling("composer.json")
    if manifest is None:
        return None
    data = Fields(load_json(manifest), "", error=manifest.error)
    names: set[str] = set()
    for key in ("require", "require-dev"):
        section = data.opt_mapping(key)
        if section is not None:
            names.update(normalize_name(ECOSYSTEM, name) for name, _ in section.items())
    return names


def _is_branch(version: str) -> bool:
    return version.startswith("dev-") or version.endswith("-dev")


def _component(
    document: Document,
    fields: Fields,
    *,
    scope: Scope,
    line: int | None,
    direct: set[str] | None,
    locked: set[str],
) -> Component:
    name = normalize_name(ECOSYSTEM, fields.str("name"))
    if not _NAME.match(name):
        raise document.error(f"invalid package name {name!r} at '{fields.context}'", line=line)
    version: str | None = fields.str("version")
    if version is not None and _is_branch(version):
        version = None
    requires = fields.opt_mapping("require")
    depends_on = tuple(
        normalize_name(ECOSYSTEM, key)
        for key, _ in (requires.items() if requires is not None else ())
        if normalize_name(ECOSYSTEM, key) in locked
    )
    return Component(
        name=name,
        version=version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, name, version),
        location=Location(path=document.path, line=line),
        is_direct=None if direct is None else name in direct,
        scope=scope,
        ref=name,
        depends_on=depends_on,
    )
