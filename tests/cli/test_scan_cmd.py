"""`osswatch scan` end to end: a real OSV mirror over HTTP, a real database, real lockfiles."""

from __future__ import annotations

import json
import shutil
import tomllib
import zipfile
from pathlib import Path

from packaging.version import Version

from osswatch.ecosystems.identity import normalize_name
from tests.cli.test_app import run_cli
from tests.store_fixtures import OsvMirror


def _mirror_pypi(mirror: OsvMirror, shared_data: Path) -> None:
    shutil.copytree(shared_data / "osv" / "PyPI", mirror.root / "PyPI")


def _expected_ids(shared_data: Path, lock: Path) -> dict[tuple[str, str], set[str]]:
    """Per (package, version) of the lock: the PYSEC ids whose enumerated `versions` list it.

    osv.dev's enumerated lists are an independent answer to "is this version affected?": the
    scan evaluates ranges, this reads the lists.
    """
    pins = {
        normalize_name("PyPI", p["name"]): p["version"] for p in tomllib.loads(lock.read_text())["package"]
    }
    expected: dict[tuple[str, str], set[str]] = {}
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for member in archive.namelist():
            record = json.loads(archive.read(member))
            if record.get("withdrawn"):
                continue
            for affected in record.get("affected", []):
                name = normalize_name("PyPI", affected["package"]["name"])
                version = pins.get(name)
                listed = {Version(v) for v in affected.get("versions", []) if _valid(v)}
                if version is not None and Version(version) in listed:
                    expected.setdefault((name, version), set()).add(record["id"])
    return expected


def _valid(version: str) -> bool:
    try:
        Version(version)
    except ValueError:
        return False
    return True


def test_scan_finds_what_the_enumerated_lists_say(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "acapy" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "OSSWATCH_OSV_URL": osv_mirror.url}
    result = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    document = json.loads(result.stdout)
    found: dict[tuple[str, str], set[str]] = {}
    for vulnerability in document["vulnerabilities"]:
        component = vulnerability["component"]
        found.setdefault((component["name"], component["version"]), set()).update(vulnerability["sources"])
    expected = _expected_ids(shared_data, lock)
    assert found == expected
    assert result.returncode == (1 if expected else 0), result.stderr
    assert osv_mirror.requested("/PyPI/all.zip") == ["/PyPI/all.zip"]


def test_second_scan_does_not_download_again(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "OSSWATCH_OSV_URL": osv_mirror.url}
    first = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    second = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    assert json.loads(first.stdout)["vulnerabilities"] == json.loads(second.stdout)["vulnerabilities"]
    assert len(osv_mirror.requests) == 1


def test_offline_scan_says_which_ecosystems_lack_data(tmp_path: Path, shared_data: Path) -> None:
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = run_cli("scan", str(lock), "--offline", "--no-health", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert "no advisory data for PyPI" in result.stderr
    assert "osswatch db sync PyPI" in result.stderr
    assert json.loads(result.stdout)["advisory_data"]["missing"] == ["PyPI"]


def test_scan_table_ends_with_a_summary(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {
        "OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "OSSWATCH_OSV_URL": osv_mirror.url,
        "COLUMNS": "200",
    }
    result = run_cli("scan", str(lock), "--no-health", env=env)
    assert "PYSEC-2022-42969" in result.stdout
    closing = result.stdout.strip().splitlines()[-1]
    assert closing.startswith("PASSED: 0 fail, 1 warn.")  # one person-readable line last


OLD_WEB = Path(__file__).resolve().parent.parent / "assets" / "report" / "old-web" / "poetry.lock"


def _pypi_env(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> dict[str, str]:
    _mirror_pypi(osv_mirror, shared_data)
    return {
        "OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "OSSWATCH_OSV_URL": osv_mirror.url,
    }


def test_baseline_verdict_decides_the_exit_code(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    result = run_cli("scan", str(OLD_WEB), "--format", "json", "--no-health", env=env)
    verdict = json.loads(result.stdout)["verdict"]
    assert verdict["policy"] == "baseline"
    assert verdict["passed"] is False
    assert result.returncode == 1
    fails = [v for v in verdict["violations"] if v["level"] == "fail"]
    # Every baseline fail here is a fixable critical/high vulnerability (no KEV catalog was given).
    assert {v["rule"] for v in fails} == {"fixable-critical-high"}


def test_a_policy_without_fail_rules_passes_and_fail_on_warn_tightens(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    policy = tmp_path / "osswatch.toml"
    policy.write_text(
        '[policy]\nname = "lenient"\n\n[[policy.rules]]\nid = "any-vulnerability"\n'
        'description = "Known vulnerabilities are shown"\nlevel = "warn"\n'
        'when = { severity = ["critical", "high", "medium", "low", "none", "unknown"] }\n'
    )
    check = run_cli("policy", "check", str(policy), env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    lenient = run_cli(
        "scan", str(OLD_WEB), "--policy", str(policy), "--no-health", "--format", "json", env=env
    )
    assert lenient.returncode == 0, lenient.stderr
    assert json.loads(lenient.stdout)["verdict"]["policy"] == "lenient"
    strict = run_cli(
        "scan", str(OLD_WEB), "--policy", str(policy), "--no-health", "--fail-on", "warn", env=env
    )
    assert strict.returncode == 1


def test_a_malformed_policy_is_an_input_error_with_its_line(tmp_path: Path, shared_data: Path) -> None:
    policy = tmp_path / "osswatch.toml"
    policy.write_text('[policy]\n\n[[policy.rules]]\nid = "x"\ndescription = "d"\nlevel = "fatal"\n')
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = run_cli("scan", str(OLD_WEB), "--policy", str(policy), "--offline", "--no-health", env=env)
    assert result.returncode == 2
    assert f"{policy}:6:" in result.stderr
    assert "Traceback" not in result.stderr


def test_fix_plan_names_the_upgrades(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> None:
    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    result = run_cli("scan", str(OLD_WEB), "--fix-plan", "--no-health", "--format", "json", env=env)
    plan = json.loads(result.stdout)["fix_plan"]
    scanned = json.loads(run_cli("scan", str(OLD_WEB), "--no-health", "--format", "json", env=env).stdout)
    failing = {v["vulnerability"] for v in scanned["verdict"]["violations"] if v["level"] == "fail"}
    cleared = {i for upgrade in plan["upgrades"] for i in upgrade["clears"]}
    unfixable = {u["vulnerability"] for u in plan["unfixable"]}
    assert cleared | unfixable == failing
    assert all(u["to"] != u["from"] for u in plan["upgrades"])


def test_sarif_output_to_a_file(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> None:
    import jsonschema

    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    target = tmp_path / "osswatch.sarif"
    result = run_cli("scan", str(OLD_WEB), "--no-health", "--format", "sarif", "-o", str(target), env=env)
    assert result.returncode == 1
    document = json.loads(target.read_text())
    schema = json.loads((shared_data / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(document)
    assert document["runs"][0]["results"]


def _kev_listing(cve: str) -> str:
    return json.dumps(
        {
            "title": "CISA Catalog of Known Exploited Vulnerabilities",
            "catalogVersion": "2026.11.20",
            "dateReleased": "2026-11-20T17:02:11.7125Z",
            "count": 1,
            "vulnerabilities": [
                {
                    "cveID": cve,
                    "vendorProject": "x",
                    "product": "x",
                    "vulnerabilityName": "x",
                    "dateAdded": "2026-01-01",
                    "shortDescription": "x",
                    "requiredAction": "x",
                    "dueDate": "2026-01-22",
                    "knownRansomwareCampaignUse": "Unknown",
                    "notes": "",
                }
            ],
        }
    )


def test_known_exploited_fails_with_a_kev_feed_that_is_cached(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    # jinja2 2.11.2 is affected by CVE-2020-28493; say it is exploited, served over HTTP like CISA's feed.
    (osv_mirror.root / "kev.json").write_text(_kev_listing("CVE-2020-28493"))
    env["OSSWATCH_KEV_URL"] = f"{osv_mirror.url}/kev.json"
    first = run_cli("scan", str(OLD_WEB), "--no-health", "--format", "json", env=env)
    violations = json.loads(first.stdout)["verdict"]["violations"]
    exploited = [v for v in violations if v["rule"] == "known-exploited"]
    assert len(exploited) == 1
    assert exploited[0]["level"] == "fail"
    assert "jinja2" in exploited[0]["component"]
    run_cli("scan", str(OLD_WEB), "--no-health", "--format", "json", env=env)
    offline = run_cli("scan", str(OLD_WEB), "--no-health", "--offline", "--format", "json", env=env)
    assert [v for v in json.loads(offline.stdout)["verdict"]["violations"] if v["rule"] == "known-exploited"]
    assert osv_mirror.requested("/kev.json") == ["/kev.json"]  # once; then the cache


def test_an_unreachable_kev_feed_is_a_note_not_a_failure(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    env["OSSWATCH_KEV_URL"] = f"{osv_mirror.url}/missing-kev.json"
    result = run_cli("scan", str(OLD_WEB), "--no-health", "--format", "json", env=env)
    assert result.returncode == 1  # the baseline still fails on fixable high vulnerabilities
    assert "the CISA KEV catalog could not be loaded" in result.stderr
    notes = json.loads(result.stdout)["verdict"]["notes"]
    assert any("KEV" in note for note in notes)


HEALTH_KEYS = [
    "published", "latest", "latest_published", "libyear", "behind", "last_release",
    "inactive_days", "yanked", "deprecated", "end_of_life", "repository", "status",
]  # fmt: skip


def test_scan_shows_health_beside_vulnerabilities(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    from datetime import datetime

    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    # The real PyPI JSON documents of P.1203's packages, at the registry's own path layout.
    for document in (shared_data / "registry" / "pypi").glob("*.json"):
        target = osv_mirror.root / "pypi" / document.stem / "json"
        target.parent.mkdir(parents=True)
        target.write_bytes(document.read_bytes())
    for variable in ("PYPI", "DEPSDEV", "ENDOFLIFE"):
        env[f"OSSWATCH_{variable}_URL"] = osv_mirror.url
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    result = run_cli("scan", str(lock), "--format", "json", env=env)
    document = json.loads(result.stdout)
    assert document["vulnerabilities"]
    assert document["health_summary"]["assessed"] == len(document["components"])
    for component in document["components"]:
        health = component["health"]
        assert list(health) == HEALTH_KEYS
        registry = json.loads((shared_data / "registry" / "pypi" / f"{component['name']}.json").read_text())
        uploads = [f["upload_time_iso_8601"] for f in registry["releases"].get(component["version"], [])]
        if uploads:  # the installed version's publish time is its first upload
            first = min(datetime.fromisoformat(u.replace("Z", "+00:00")) for u in uploads)
            assert datetime.fromisoformat(health["published"].replace("Z", "+00:00")) == first
        if not registry["info"].get("yanked"):
            assert health["latest"] == registry["info"]["version"]
        assert health["status"]
        assert health["status"] != ["unknown"]
    table = run_cli("scan", str(lock), env={**env, "COLUMNS": "200"})
    assert "libyears in total" in table.stdout


def test_openvex_export_reimports(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> None:
    from osswatch.inventory.reading import ReadLimits, read_document
    from osswatch.policy.vex import load_vex

    env = _pypi_env(tmp_path, shared_data, osv_mirror)
    target = tmp_path / "osswatch.openvex.json"
    run_cli("scan", str(OLD_WEB), "--no-health", "--format", "openvex", "-o", str(target), env=env)
    exported = json.loads(target.read_text())
    statements = load_vex(read_document(target, ReadLimits()))
    scanned = json.loads(run_cli("scan", str(OLD_WEB), "--no-health", "--format", "json", env=env).stdout)
    judged = {
        (v["vulnerability"], v["component"]) for v in scanned["verdict"]["violations"] if v["vulnerability"]
    }
    assert len(exported["statements"]) == len(judged)
    assert len(statements) == len(exported["statements"])
    assert all(s["action_statement"] for s in exported["statements"] if s["status"] == "affected")
