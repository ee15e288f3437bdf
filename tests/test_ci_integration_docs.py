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
    assert len(blocks) == 4
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
