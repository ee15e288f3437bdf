"""Walking folders: installed and vendored trees skipped, symlink loops survived, order stable."""

from __future__ import annotations

import os
from pathlib import Path

from osswatch.inventory.discover import walk_files


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")


def test_skips_installed_and_vendored_trees(tmp_path: Path) -> None:
    _touch(tmp_path / "app" / "poetry.lock")
    _touch(tmp_path / "node_modules" / "left-pad" / "package-lock.json")
    _touch(tmp_path / ".git" / "config")
    _touch(tmp_path / "vendor" / "github.com" / "x" / "go.mod")
    _touch(tmp_path / "env" / "pyvenv.cfg")
    _touch(tmp_path / "env" / "lib" / "requirements.txt")
    _touch(tmp_path / "web" / "yarn.lock")
    found = [f.path.relative_to(tmp_path).as_posix() for f in walk_files(tmp_path)]
    assert found == ["app/poetry.lock", "web/yarn.lock"]


def test_symlink_loop_is_walked_once(tmp_path: Path) -> None:
    _touch(tmp_path / "a" / "Cargo.lock")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "a" / "dangling")
    found = [f.path.name for f in walk_files(tmp_path)]
    assert found == ["Cargo.lock"]


def test_unreadable_folder_is_passed_over(tmp_path: Path) -> None:
    _touch(tmp_path / "ok" / "go.mod")
    locked = tmp_path / "locked"
    locked.mkdir()
    _touch(locked / "go.mod")
    locked.chmod(0)
    try:
        found = [f.path.relative_to(tmp_path).as_posix() for f in walk_files(tmp_path)]
    finally:
        locked.chmod(0o755)
    # root can read anything; otherwise the locked folder is skipped without an error.
    assert "ok/go.mod" in found
