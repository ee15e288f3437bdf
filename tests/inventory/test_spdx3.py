"""SPDX 3.0 JSON-LD: software packages from the @graph, identified by purl; root as subject; errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.registry import entry_for
from osswatch.inventory.spdx3 import Spdx3JsonLdParser
from osswatch.model import Component, Inventory, Scope
from tests.conftest import ASSETS, claims, document_of

ASSET = ASSETS / "inventory" / "sbom" / "spdx-3.0.1.spdx3.json"
BASE = "https://example.com/spdx/Package/"


def _asset() -> Inventory:
    return Spdx3JsonLdParser().parse(Document(path=ASSET.name, data=ASSET.read_bytes()))


def _parse(data: object, path: str = "sbom.spdx3.json") -> Inventory:
    return Spdx3JsonLdParser().parse(document_of(json.dumps(data), path))


def _asset_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ASSET.read_text())
    return data


def _by_name(inventory: Inventory) -> dict[str, Component]:
    return {component.name: component for component in inventory.components}


def test_packages_identified_and_root_is_the_subject() -> None:
    inventory = _asset()
    found = {(c.ecosystem, c.name, c.version, c.scope, c.is_direct) for c in inventory.components}
    assert found == {
        ("PyPI", "requests", "2.31.0", Scope.RUNTIME, True),
        ("PyPI", "urllib3", "2.2.1", Scope.RUNTIME, False),
        ("PyPI", "pytest", "8.1.1", Scope.DEV, True),
        (None, "zlib", "1.3.1", Scope.RUNTIME, True),
    }
    sbom = inventory.sources[0].sbom
    assert sbom is not None
    assert (sbom.spec, sbom.subject, sbom.supplier) == ("SPDX-3.0.1", "acme-app", "Example Corp")
    assert sbom.authors == ("Example Corp",)
    assert sbom.timestamp == datetime(2024, 5, 14, 8, 30, tzinfo=UTC)


def test_package_details() -> None:
    requests = _by_name(_asset())["requests"]
    assert requests.ref == BASE + "requests"
    assert requests.depends_on == (BASE + "urllib3",)
    assert requests.licenses == ("Apache-2.0",)
    assert requests.author == "Kenneth Reitz"
    assert requests.hashes == ("sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",)
    line = next(
        i for i, text in enumerate(ASSET.read_text().splitlines(), 1) if f'"spdxId": "{BASE}requests"' in text
    )
    assert requests.location.line == line


def test_inline_creation_info_and_optional_dependency() -> None:
    data = _asset_data()
    graph = data["@graph"]
    info = graph.pop(0)
    for element in graph:
        element["creationInfo"] = info
    graph.append(
        {
            "type": "Relationship",
            "from": BASE + "acme-app",
            "relationshipType": "hasOptionalDependency",
            "to": BASE + "urllib3",
        }
    )
    graph[:] = [e for e in graph if e.get("to") != [BASE + "urllib3"]]
    inventory = _parse(data)
    urllib3 = _by_name(inventory)["urllib3"]
    assert (urllib3.scope, urllib3.is_direct) == (Scope.OPTIONAL, True)
    assert inventory.sources[0].sbom is not None
    assert inventory.sources[0].sbom.spec == "SPDX-3.0.1"


def test_listed_license_by_iri_is_its_spdx_id() -> None:
    data = _asset_data()
    data["@graph"].append(
        {
            "type": "Relationship",
            "from": BASE + "urllib3",
            "relationshipType": "hasConcludedLicense",
            "to": ["https://spdx.org/licenses/MIT"],
        }
    )
    assert _by_name(_parse(data))["urllib3"].licenses == ("MIT",)


def test_root_with_registry_purl_is_kept() -> None:
    data = _asset_data()
    root = next(e for e in data["@graph"] if e.get("spdxId") == BASE + "acme-app")
    root["software_packageUrl"] = "pkg:npm/acme-app@2.1.0"
    assert _by_name(_parse(data))["acme-app"].ecosystem == "npm"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected an object with '@graph'"),
        ({"@context": "x"}, "expected an object with '@graph'"),
        ({"@graph": "x"}, "'@graph' should be a list"),
        ({"@graph": [1]}, "expected a table at '@graph[0]'"),
        ({"@graph": [{"type": "software_Package", "name": "a"}]}, "no 'CreationInfo'"),
        (
            {
                "@graph": [
                    {"type": "CreationInfo", "specVersion": "3.0.1"},
                    {"type": "Relationship", "from": "a", "relationshipType": "dependsOn", "to": [1]},
                ]
            },
            "'@graph[1].to' should be a string or a list of strings",
        ),
        (
            {
                "@graph": [
                    {"type": "CreationInfo", "specVersion": "3.0.1"},
                    {"type": "Relationship", "from": "a"},
                ]
            },
            "missing 'relationshipType' in '@graph[1]'",
        ),
        (
            {
                "@graph": [
                    {"type": "CreationInfo", "specVersion": "3.0.1"},
                    {"type": "software_Package", "spdxId": "p"},
                ]
            },
            "'@graph[1]' has neither a name nor a purl",
        ),
    ],
    ids=[
        "list",
        "no-graph",
        "graph-string",
        "element-number",
        "no-creation-info",
        "to-number",
        "no-relationship-type",
        "no-name",
    ],
)
def test_malformed_documents_name_file_and_key(data: object, message: str) -> None:
    with pytest.raises(ParseError, match=r"^bad\.spdx3\.json") as caught:
        _parse(data, "bad.spdx3.json")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("filename", "head"),
    [
        ("app.spdx3.json", b""),
        ("sbom.json", b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"'),
        ("sbom.jsonld", b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"'),
    ],
    ids=["spdx3.json", "sniffed-json", "sniffed-jsonld"],
)
def test_registry_sends_spdx3_files_here(filename: str, head: bytes) -> None:
    entry = entry_for(filename, head)
    assert entry is not None
    assert entry.kind == "spdx3-jsonld"
    parser = entry.load()
    assert parser.kind == "spdx3-jsonld"
    assert claims(parser.kind, filename, head)
