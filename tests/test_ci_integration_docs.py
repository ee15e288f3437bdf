"""docs/ci-integration.md: every YAML snippet parses, and the formats and hooks it names exist."""

from __future__ import annotations

import re
from typing import Any

import yaml

from osswatch.report.base import ReportFormat
from tests.conftest import REPO

DOC = REPO / "docs" / "ci-integration.md"


def _yaml_blocks() -> list[Any]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.DOTALL)]


def test_every_yaml_snippet_parses() -> None:
    blocks = _yaml_blocks()
    assert len(blocks) == 5
    workflow = blocks[0]
    steps = workflow["jobs"]["scan"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "osswatch.sarif"
    assert workflow["jobs"]["scan"]["permissions"]["security-events"] == "write"


def test_every_format_the_doc_uses_exists() -> None:
    used = set(re.findall(r"--format (\w+)", DOC.read_text()))
    assert used
    assert used <= {f.value for f in ReportFormat}


def test_the_pre_commit_snippet_names_manifest_hooks() -> None:
    manifest = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    config = _yaml_blocks()[3]
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} <= manifest


def test_the_upload_snippet_uses_real_options() -> None:
    from typer.main import get_command

    from osswatch.cli.project_cmd import app

    step = _yaml_blocks()[4][0]
    assert step["env"]["OSSWATCH_API_KEY"].startswith("${{ secrets.")
    words = step["run"].split()
    assert words[:3] == ["osswatch", "project", "upload"]
    upload = get_command(app).commands["upload"]  # type: ignore[attr-defined]
    known = {option for parameter in upload.params for option in parameter.opts}
    assert {word for word in words if word.startswith("--")} <= known
