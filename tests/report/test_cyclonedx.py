"""The CycloneDX 1.6 writer: schema-valid output, nothing dropped, and a faithful round trip."""

from __future__ import annotations

import json
import time
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch import __version__
from osswatch.ecosystems.identity import normalize_name
from osswatch.inventory.base import Document
from osswatch.inventory.cyclonedx import CycloneDxJsonParser
from osswatch.model import (
    Component,
    EcosystemName,
    Inventory,
    Level,
    Location,
    Purl,
    Scope,
    Suppression,
    Verdict,
    Violation,
)
from osswatch.report.cyclonedx import inventory_to_cyclonedx_json, scan_to_cyclonedx_json, scan_to_vex_json
from osswatch.scan import ScanResult
from tests.conftest import ASSETS, document_of
from tests.report.scan_results import (
    OLD_WEB,
    P1203,
    VEX_NOT_REACHABLE,
    WAIVER,
    hostile_result,
    scanned,
    with_verdict,
)

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)
SBOM_ASSETS = ASSETS / "inventory" / "sbom"


def _component(ecosystem: str | None, name: str, version: str | None, **extra: Any) -> Component:
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName(ecosystem) if ecosystem else None,
        purl=None,
        location=Location(path=extra.pop("path", "lock")),
        **extra,
    )


def _write(components: list[Component]) -> str:
    text = inventory_to_cyclonedx_json(Inventory(components=tuple(components)))
    error = VALIDATOR.validate_str(text)
    assert error is None, str(error)
    return text


def _reparse(text: str) -> Inventory:
    return CycloneDxJsonParser().parse(document_of(text, "out.cdx.json"))


def _identities(inventory: Inventory) -> set[tuple[str | None, str, str | None]]:
    return {(c.ecosystem, c.name, c.version) for c in inventory.components}


# --- real lockfiles (read here by a simple, independent method) ---------------------------------


def _poetry_components(path: Path) -> list[Component]:
    packages = tomllib.loads(path.read_text())["package"]
    return [_component("PyPI", normalize_name("PyPI", p["name"]), p["version"]) for p in packages]


def _pnpm_components(path: Path) -> list[Component]:
    keys = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)["packages"]
    split = (key.rpartition("@") for key in keys)
    return [_component("npm", name, version) for name, _, version in split]


@pytest.mark.parametrize(
    ("lockfile", "read"),
    [
        ("lockfiles/acapy/poetry.lock", _poetry_components),
        ("lockfiles/itu-p1203/poetry.lock", _poetry_components),
        ("lockfiles/credo-ts/pnpm-lock.yaml", _pnpm_components),
    ],
    ids=["acapy-poetry", "p1203-poetry", "credo-pnpm"],
)
def test_real_lockfile_round_trips(shared_data: Path, lockfile: str, read: Any) -> None:
    components: list[Component] = read(shared_data / lockfile)
    # The schema validator takes ~10 ms per component, so it checks the first 300 only.
    _write(components[:300])
    back = _reparse(inventory_to_cyclonedx_json(Inventory(components=tuple(components))))
    assert len(back.components) == len(components)
    assert _identities(back) == {(c.ecosystem, c.name, c.version) for c in components}


@pytest.mark.parametrize("asset", ["cyclonedx-1.6.json", "cyclonedx-1.6.xml"], ids=["json", "xml"])
def test_sbom_asset_round_trips_with_graph_and_scopes(asset: str) -> None:
    from osswatch.inventory.cyclonedx import CycloneDxXmlParser

    path = SBOM_ASSETS / asset
    parser = CycloneDxJsonParser() if asset.endswith(".json") else CycloneDxXmlParser()
    original = parser.parse(Document(path=path.name, data=path.read_bytes()))
    back = _reparse(_write(list(original.components)))

    def key(inventory: Inventory) -> set[tuple[Any, ...]]:
        return {(c.ecosystem, c.name, c.version, c.scope, c.ref, c.depends_on) for c in inventory.components}

    assert key(back) == key(original)


# --- what the writer puts in -------------------------------------------------------------------


def test_metadata_names_the_tool_and_time() -> None:
    moment = datetime(2024, 5, 14, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    text = inventory_to_cyclonedx_json(Inventory(), now=moment)
    assert VALIDATOR.validate_str(text) is None
    document = json.loads(text)
    assert (document["bomFormat"], document["specVersion"]) == ("CycloneDX", "1.6")
    assert document["metadata"]["tools"]["components"] == [
        {"type": "application", "name": "osswatch", "version": __version__}
    ]
    assert document["metadata"]["timestamp"] == "2024-05-14T08:30:00Z"
    assert document["serialNumber"] != json.loads(inventory_to_cyclonedx_json(Inventory()))["serialNumber"]


def test_graph_listed_only_for_files_that_record_one() -> None:
    components = [
        _component("npm", "a", "1", path="package-lock.json", ref="a", depends_on=("b",)),
        _component("npm", "b", "1", path="package-lock.json", ref="b"),
        _component("PyPI", "c", "1", path="requirements.txt", ref="c"),
    ]
    document = json.loads(_write(components))
    assert document["dependencies"] == [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": []}]


def test_large_inventory_is_written_quickly() -> None:
    count = 5_000
    components = [
        _component("npm", f"p{i}", "1.0.0", ref=f"r{i}", depends_on=(f"r{i + 1}",) if i + 1 < count else ())
        for i in range(count)
    ]
    started = time.perf_counter()
    text = inventory_to_cyclonedx_json(Inventory(components=tuple(components)))
    assert time.perf_counter() - started < 5.0  # the library's outputter took minutes
    assert len(json.loads(text)["dependencies"]) == count


def test_unidentified_components_are_written_without_purl() -> None:
    document = json.loads(_write([_component(None, "in-house", "1.0"), _component(None, "unpinned", None)]))
    assert [(c["name"], c.get("version"), "purl" in c) for c in document["components"]] == [
        ("in-house", "1.0", False),
        ("unpinned", None, False),
    ]


def test_a_kept_purl_of_an_unknown_type_is_written() -> None:
    component = _component(None, "openssl", "3.0.13")
    document = json.loads(
        _write([Component(**{**_as_dict(component), "purl": Purl("pkg:generic/openssl@3.0.13")})])
    )
    assert document["components"][0]["purl"] == "pkg:generic/openssl@3.0.13"


def test_a_malformed_purl_gives_way_to_the_identity() -> None:
    component = _component("PyPI", "requests", "2.31.0")
    document = json.loads(_write([Component(**{**_as_dict(component), "purl": Purl("not a purl")})]))
    assert document["components"][0]["purl"] == "pkg:pypi/requests@2.31.0"


def _as_dict(component: Component) -> dict[str, Any]:
    return {name: getattr(component, name) for name in Component.__slots__}


@pytest.mark.parametrize(
    ("scope", "written"),
    [(Scope.RUNTIME, "required"), (Scope.OPTIONAL, "optional"), (Scope.DEV, "excluded")],
    ids=["runtime", "optional", "dev"],
)
def test_scopes(scope: Scope, written: str) -> None:
    text = _write([_component("PyPI", "a", "1", scope=scope)])
    assert json.loads(text)["components"][0]["scope"] == written
    assert _reparse(text).components[0].scope is scope


@pytest.mark.parametrize(
    ("licenses", "written"),
    [
        (("MIT",), [{"license": {"id": "MIT"}}]),
        (("mit",), [{"license": {"id": "MIT"}}]),
        (("MIT OR Apache-2.0",), [{"expression": "MIT OR Apache-2.0"}]),
        (("MIT", "Apache-2.0"), [{"license": {"id": "MIT"}}, {"license": {"id": "Apache-2.0"}}]),
        (
            ("MIT", "GPL-2.0-only OR MIT"),
            [{"license": {"id": "MIT"}}, {"license": {"name": "GPL-2.0-only OR MIT"}}],
        ),
        (("Custom License",), [{"license": {"name": "Custom License"}}]),
    ],
    ids=["id", "id-case", "expression", "two-ids", "id-and-expression", "name"],
)
def test_licenses(licenses: tuple[str, ...], written: list[dict[str, Any]]) -> None:
    document = json.loads(_write([_component("PyPI", "a", "1", licenses=licenses)]))
    assert sorted(document["components"][0]["licenses"], key=json.dumps) == sorted(written, key=json.dumps)


def test_hex_hashes_kept_other_encodings_left_out() -> None:
    hashes = ("sha256:" + "ab" * 32, "sha512-bm90IGhleA==", "sha1:" + "cd" * 20, "md5:zz")
    document = json.loads(_write([_component("npm", "a", "1", hashes=hashes)]))
    assert document["components"][0]["hashes"] == [
        {"alg": "SHA-256", "content": "ab" * 32},
        {"alg": "SHA-1", "content": "cd" * 20},
    ]


def test_supplier_and_author() -> None:
    text = _write([_component("PyPI", "a", "1", supplier="PSF", author="Jane")])
    (back,) = _reparse(text).components
    assert (back.supplier, back.author) == ("PSF", "Jane")


def test_refs_repeated_across_files_stay_unique_and_linked() -> None:
    components = [
        _component("npm", "a", "1", path="x/package-lock.json", ref="a", depends_on=("b",)),
        _component("npm", "b", "1", path="x/package-lock.json", ref="b"),
        _component("npm", "a", "2", path="y/package-lock.json", ref="a", depends_on=("b",)),
        _component("npm", "b", "2", path="y/package-lock.json", ref="b"),
        _component("npm", "c", "1", path="y/package-lock.json", ref="c", depends_on=("missing",)),
    ]
    back = _reparse(_write(components))
    assert len({c.ref for c in back.components}) == len(components)
    edges = {(c.name, c.version): c.depends_on for c in back.components}
    by_ref = {c.ref: (c.name, c.version) for c in back.components}
    assert [by_ref[r] for r in edges[("a", "1")]] == [("b", "1")]
    assert [by_ref[r] for r in edges[("a", "2")]] == [("b", "2")]
    assert edges[("c", "1")] == ()


# --- property: any identified inventory survives the trip --------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
_SEP_WORD = st.builds(
    lambda a, sep, b: f"{a}{sep}{b}" if b else a, _WORD, st.sampled_from("-._"), _WORD | st.just("")
)
_VERSION = st.builds(lambda *parts: ".".join(map(str, parts)), *[st.integers(0, 30)] * 3)


def _named(ecosystem: str) -> st.SearchStrategy[str]:
    match ecosystem:
        case "npm":
            return st.builds(
                lambda scope, name: f"@{scope}/{name}" if scope else name, _WORD | st.just(""), _SEP_WORD
            )
        case "Maven":
            return st.builds(lambda g, a: f"{g}:{a}", _SEP_WORD, _SEP_WORD)
        case "Go":
            return st.builds(lambda a, b: f"github.com/{a}/{b}", _SEP_WORD, _SEP_WORD)
        case _:
            return _SEP_WORD


_ECOSYSTEMS = ("PyPI", "npm", "crates.io", "Maven", "Go", "NuGet", "RubyGems")
_COMPONENTS = st.sampled_from(_ECOSYSTEMS).flatmap(
    lambda eco: st.builds(
        lambda name, version: _component(eco, normalize_name(eco, name), version), _named(eco), _VERSION
    )
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_COMPONENTS, max_size=12))
def test_round_trip_keeps_every_identity(components: list[Component]) -> None:
    back = _reparse(_write(components))
    assert len(back.components) == len(components)
    assert _identities(back) == {(c.ecosystem, c.name, c.version) for c in components}


# --- vulnerabilities and VEX ------------------------------------------------------------------


def _scan_documents(result: ScanResult) -> tuple[dict[str, Any], dict[str, Any]]:
    sbom_text, vex_text = scan_to_cyclonedx_json(result), scan_to_vex_json(result)
    for text in (sbom_text, vex_text):
        error = VALIDATOR.validate_str(text)
        assert error is None, str(error)
    return json.loads(sbom_text), json.loads(vex_text)


_SCANS = {
    "old-web": lambda: scanned(OLD_WEB / "poetry.lock"),
    "old-web-verdict": lambda: with_verdict(scanned(OLD_WEB / "poetry.lock")),
    "p1203-verdict": lambda: with_verdict(scanned(P1203 / "poetry.lock")),
    "hostile": hostile_result,
}


@pytest.mark.parametrize("name", list(_SCANS), ids=list(_SCANS))
def test_scan_documents_are_valid_and_every_affect_resolves(name: str) -> None:
    result = _SCANS[name]()
    sbom, vex = _scan_documents(result)
    for document in (sbom, vex):
        refs = {c["bom-ref"] for c in document["components"]}
        vulnerabilities = document["vulnerabilities"]
        assert [v["id"] for v in vulnerabilities] == [f.id for f in result.findings]
        for vulnerability in vulnerabilities:
            assert {a["ref"] for a in vulnerability["affects"]} <= refs
    assert len(sbom["components"]) == len(result.inventory.components)
    assert len(vex["components"]) == len({f.component for f in result.findings})
    assert all("analysis" in v for v in vex["vulnerabilities"])


def test_vulnerability_carries_ratings_aliases_advisories_and_the_fix() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    sbom, _ = _scan_documents(result)
    purls = {c["bom-ref"]: c.get("purl") for c in sbom["components"]}
    for finding, written in zip(result.findings, sbom["vulnerabilities"], strict=True):
        rating = written["ratings"][0]
        assert rating["severity"] == finding.rating.level
        if finding.rating.vector:
            assert rating["vector"] == finding.rating.vector
            assert rating["method"] == (
                "CVSSv31" if finding.rating.vector.startswith("CVSS:3.1/") else "CVSSv3"
            )
            assert rating["score"] == finding.rating.score
        assert [r["id"] for r in written["references"]] == list(finding.aliases)
        assert [a["url"] for a in written.get("advisories", [])] == list(dict.fromkeys(finding.references))
        assert written["recommendation"].endswith(f"to {finding.fixed_in[0]} or later.")
        (affect,) = written["affects"]
        assert purls[affect["ref"]] == finding.component.purl
        assert affect["versions"] == [{"version": finding.component.version, "status": "affected"}]
        assert "analysis" not in written


def test_suppressions_become_vex_analyses() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    sbom, vex = _scan_documents(result)
    by_pair = {(v["id"], v["affects"][0]["ref"]): v for v in sbom["vulnerabilities"]}
    analysed = {key: v["analysis"] for key, v in by_pair.items() if "analysis" in v}
    states = sorted(a["state"] for a in analysed.values())
    assert states == ["exploitable", "not_affected"]
    not_affected = next(a for a in analysed.values() if a["state"] == "not_affected")
    assert not_affected["justification"] == "code_not_reachable"
    assert not_affected["detail"] == VEX_NOT_REACHABLE.reason
    waived = next(a for a in analysed.values() if a["state"] == "exploitable")
    assert waived["response"] == ["will_not_fix"]
    assert WAIVER.reason in waived["detail"]
    assert "2026-06-30" in waived["detail"]
    unaffected = [v for v in sbom["vulnerabilities"] if v.get("analysis", {}).get("state") == "not_affected"]
    assert [v["affects"][0]["versions"][0]["status"] for v in unaffected] == ["unaffected"]
    triage = [v["analysis"] for v in vex["vulnerabilities"] if v["analysis"]["state"] == "in_triage"]
    assert len(triage) == len(result.findings) - len(analysed)
    assert all(a["response"] == ["update"] for a in triage)


@pytest.mark.parametrize(
    ("justification", "expected"),
    [
        ("component_not_present", "code_not_present"),
        ("vulnerable_code_not_present", "code_not_present"),
        ("vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment"),
        ("inline_mitigations_already_exist", "protected_by_mitigating_control"),
        ("protected_at_runtime", "protected_at_runtime"),
        ("because we said so", None),
        (None, None),
    ],
    ids=["component", "code", "adversary", "mitigation", "cyclonedx-native", "free-text", "none"],
)
def test_vex_justifications_map_to_cyclonedx(justification: str | None, expected: str | None) -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    finding = result.findings[0]
    suppression = Suppression(kind="vex", reason="r", justification=justification)
    violation = Violation(
        rule_id="vuln", level=Level.FAIL, message="m", finding=finding, suppressed=suppression
    )
    verdict = Verdict(violations=(violation,))
    _, vex = _scan_documents(ScanResult(inventory=result.inventory, findings=(finding,), verdict=verdict))
    analysis = vex["vulnerabilities"][0]["analysis"]
    assert analysis["state"] == "not_affected"
    assert analysis.get("justification") == expected
    if expected is None and justification:
        assert analysis["detail"] == f"{justification}: r"


def test_a_finding_with_one_active_violation_is_not_suppressed() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    finding = result.findings[0]
    suppressed = Violation(
        rule_id="a", level=Level.FAIL, message="m", finding=finding, suppressed=VEX_NOT_REACHABLE
    )
    live = Violation(rule_id="b", level=Level.WARN, message="m", finding=finding)
    verdict = Verdict(violations=(suppressed, live))
    sbom, _ = _scan_documents(ScanResult(inventory=result.inventory, findings=(finding,), verdict=verdict))
    assert "analysis" not in sbom["vulnerabilities"][0]


def test_vex_reparses_as_an_inventory_of_the_affected_components() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    back = _reparse(scan_to_vex_json(result))
    assert _identities(back) == {
        (f.component.ecosystem, f.component.name, f.component.version) for f in result.findings
    }
