"""Turning the paths a user gives into one Inventory: files parsed directly, folders walked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from osswatch.errors import InputError, ParseError, UnsupportedInput
from osswatch.inventory.discover import walk_files
from osswatch.inventory.reading import ReadLimits, read_document, read_head
from osswatch.inventory.registry import ParserEntry, entry_for, kinds
from osswatch.model import Inventory, Location, Problem, Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class CollectOptions:
    """How to collect: whether development dependencies count, and what the reader refuses."""

    include_dev: bool = True
    limits: ReadLimits = field(default_factory=ReadLimits)
    on_file: Callable[[str], None] | None = None
    """Called with each file's display path before it is parsed (for progress)."""


def parse_file(path: Path, entry: ParserEntry, options: CollectOptions, display: str) -> Inventory:
    """One file through its parser; raises ParseError naming the file when it is malformed."""
    if options.on_file is not None:
        options.on_file(display)
    document = read_document(path, options.limits, display=display)
    try:
        return entry.load().parse(document)
    except ParseError:
        raise
    except RecursionError as e:
        raise document.error("nested too deeply") from e
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as e:
        # A parser bug or a shape it did not expect: still one clear line naming the file.
        log.debug("parser %s failed on %s", entry.kind, display, exc_info=True)
        raise document.error(f"unexpected content for {entry.kind}: {e}") from e


def _collect_file(path: Path, options: CollectOptions) -> Inventory:
    entry = entry_for(path.name, read_head(path))
    if entry is None:
        known = ", ".join(kinds())
        raise UnsupportedInput(f"{path}: not a recognised SBOM or lockfile (osswatch reads {known})")
    return parse_file(path, entry, options, str(path))


def _collect_folder(root: Path, options: CollectOptions) -> Inventory:
    inventory = Inventory()
    for found in walk_files(root):
        entry = entry_for(found.path.name, b"")
        if entry is None:
            if not found.path.name.endswith((".json", ".xml", ".txt", ".jsonld", ".tv")):
                continue
            entry = entry_for(found.path.name, read_head(found.path))
            if entry is None:
                continue
        try:
            inventory = inventory.merged(parse_file(found.path, entry, options, found.display))
        except ParseError as e:
            problem = Problem(location=Location(path=e.path, line=e.line), message=e.message)
            inventory = inventory.merged(Inventory(problems=(problem,)))
    return inventory


def without_duplicates(inventory: Inventory) -> Inventory:
    """The inventory with each (file, line, package, version) once: a file reached both directly and
    through another's include (`-r base.txt`) must not count twice."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for c in inventory.components:
        key = (c.location.path, c.location.line, c.ecosystem, c.name, c.version)
        if key not in seen:
            seen.add(key)
            kept.append(c)
    sources = {s.path: s for s in inventory.sources}
    problems = list(dict.fromkeys(inventory.problems))
    return Inventory(components=tuple(kept), sources=tuple(sources.values()), problems=tuple(problems))


def without_dev(inventory: Inventory) -> Inventory:
    """The inventory less development-only components."""
    kept = tuple(c for c in inventory.components if c.scope is not Scope.DEV)
    return Inventory(components=kept, sources=inventory.sources, problems=inventory.problems)


def collect(paths: Sequence[Path], options: CollectOptions | None = None) -> Inventory:
    """Every component under `paths`. A bad file in a folder becomes a Problem; a bad file named
    directly raises, since nothing else was asked for."""
    options = options or CollectOptions()
    inventory = Inventory()
    for path in paths:
        if path.is_dir():
            inventory = inventory.merged(_collect_folder(path, options))
        elif path.exists():
            inventory = inventory.merged(_collect_file(path, options))
        else:
            raise InputError(f"{path}: no such file or folder")
    inventory = without_duplicates(inventory)
    return inventory if options.include_dev else without_dev(inventory)
