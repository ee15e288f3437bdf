"""Reading policy files: TOML, pyproject.toml and YAML; every error names file:line and the key path."""

from __future__ import annotations

import pytest

from osswatch.errors import InputError
from osswatch.model import Level
from osswatch.policy.component_conditions import Flag, LicenseIn
from osswatch.policy.conditions import SeverityIn, Target
from osswatch.policy.rules import PolicyFileError, baseline, baseline_text
from tests.policy.builders import policy_of

GOOD = """\
[policy]
name = "acme"
extends = "baseline"
disable = ["libyear-over-2"]

[[policy.rules]]
id = "no-gpl"
description = "Copyleft licence in a distributed product"
level = "fail"
guidance = "ACME open source policy §3"
remediation = "replace {name} {version}"
scope = { ecosystems = ["PyPI"], include_dev = false }
when = { license_in = ["GPL-3.0-only", "AGPL-3.0-only"] }

[[policy.rules]]
id = "yanked"
description = "Yanked release (ACME: warn only)"
level = "warn"
[policy.rules.when]
yanked = true
"""


def test_good_policy_extends_the_baseline() -> None:
    policy = policy_of(GOOD)
    ids = [r.id for r in policy.rules]
    base_ids = [r.id for r in baseline().rules]
    assert policy.name == "acme"
    assert "libyear-over-2" not in ids
    assert ids == [i for i in base_ids if i not in {"libyear-over-2", "yanked"}] + ["no-gpl", "yanked"]
    no_gpl, yanked = policy.rules[-2:]
    assert no_gpl.when == (LicenseIn(denied=("GPL-3.0-only", "AGPL-3.0-only")),)
    assert no_gpl.scope.ecosystems == ("PyPI",)
    assert no_gpl.scope.include_dev is False
    assert yanked.level is Level.WARN
    assert yanked.when == (Flag(flag="yanked", expected=True),)


def test_yaml_and_pyproject_read_the_same_policy() -> None:
    yaml_text = """\
policy:
  name: acme
  rules:
    - id: high
      description: High severity
      level: warn
      when:
        severity: [high]
"""
    pyproject = """\
[project]
name = "x"

[tool.osswatch.policy]
name = "acme"

[[tool.osswatch.policy.rules]]
id = "high"
description = "High severity"
level = "warn"
when = { severity = ["high"] }
"""
    from_yaml = policy_of(yaml_text, "policy.yaml")
    from_pyproject = policy_of(pyproject, "pyproject.toml")
    assert from_yaml.rules == from_pyproject.rules
    assert from_yaml.rules[0].when == (SeverityIn(levels=("high",)),)


def test_baseline_rules_cite_their_guidance() -> None:
    rules = baseline().rules
    assert all(r.guidance for r in rules)
    cited = " ".join(r.guidance or "" for r in rules)
    for source in ("ISO/IEC 18974", "OpenSSF", "CISA BOD 22-01", "NTIA"):
        assert source in cited
    assert baseline_text().startswith("# The osswatch baseline policy.")


def rule(when: str, extra: str = "") -> str:
    return f'[policy]\n[[policy.rules]]\nid = "r1"\ndescription = "d"\nlevel = "fail"\n{extra}{when}\n'


ERRORS = [
    (
        "unknown-condition",
        rule("when = { severty = ['high'] }"),
        "osswatch.toml:6: unknown condition 'severty' at 'policy.rules[0].when.severty'",
    ),
    (
        "unknown-condition-subtable",
        rule('[policy.rules.when]\nseverity = ["high"]\nhas_fx = true'),
        "osswatch.toml:8: unknown condition 'has_fx' at 'policy.rules[0].when.has_fx'",
    ),
    (
        "bad-level",
        '[policy]\n[[policy.rules]]\nid = "r1"\ndescription = "d"\n'
        'level = "fatal"\nwhen = { yanked = true }\n',
        "osswatch.toml:5: 'policy.rules[0].level' should be one of fail, warn, info, found 'fatal'",
    ),
    (
        "wrong-type",
        rule('when = { cvss_at_least = "7" }'),
        "osswatch.toml:6: 'policy.rules[0].when.cvss_at_least' should be a number, found a string",
    ),
    (
        "missing-id",
        '[policy]\n[[policy.rules]]\ndescription = "d"\nlevel = "fail"\nwhen = { yanked = true }\n',
        "osswatch.toml:2: missing 'id' in 'policy.rules[0]'",
    ),
    (
        "missing-when",
        rule(""),
        "osswatch.toml:2: missing 'when' in 'policy.rules[0]'",
    ),
    (
        "empty-when",
        rule("when = {}"),
        "osswatch.toml:6: 'policy.rules[0].when' has no conditions",
    ),
    (
        "unknown-rule-key",
        rule("when = { yanked = true }", 'severity = "high"\n'),
        "osswatch.toml:6: unknown key 'severity' in 'policy.rules[0]' (known: id, description, level, "
        "scope, when, guidance, remediation, otherwise)",
    ),
    (
        "duplicate-id",
        rule("when = { yanked = true }") + '[[policy.rules]]\nid = "r1"\ndescription = "d"\nlevel = "warn"\n'
        "when = { deprecated = true }\n",
        "osswatch.toml:8: duplicate rule id 'r1' at 'policy.rules[1].id'",
    ),
    (
        "template-attribute",
        rule("when = { yanked = true }", 'remediation = "{name.__class__}"\n'),
        "osswatch.toml:6: 'policy.rules[0].remediation' uses '{name.__class__}': only plain {field} with "
        "ecosystem, fixed, fixes, id, ids, latest, missing, name, purl, severity, version",
    ),
    (
        "template-broken",
        rule("when = { yanked = true }", 'remediation = "upgrade {name"\n'),
        "osswatch.toml:6: 'policy.rules[0].remediation' is not a valid template: "
        "expected '}' before end of string",
    ),
    (
        "scope-wrong-type",
        rule("when = { yanked = true }", 'scope = { ecosystems = "PyPI" }\n'),
        "osswatch.toml:6: 'policy.rules[0].scope.ecosystems' should be a list of strings",
    ),
    (
        "sbom-mixed",
        rule("when = { sbom_missing = ['author'], yanked = true }"),
        "osswatch.toml:6: 'policy.rules[0].when' mixes SBOM conditions "
        "with component or vulnerability conditions",
    ),
    (
        "extends-other",
        '[policy]\nextends = "strict"\n',
        "osswatch.toml:2: 'policy.extends' can only be 'baseline'",
    ),
    (
        "disable-unknown",
        '[policy]\nextends = "baseline"\ndisable = ["yanked", "nope"]\n',
        "osswatch.toml:3: 'policy.disable[1]' names no baseline rule: 'nope'",
    ),
    (
        "rules-not-list",
        '[policy]\nrules = "all"\n',
        "osswatch.toml:2: 'policy.rules' should be a list of tables, found a string",
    ),
    ("empty-file", "", "osswatch.toml: no 'policy' table: nothing to read"),
    (
        "policy-not-table",
        'policy = "strict"\n',
        "osswatch.toml:1: 'policy' should be a table, found a string",
    ),
    (
        "toml-syntax",
        '[policy]\nname = "unterminated\n',
        "osswatch.toml:2: invalid TOML: Illegal character '\\n'",
    ),
    (
        "truncated",
        rule("when = { yanked = true }")[:40],
        "osswatch.toml:4: invalid TOML: Expected '=' after a key in a key/value pair (at end of document)",
    ),
]


@pytest.mark.parametrize(("text", "message"), [(t, m) for _, t, m in ERRORS], ids=[i for i, _, _ in ERRORS])
def test_malformed_policy(text: str, message: str) -> None:
    with pytest.raises(PolicyFileError) as raised:
        policy_of(text)
    assert str(raised.value) == message
    assert isinstance(raised.value, InputError)


YAML_ERRORS = [
    (
        "unknown-condition",
        "policy:\n  rules:\n    - id: r1\n      description: d\n      level: fail\n"
        "      when:\n        severty: [high]\n",
        "policy.yaml:7: unknown condition 'severty' at 'policy.rules[0].when.severty'",
    ),
    (
        "bad-level-second-rule",
        "policy:\n  rules:\n    - id: r1\n      description: d\n      level: fail\n"
        "      when: {yanked: true}\n"
        "    - id: r2\n      description: d\n      level: FAIL\n      when: {yanked: true}\n",
        "policy.yaml:9: 'policy.rules[1].level' should be one of fail, warn, info, found 'FAIL'",
    ),
    (
        "alias-refused",
        "base: &b {yanked: true}\npolicy:\n  rules:\n    - when: *b\n",
        "policy.yaml:4: YAML aliases are not accepted in lockfiles",
    ),
    (
        "syntax",
        "policy: [\n",
        "policy.yaml:2: invalid YAML: did not find expected node content",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [(t, m) for _, t, m in YAML_ERRORS], ids=[i for i, _, _ in YAML_ERRORS]
)
def test_malformed_yaml_policy(text: str, message: str) -> None:
    with pytest.raises(PolicyFileError) as raised:
        policy_of(text, "policy.yaml")
    assert str(raised.value) == message


def test_deeply_nested_yaml_is_refused_not_crashed() -> None:
    with pytest.raises(PolicyFileError) as raised:
        policy_of("policy: " + "[" * 5000, "policy.yaml")
    assert "nested deeper than" in str(raised.value)


def test_pyproject_error_names_the_real_key_path() -> None:
    text = (
        '[tool.osswatch.policy]\n[[tool.osswatch.policy.rules]]\nid = "r"\ndescription = "d"\nlevel = "no"\n'
    )
    with pytest.raises(PolicyFileError) as raised:
        policy_of(text, "pyproject.toml")
    assert str(raised.value) == (
        "pyproject.toml:5: 'tool.osswatch.policy.rules[0].level' "
        "should be one of fail, warn, info, found 'no'"
    )


def test_rule_target_is_its_most_specific_condition() -> None:
    policy = policy_of(rule("when = { severity = ['high'], yanked = true }"))
    assert policy.rules[0].target is Target.FINDING
