"""`osswatch policy init|check|explain` through the real command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from osswatch.cli.policy_cmd import app
from osswatch.policy.rules import baseline, baseline_text


def test_init_writes_the_baseline_and_check_accepts_it(tmp_path: Path) -> None:
    target = tmp_path / "osswatch.toml"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == baseline_text()
    refused = runner.invoke(app, ["init", str(target)])
    assert refused.exit_code == 2
    assert "already exists" in refused.output
    checked = runner.invoke(app, ["check", str(target)])
    assert checked.exit_code == 0
    assert checked.output == f"{target}: ok — policy 'baseline' with {len(baseline().rules)} rules\n"


def test_check_reports_file_line_and_key_path(tmp_path: Path) -> None:
    bad = tmp_path / "osswatch.toml"
    bad.write_text(
        '[policy]\n[[policy.rules]]\nid = "x"\ndescription = "d"\nlevel = "fatal"\nwhen = { yanked = true }\n'
    )
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert result.output == (
        f"osswatch: error: {bad}:5: 'policy.rules[0].level' "
        "should be one of fail, warn, info, found 'fatal'\n"
    )
    missing = CliRunner().invoke(app, ["check", str(tmp_path / "absent.toml")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.output


def test_explain_lists_every_active_rule(tmp_path: Path) -> None:
    own = tmp_path / "policy.yaml"
    own.write_text(
        "policy:\n  name: acme\n  extends: baseline\n  disable: [unpinned]\n  rules:\n"
        "    - id: no-agpl\n      description: AGPL\n      level: fail\n"
        "      when: {license_in: [AGPL-3.0-only]}\n"
    )
    result = CliRunner().invoke(app, ["explain", "--policy", str(own)], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    ids = [r.id for r in baseline().rules if r.id != "unpinned"] + ["no-agpl"]
    assert all(i in result.output for i in ids)
    assert "│ unpinned" not in result.output
    assert "license needs one of AGPL-3.0-only" in result.output
