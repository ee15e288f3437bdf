"""SPDX 2.2/2.3, JSON and tag-value: packages by purl, the described root as subject, graph, errors."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.registry import entry_for
from osswatch.inventory.spdx import SpdxJsonParser, SpdxTagValueParser
from osswatch.model import Component, Inventory, Location, Scope
from tests.conftest import ASSETS, claims, document_of

SBOM = ASSETS / "inventory" / "sbom"
JSON_ASSET = SBOM / "spdx-2.3.spdx.json"
TV_ASSET = SBOM / "spdx-2.3.spdx"


def _asset(path: Path) -> Inventory:
    parser = SpdxJsonParser() if path.suffix == ".json" else SpdxTagValueParser()
    return parser.parse(Document(path=path.name, data=path.read_bytes()))


def _json(data: object, path: str = "sbom.spdx.json") -> Inventory:
    return SpdxJsonParser().parse(document_of(json.dumps(data), path))


def _tv(text: str, path: str = "sbom.spdx") -> Inventory:
    return SpdxTagValueParser().parse(document_of(text, path))


def _asset_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(JSON_ASSET.read_text())
    return data


def _by_ref(inventory: Inventory) -> dict[str | None, Component]:
    return {component.ref: component for component in inventory.components}


EXPECTED = {
    "SPDXRef-Package-requests": ("PyPI", "requests", "2.31.0", Scope.RUNTIME, True),
    "SPDXRef-Package-urllib3": ("PyPI", "urllib3", "2.2.1", Scope.RUNTIME, False),
    "SPDXRef-Package-pytest": ("PyPI", "pytest", "8.1.1", Scope.DEV, True),
    "SPDXRef-Package-zlib": (None, "zlib", "1.3.1", Scope.RUNTIME, True),
}


@pytest.mark.parametrize("path", [JSON_ASSET, TV_ASSET], ids=["json", "tag-value"])
def test_packages_are_identified_by_purl_and_root_is_the_subject(path: Path) -> None:
    inventory = _asset(path)
    found = {c.ref: (c.ecosystem, c.name, c.version, c.scope, c.is_direct) for c in inventory.components}
    assert found == EXPECTED
    sbom = inventory.sources[0].sbom
    assert sbom is not None
    assert (sbom.spec, sbom.subject, sbom.supplier) == ("SPDX-2.3", "acme-app", "Example Corp")
    assert sbom.timestamp == datetime(2024, 5, 14, 8, 30, tzinfo=UTC)
    assert sbom.authors == ("Example Corp (sbom@example.com)", "Jane Doe")


@pytest.mark.parametrize("path", [JSON_ASSET, TV_ASSET], ids=["json", "tag-value"])
def test_ntia_fields_per_package(path: Path) -> None:
    by_ref = _by_ref(_asset(path))
    requests = by_ref["SPDXRef-Package-requests"]
    assert requests.supplier == "Python Software Foundation"
    assert requests.author == "Kenneth Reitz (me@kennethreitz.org)"
    assert requests.licenses == ("Apache-2.0",)
    assert requests.hashes == (
        "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",
        "sha1:85ed0817af83a24ad8da68c2b5094de69833983c",
    )
    assert requests.depends_on == ("SPDXRef-Package-urllib3",)
    assert by_ref["SPDXRef-Package-urllib3"].licenses == ("MIT",)
    assert by_ref["SPDXRef-Package-pytest"].licenses == ("MIT",)


def test_json_and_tag_value_agree_except_for_lines() -> None:
    def strip(inventory: Inventory) -> list[Component]:
        return [replace(c, location=Location(path="-")) for c in inventory.components]

    assert strip(_asset(JSON_ASSET)) == strip(_asset(TV_ASSET))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("ref", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_lines(ref: str) -> None:
    assert _by_ref(_asset(JSON_ASSET))[ref].location.line == _line_of(JSON_ASSET, f'"SPDXID": "{ref}"')
    name = EXPECTED[ref][1]
    assert _by_ref(_asset(TV_ASSET))[ref].location.line == _line_of(TV_ASSET, f"PackageName: {name}")


def test_root_with_a_registry_purl_is_also_a_component() -> None:
    data = _asset_data()
    data["packages"][0]["externalRefs"][0]["referenceLocator"] = "pkg:pypi/acme-app@2.1.0"
    root = _by_ref(_json(data))["SPDXRef-Package-acme-app"]
    assert (root.ecosystem, root.name, root.is_direct) == ("PyPI", "acme-app", False)
    assert set(root.depends_on) == {
        "SPDXRef-Package-requests",
        "SPDXRef-Package-zlib",
        "SPDXRef-Package-pytest",
    }


@pytest.mark.parametrize(
    "describe",
    [
        lambda d: d.update(documentDescribes=[]),
        lambda d: d.update(
            documentDescribes=[],
            relationships=[
                {
                    "spdxElementId": "SPDXRef-Package-acme-app",
                    "relationshipType": "DESCRIBED_BY",
                    "relatedSpdxElement": "SPDXRef-DOCUMENT",
                },
                *d["relationships"][1:],
            ],
        ),
        lambda d: d.update(relationships=d["relationships"][1:]),
    ],
    ids=["describes-relationship", "described-by", "document-describes"],
)
def test_every_way_of_naming_the_root(describe: Any) -> None:
    data = _asset_data()
    describe(data)
    inventory = _json(data)
    assert set(_by_ref(inventory)) == set(EXPECTED)
    assert inventory.sources[0].sbom is not None
    assert inventory.sources[0].sbom.subject == "acme-app"


def test_nothing_described_keeps_every_package_and_direct_unknown() -> None:
    data = _asset_data()
    data["documentDescribes"] = []
    data["relationships"] = [r for r in data["relationships"] if r["relationshipType"] != "DESCRIBES"]
    inventory = _json(data)
    assert len(inventory.components) == len(data["packages"])
    assert {c.is_direct for c in inventory.components} == {None}


@pytest.mark.parametrize(
    ("kinds", "scope"),
    [
        (["DEV_DEPENDENCY_OF"], Scope.DEV),
        (["TEST_DEPENDENCY_OF", "BUILD_DEPENDENCY_OF"], Scope.DEV),
        (["OPTIONAL_DEPENDENCY_OF"], Scope.OPTIONAL),
        (["OPTIONAL_DEPENDENCY_OF", "DEV_DEPENDENCY_OF"], Scope.OPTIONAL),
        (["DEV_DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF"], Scope.RUNTIME),
        (["CONTAINS"], Scope.RUNTIME),
    ],
    ids=["dev", "test-build", "optional", "optional-and-dev", "dev-and-runtime", "not-a-dependency"],
)
def test_scope_from_relationship_kinds(kinds: list[str], scope: Scope) -> None:
    lines = [f"Relationship: SPDXRef-b {kind} SPDXRef-a" for kind in kinds]
    text = "\n".join(
        [
            "SPDXVersion: SPDX-2.2",
            "PackageName: a",
            "SPDXID: SPDXRef-a",
            "PackageName: b",
            "SPDXID: SPDXRef-b",
            *lines,
        ]
    )
    assert _by_ref(_tv(text))["SPDXRef-b"].scope is scope


def test_documents_spdx_tools_rejects_are_read() -> None:
    # spdx-tools refuses the whole document for each of these (measured; see spdx.py).
    data = _asset_data()
    del data["dataLicense"]
    del data["creationInfo"]["created"]
    del data["packages"][1]["downloadLocation"]
    data["packages"][2]["licenseConcluded"] = "MIT/Apache-2.0"
    inventory = _json(data)
    assert _by_ref(inventory)["SPDXRef-Package-urllib3"].licenses == ("MIT/Apache-2.0",)
    assert len(inventory.components) == len(EXPECTED)


def test_large_document_is_read_whole() -> None:
    data = _asset_data()
    template = data["packages"][1]
    for index in range(5_000):
        package = copy.deepcopy(template)
        package["SPDXID"] = f"SPDXRef-Package-{index}"
        package["externalRefs"][-1]["referenceLocator"] = f"pkg:npm/pkg-{index}@1.{index}.0"
        data["packages"].append(package)
    inventory = _json(data)
    described = len(data["documentDescribes"])
    assert len(inventory.components) == len(data["packages"]) - described
    assert sum(c.ecosystem == "npm" for c in inventory.components) == 5_000


def test_spdx3_document_named_spdx_json_is_read_as_spdx3() -> None:
    path = SBOM / "spdx-3.0.1.spdx3.json"
    inventory = SpdxJsonParser().parse(Document(path="sbom.spdx.json", data=path.read_bytes()))
    assert inventory.sources[0].kind == "spdx3-jsonld"
    assert {c.name for c in inventory.components} == {"requests", "urllib3", "pytest", "zlib"}


# --- tag-value specifics ------------------------------------------------------------------------


def test_text_values_span_lines_and_hide_tags() -> None:
    text = (
        "SPDXVersion: SPDX-2.3\nDocumentComment: <text>one\u2028\x0c\nPackageName: fake\n</text>\r\n"
        "PackageName: real\nSPDXID: SPDXRef-real\nPackageVersion: 1\n"
        "PackageComment: <text>\nSPDXID: SPDXRef-fake</text>\n"
    )
    (component,) = _tv(text).components
    assert (component.name, component.ref, component.location.line) == ("real", "SPDXRef-real", 5)


def test_files_and_license_sections_do_not_leak_into_packages() -> None:
    text = (
        "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\n"
        "FileName: ./x\nSPDXID: SPDXRef-file\nLicenseConcluded: MIT\n"
        "LicenseID: LicenseRef-1\nExtractedText: <text>x</text>\n"
        "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-file\n"
    )
    (component,) = _tv(text).components
    assert (component.ref, component.licenses) == ("SPDXRef-a", ())


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=10)
# Any text but `</text>` itself (form feeds and U+2028 included: they must not shift line numbers).
_FREE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r")).filter(
    lambda text: "</text>" not in text
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_WORDS, _WORDS, _FREE_TEXT), max_size=6))
def test_tag_value_packages_survive_any_text_values(packages: list[tuple[str, str, str]]) -> None:
    lines = ["SPDXVersion: SPDX-2.3"]
    expected = []
    for index, (name, version, description) in enumerate(packages):
        expected.append((name, version, len(lines) + 1))
        lines += [f"PackageName: {name}", f"SPDXID: SPDXRef-{index}", f"PackageVersion: {version}"]
        lines += f"PackageDescription: <text>{description}</text>".split("\n")
    found = [(c.name, c.version, c.location.line) for c in _tv("\n".join(lines)).components]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("SPDXVersion: SPDX-2.3\nPackageComment: <text>never closed\nmore\n", "'<text>' is never closed", 2),
        ("SPDXVersion: SPDX-2.3\njust words\n", "expected 'Tag: value'", 2),
        ("SPDXVersion: SPDX-2.3\nPackageName: a\nPackageVersion: 1\n", "package 'a' has no SPDXID", 2),
        ("PackageName: a\nSPDXID: SPDXRef-a\n", "no 'SPDXVersion' tag", None),
        ("SPDXVersion: SPDX-3.0\n", "not an SPDX 2 document", 1),
        ("SPDXVersion: SPDX-2.3\nRelationship: SPDXRef-a DEPENDS_ON\n", "a Relationship needs 3 parts", 2),
        (
            "SPDXVersion: SPDX-2.3\nPackageName: a\nExternalRef: PACKAGE-MANAGER purl\n",
            "an ExternalRef needs 3",
            3,
        ),
        ("", "no 'SPDXVersion' tag", None),
    ],
    ids=[
        "open-text",
        "no-colon",
        "no-spdxid",
        "no-version",
        "version-3",
        "short-relationship",
        "short-external-ref",
        "empty",
    ],
)
def test_malformed_tag_value_names_file_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError, match=r"^bad\.spdx") as caught:
        _tv(text, "bad.spdx")
    assert message in str(caught.value)
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"spdxVersion": "SPDX-3.0"}, "not an SPDX 2 document"),
        ({"SPDXID": "SPDXRef-DOCUMENT"}, "missing 'spdxVersion'"),
        ({"spdxVersion": "SPDX-2.3", "packages": ["a"]}, "expected a table at 'packages[0]', found a string"),
        ({"spdxVersion": "SPDX-2.3", "packages": [{"name": "a"}]}, "missing 'SPDXID' in 'packages[0]'"),
        ({"spdxVersion": "SPDX-2.3", "documentDescribes": [1]}, "'documentDescribes[0]' should be a string"),
        ({"spdxVersion": "SPDX-2.3", "creationInfo": {"creators": [None]}}, "'creationInfo.creators[0]'"),
        (
            {"spdxVersion": "SPDX-2.3", "relationships": [{"spdxElementId": "a"}]},
            "missing 'relationshipType'",
        ),
    ],
    ids=[
        "list",
        "version-3",
        "no-version",
        "package-string",
        "no-spdxid",
        "describes-number",
        "creator-null",
        "short-relationship",
    ],
)
def test_malformed_json_names_file_and_key(data: object, message: str) -> None:
    with pytest.raises(ParseError, match=r"^bad\.spdx\.json") as caught:
        _json(data, "bad.spdx.json")
    assert message in str(caught.value)


def test_truncated_json_names_line() -> None:
    text = JSON_ASSET.read_text()
    cut = text[: len(text) // 2]
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        SpdxJsonParser().parse(document_of(cut, "cut.spdx.json"))
    assert caught.value.line == cut.count("\n") + 1


@pytest.mark.parametrize(
    ("filename", "head", "kind"),
    [
        ("app.spdx.json", b"", "spdx-json"),
        ("sbom.json", b'{"spdxVersion": "SPDX-2.3"}', "spdx-json"),
        ("app.spdx", b"", "spdx-tag-value"),
        ("sbom.txt", b"SPDXVersion: SPDX-2.3\n", "spdx-tag-value"),
    ],
    ids=["spdx.json", "sniffed-json", "spdx", "sniffed-txt"],
)
def test_registry_sends_spdx_files_here(filename: str, head: bytes, kind: str) -> None:
    entry = entry_for(filename, head)
    assert entry is not None
    assert entry.kind == kind
    parser = entry.load()
    assert parser.kind == kind
    assert claims(parser.kind, filename, head)
