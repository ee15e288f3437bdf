"""The pre-commit hooks (.pre-commit-hooks.yaml): which files trigger them, and a real run in a git repo.

The run uses a `repo: local` config built from the manifest's own hook (same entry, args, files,
pass_filenames) with `language: system` and this virtualenv first on PATH: `try-repo` would pip-install
osswatch and its dependencies into a fresh environment, which needs the network and a commit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from osswatch.inventory.registry import PARSERS
from tests.conftest import REPO

MANIFEST = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _hooks() -> dict[str, dict[str, Any]]:
    hooks: list[dict[str, Any]] = yaml.safe_load(MANIFEST.read_text())
    return {hook["id"]: hook for hook in hooks}


def test_manifest_declares_both_hooks_on_the_same_files() -> None:
    hooks = _hooks()
    assert set(hooks) == {"osswatch", "osswatch-scan"}
    assert hooks["osswatch"]["entry"] == "osswatch inventory"
    assert hooks["osswatch-scan"]["entry"] == "osswatch scan --offline"
    assert hooks["osswatch"]["files"] == hooks["osswatch-scan"]["files"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True


def _examples() -> list[str]:
    """A file name for every by-name pattern of the parser table (`*` filled in)."""
    return sorted({pattern.replace("*", "x") for entry in PARSERS for pattern in entry.names})


@pytest.mark.parametrize("name", _examples(), ids=_examples())
def test_every_file_osswatch_reads_by_name_triggers_the_hook(name: str) -> None:
    files = re.compile(_hooks()["osswatch"]["files"])
    assert files.search(name)
    assert files.search(f"services/api/{name}")


@pytest.mark.parametrize(
    "name",
    ["README.md", "package.json", "pyproject.toml", "src/poetry.lock.py", "docs/uv.lock.md", "Cargo.toml"],
)
def test_other_files_do_not_trigger_the_hook(name: str) -> None:
    assert not re.compile(_hooks()["osswatch"]["files"]).search(name)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def hooked_repo(tmp_path: Path) -> Path:
    """A throwaway git repo whose pre-commit config runs the manifest's `osswatch` hook."""
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    hook = {**_hooks()["osswatch"], "language": "system"}
    hook.pop("minimum_pre_commit_version")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(repo, "add", ".pre-commit-config.yaml")
    return repo


def _run(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
    }
    command = [str(PRE_COMMIT), "run", "osswatch", "--files", *files]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_hook_passes_on_a_real_lockfile(hooked_repo: Path, shared_data: Path) -> None:
    for name in ("poetry.lock", "pyproject.toml"):
        shutil.copy(shared_data / "lockfiles" / "itu-p1203" / name, hooked_repo / name)
    run = _run(hooked_repo, "poetry.lock", "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"osswatch inventory .*Passed", run.stdout)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("poetry.lock", b'[[package]]\nname = "x"\nversion = \n'),
        ("Cargo.lock", b'[[package]]\nname = "serde"\nvers'),
        ("package-lock.json", b""),
        ("yarn.lock", b"\x00\xff\xfe garbage \x00"),
    ],
    ids=["malformed", "truncated", "empty", "binary"],
)
def test_hook_fails_on_a_broken_lockfile_naming_it(hooked_repo: Path, name: str, content: bytes) -> None:
    (hooked_repo / name).write_bytes(content)
    run = _run(hooked_repo, name)
    assert run.returncode == 1, run.stdout
    assert "Failed" in run.stdout
    assert f"osswatch: error: {name}" in run.stdout
    assert "exit code: 2" in run.stdout


def test_hook_skips_commits_that_touch_no_lockfile(hooked_repo: Path) -> None:
    (hooked_repo / "README.md").write_text("hello\n")
    run = _run(hooked_repo, "README.md")
    assert run.returncode == 0
    assert "Skipped" in run.stdout
