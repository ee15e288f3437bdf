"""pubspec.lock: the Dart and Flutter packages `pub get` resolved.

Shape: https://dart.dev/tools/pub/glossary#lockfile and the pub tool's `lib/src/lock_file.dart`:
`packages` maps each name to `dependency` (`direct main`, `direct dev`, `direct overridden`,
`transitive`), `description`, `source` (`hosted`, `git`, `path`, `sdk`) and `version`. `sdk`
packages (flutter, flutter_test) come with the SDK and `path` packages are local folders: neither
is a registry component. `git` packages keep the version their pubspec declares. Packages hosted
on a server other than pub.dev are kept but unidentified (ecosystem None), so pub.dev advisories
are not matched against another server's package of the same name.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_yaml
from osswatch.model import Component, EcosystemName, Inventory, Location, Scope

ECOSYSTEM = EcosystemName("Pub")
KIND = "pubspec.lock"
_PUB_DEV = ("https://pub.dev", "https://pub.dartlang.org")
_LOCAL_SOURCES = frozenset({"sdk", "path"})
_KINDS = {
    "direct main": (True, Scope.RUNTIME),
    "direct overridden": (True, Scope.RUNTIME),
    "direct dev": (True, Scope.DEV),
    "transitive": (False, Scope.RUNTIME),
}
_PACKAGE_KEY = re.compile(r"^  (?P<name>[\"']?[A-Za-z0-9_]+[\"']?):", re.MULTILINE)


class PubspecLockParser:
    """Reads pubspec.lock files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every hosted and git package."""
        value = load_yaml(document)
        data = Fields({} if value is None else value, "", error=document.error)
        lines = _package_lines(document.text())
        packages = data.opt_mapping("packages")
        components = []
        for name, value in packages.items() if packages is not None else ():
            if not isinstance(name, str) or not name:
                raise document.error(f"package name {name!r} at 'packages' is not a string")
            line = lines.get(name)

            def error(message: str, line: int | None = line) -> Exception:
                return document.error(message, line=line)

            entry = Fields(value, f"packages.{name}", error=error)
            if entry.str("source") not in _LOCAL_SOURCES:
                components.append(_component(document, name, entry, line))
        return single_file_inventory(document, KIND, components)


def _package_lines(text: str) -> dict[str, int]:
    """The line of each key directly under the top-level `packages:` (not under `sdks:`)."""
    start = re.search(r"^packages:", text, re.MULTILINE)
    if start is None:
        return {}
    end = re.compile(r"^\S", re.MULTILINE).search(text, start.end())
    section_end = end.start() if end else len(text)
    lines: dict[str, int] = {}
    newlines = [match.start() for match in re.finditer("\n", text)]
    for match in _PACKAGE_KEY.finditer(text, start.end(), section_end):
        name = match.group("name").strip("\"'")
        lines.setdefault(name, bisect_right(newlines, match.start()) + 1)
    return lines


def _is_pub_dev(entry: Fields) -> bool:
    """True for git packages and packages hosted on pub.dev (the default when no `url` is given)."""
    source = entry.str("source")
    if source != "hosted":
        return source == "git"
    description = entry.raw("description")
    url = description.get("url") if isinstance(description, dict) else None
    return not isinstance(url, str) or url.rstrip("/") in _PUB_DEV


def _component(document: Document, name: str, entry: Fields, line: int | None) -> Component:
    dependency = entry.str("dependency")
    if dependency not in _KINDS:
        raise document.error(f"unknown dependency kind {dependency!r} of {name!r}", line=line)
    is_direct, scope = _KINDS[dependency]
    version = entry.str("version")
    identified = _is_pub_dev(entry)
    return Component(
        name=normalize_name(ECOSYSTEM, name),
        version=version,
        ecosystem=ECOSYSTEM if identified else None,
        purl=purl_for(ECOSYSTEM, name, version) if identified else None,
        location=Location(path=document.path, line=line),
        is_direct=is_direct,
        scope=scope,
        ref=name,
    )
