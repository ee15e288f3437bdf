"""Finding SBOMs and lockfiles under a folder, skipping installed and vendored trees and symlink loops."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "vendor",
        "third_party",
        "third-party",
        ".yarn",
        ".pnpm-store",
        ".gradle",
        ".dart_tool",
        "_build",
        "deps",
    }
)
"""Folder names never entered: installed packages, VCS metadata, caches and vendored copies."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FoundFile:
    """A file met during a walk, with the path to show for it."""

    path: Path
    display: str


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def walk_files(root: Path, *, skip: frozenset[str] = SKIPPED_DIRECTORIES) -> Iterator[FoundFile]:
    """Every regular file below `root`, in a stable order, each real directory visited once."""
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        directory = stack.pop()
        try:
            info = directory.stat()
        except OSError:
            continue
        identity = (info.st_dev, info.st_ino)
        if identity in seen:
            continue  # a symlink loop or a second link to a folder already walked
        seen.add(identity)
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories: list[Path] = []
        for entry in entries:
            try:
                if entry.is_dir():
                    if entry.name not in skip and not _is_virtualenv(Path(entry.path)):
                        subdirectories.append(Path(entry.path))
                elif entry.is_file():
                    yield FoundFile(path=Path(entry.path), display=entry.path)
            except OSError:
                continue  # a broken or looping symlink: nothing to read
        stack.extend(reversed(subdirectories))
