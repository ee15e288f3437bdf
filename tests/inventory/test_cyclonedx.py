"""CycloneDX JSON and XML: nested components kept, purls identified, graph read, hostile input refused."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.cyclonedx import CycloneDxJsonParser, CycloneDxXmlParser
from osswatch.inventory.registry import entry_for
from osswatch.model import Component, Inventory, Scope
from tests.conftest import ASSETS, claims, document_of

SBOM = ASSETS / "inventory" / "sbom"
JSON_ASSET = SBOM / "cyclonedx-1.6.json"
XML_ASSET = SBOM / "cyclonedx-1.6.xml"
NS_16 = b"http://cyclonedx.org/schema/bom/1.6"


def _json(data: object, path: str = "bom.json") -> Inventory:
    return CycloneDxJsonParser().parse(document_of(json.dumps(data), path))


def _xml(text: str | bytes, path: str = "bom.xml") -> Inventory:
    return CycloneDxXmlParser().parse(document_of(text, path))


def _asset(path: Path) -> Inventory:
    parser = CycloneDxJsonParser() if path.suffix == ".json" else CycloneDxXmlParser()
    return parser.parse(Document(path=path.name, data=path.read_bytes()))


def _by_ref(inventory: Inventory) -> dict[str | None, Component]:
    return {component.ref: component for component in inventory.components}


def _minimal(components: list[Any], **extra: Any) -> dict[str, Any]:
    return {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components, **extra}


# --- the hand-written assets --------------------------------------------------------------------

EXPECTED = {
    # ref: (ecosystem, name, version, scope)
    "acme-plugin": (None, "acme-plugin", "0.3.0", Scope.RUNTIME),
    "pkg:pypi/requests@2.31.0": ("PyPI", "requests", "2.31.0", Scope.RUNTIME),
    "vendored-idna": ("PyPI", "idna", "3.6", Scope.RUNTIME),
    "pkg:pypi/urllib3@2.2.1": ("PyPI", "urllib3", "2.2.1", Scope.RUNTIME),
    "pkg:npm/%40angular/core@17.3.0": ("npm", "@angular/core", "17.3.0", Scope.OPTIONAL),
    "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1": (
        "Maven",
        "org.apache.logging.log4j:log4j-core",
        "2.17.1",
        Scope.DEV,
    ),
    "openssl": (None, "openssl", "3.0.13", Scope.RUNTIME),
    "in-house-lib": (None, "in-house-lib", "1.0", Scope.RUNTIME),
    "broken-purl": (None, "broken", "0.1", Scope.RUNTIME),
}


@pytest.mark.parametrize("path", [JSON_ASSET, XML_ASSET], ids=["json", "xml"])
def test_every_component_is_kept_and_identified_by_purl(path: Path) -> None:
    inventory = _asset(path)
    found = {c.ref: (c.ecosystem, c.name, c.version, c.scope) for c in inventory.components}
    assert found == EXPECTED
    assert inventory.sources[0].component_count == len(EXPECTED)


@pytest.mark.parametrize("path", [JSON_ASSET, XML_ASSET], ids=["json", "xml"])
def test_subject_is_metadata_not_a_component(path: Path) -> None:
    inventory = _asset(path)
    assert "acme-app" not in _by_ref(inventory)
    sbom = inventory.sources[0].sbom
    assert sbom is not None
    assert sbom.subject == "acme-app"
    assert sbom.spec == "CycloneDX 1.6"
    assert sbom.timestamp == datetime(2024, 5, 14, 8, 30, tzinfo=UTC)
    assert sbom.authors == ("Jane Doe",)
    assert sbom.supplier == "Example Corp"


@pytest.mark.parametrize("path", [JSON_ASSET, XML_ASSET], ids=["json", "xml"])
def test_ntia_fields_per_component(path: Path) -> None:
    requests = _by_ref(_asset(path))["pkg:pypi/requests@2.31.0"]
    assert requests.supplier == "Python Software Foundation"
    assert requests.author == "Kenneth Reitz"
    assert requests.licenses == ("Apache-2.0",)
    assert requests.hashes == ("sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",)
    by_ref = _by_ref(_asset(path))
    assert by_ref["pkg:pypi/urllib3@2.2.1"].author == "Andrey Petrov"
    assert by_ref["pkg:pypi/urllib3@2.2.1"].licenses == ("MIT License",)
    assert by_ref["pkg:npm/%40angular/core@17.3.0"].licenses == ("MIT OR Apache-2.0",)


@pytest.mark.parametrize("path", [JSON_ASSET, XML_ASSET], ids=["json", "xml"])
def test_dependencies_and_direct_flags(path: Path) -> None:
    by_ref = _by_ref(_asset(path))
    assert by_ref["pkg:pypi/requests@2.31.0"].depends_on == ("pkg:pypi/urllib3@2.2.1", "vendored-idna")
    direct = {ref for ref, c in by_ref.items() if c.is_direct}
    assert direct == {"pkg:pypi/requests@2.31.0", "pkg:npm/%40angular/core@17.3.0", "in-house-lib"}


def test_json_and_xml_assets_agree_except_for_lines() -> None:
    def strip(inventory: Inventory) -> list[tuple[Any, ...]]:
        return [
            (
                c.ref,
                c.name,
                c.version,
                c.ecosystem,
                c.purl,
                c.scope,
                c.licenses,
                c.supplier,
                c.author,
                c.hashes,
                c.depends_on,
                c.is_direct,
            )
            for c in inventory.components
        ]

    assert strip(_asset(JSON_ASSET)) == strip(_asset(XML_ASSET))


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize("ref", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_json_line_is_that_of_the_bom_ref(ref: str) -> None:
    component = _by_ref(_asset(JSON_ASSET))[ref]
    assert component.location.line == _line_of(JSON_ASSET, f'"bom-ref": "{ref}"')


@pytest.mark.parametrize("ref", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_xml_line_is_that_of_the_component_tag(ref: str) -> None:
    component = _by_ref(_asset(XML_ASSET))[ref]
    assert component.location.line == _line_of(XML_ASSET, f'bom-ref="{ref}"')


def test_malformed_purl_is_kept_unidentified_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        broken = _by_ref(_asset(JSON_ASSET))["broken-purl"]
    assert (broken.ecosystem, broken.purl, broken.name) == (None, None, "broken")
    assert "cyclonedx-1.6.json:" in caplog.text
    assert "'components[6]' has a malformed purl 'not-a-purl'" in caplog.text


def test_unknown_purl_type_keeps_its_purl() -> None:
    openssl = _by_ref(_asset(JSON_ASSET))["openssl"]
    assert (openssl.ecosystem, openssl.purl) == (None, "pkg:generic/openssl@3.0.13")


@pytest.mark.parametrize("minor", ["2", "3", "4", "5", "6"], ids=lambda m: f"1.{m}")
def test_xml_namespaces_of_every_version(minor: str) -> None:
    data = XML_ASSET.read_bytes().replace(NS_16, f"http://cyclonedx.org/schema/bom/1.{minor}".encode())
    inventory = _xml(data)
    assert {c.ref for c in inventory.components} == set(EXPECTED)
    assert inventory.sources[0].sbom is not None
    assert inventory.sources[0].sbom.spec == f"CycloneDX 1.{minor}"


def test_xml_lines_ignore_component_tags_in_comments_and_text() -> None:
    text = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">\n'
        "<!-- <component><name>not me</name></component> -->\n"
        "<components>\n"
        '<component type="library"><name>a</name>\n'
        "<description><![CDATA[<component>]]></description></component>\n"
        '<component type="library"><name>b</name></component>\n'
        "</components></bom>\n"
    )
    assert [(c.name, c.location.line) for c in _xml(text).components] == [("a", 4), ("b", 6)]


def test_component_errors_name_the_line() -> None:
    xml = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">\n<components>\n'
        '<component type="library">\n<name>a</name><scope>never</scope></component>\n</components></bom>'
    )
    with pytest.raises(ParseError, match="scope") as caught:
        _xml(xml)
    assert caught.value.line == 3
    text = json.dumps(_minimal([{"name": "a"}, {"bom-ref": "b", "name": "b", "scope": "never"}]), indent=2)
    with pytest.raises(ParseError, match="scope") as caught:
        CycloneDxJsonParser().parse(document_of(text))
    assert caught.value.line == _line_in(text, '"bom-ref": "b"')


def _line_in(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --- small cases -------------------------------------------------------------------------------


def test_json_line_found_for_an_escaped_bom_ref() -> None:
    text = '{"bomFormat": "CycloneDX", "specVersion": "1.6",\n"components": [\n'
    text += '{"bom-ref": "pkg:npm\\/a@1", "name": "a"}]}'
    (component,) = CycloneDxJsonParser().parse(document_of(text)).components
    assert (component.ref, component.location.line) == ("pkg:npm/a@1", 3)


def test_purl_without_version_takes_the_written_version() -> None:
    inventory = _json(_minimal([{"name": "Flask", "version": "3.0.0", "purl": "pkg:pypi/Flask"}]))
    (flask,) = inventory.components
    assert (flask.ecosystem, flask.name, flask.version) == ("PyPI", "flask", "3.0.0")


def test_unpinned_component_is_kept() -> None:
    (component,) = _json(_minimal([{"type": "library", "name": "left-pad"}])).components
    assert (component.name, component.version, component.is_identified) == ("left-pad", None, False)


def test_name_taken_from_purl_when_absent() -> None:
    (component,) = _json(_minimal([{"purl": "pkg:cargo/serde@1.0.0"}])).components
    assert (component.ecosystem, component.name) == ("crates.io", "serde")


def test_no_metadata_gives_spec_only() -> None:
    inventory = _json(_minimal([]))
    assert inventory.components == ()
    assert inventory.sources[0].sbom is not None
    assert inventory.sources[0].sbom.spec == "CycloneDX 1.5"
    assert inventory.sources[0].sbom.timestamp is None


def test_bad_timestamp_is_left_out(caplog: pytest.LogCaptureFixture) -> None:
    inventory = _json(_minimal([], metadata={"timestamp": "last tuesday"}))
    assert inventory.sources[0].sbom is not None
    assert inventory.sources[0].sbom.timestamp is None
    assert "not an ISO 8601 date-time" in caplog.text


def test_no_dependencies_means_direct_unknown() -> None:
    (component,) = _json(_minimal([{"name": "a", "bom-ref": "a"}])).components
    assert component.is_direct is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a JSON object"),
        ({"bomFormat": "SPDX", "specVersion": "1.6"}, "'bomFormat' is 'SPDX'"),
        ({"specVersion": "1.6"}, "'bomFormat' is None"),
        ({"bomFormat": "CycloneDX"}, "missing 'specVersion'"),
        (_minimal(["requests"]), "expected a table at 'components[0]', found a string"),
        (_minimal([{"name": "a", "components": [{"name": "b"}, 7]}]), "'components[0].components[1]'"),
        (_minimal([{"version": "1"}]), "'components[0]' has neither a name nor a purl"),
        (_minimal([{"name": "a", "scope": "sometimes"}]), "'components[0].scope' should be required"),
        (_minimal([{"name": 3}]), "'components[0].name' should be a string"),
        (_minimal([], dependencies=[{"ref": "a", "dependsOn": [1]}]), "'dependencies[0].dependsOn[0]'"),
        (
            _minimal([], metadata={"component": {"name": "x", "components": "no"}}),
            "components' should be a list",
        ),
    ],
    ids=[
        "list",
        "wrong-format",
        "no-format",
        "no-spec",
        "string-component",
        "nested-number",
        "no-name",
        "bad-scope",
        "name-number",
        "dependency-number",
        "components-string",
    ],
)
def test_malformed_json_is_a_parse_error_naming_file(data: object, message: str) -> None:
    with pytest.raises(ParseError, match=r"^bad\.cdx\.json: ") as caught:
        _json(data, "bad.cdx.json")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "bomFormat": "CycloneDX",\n  "components": [\n', 4), ("", 1), ('{"bomFormat": "Cyclone', 1)],
    ids=["truncated", "empty", "cut-string"],
)
def test_truncated_json_names_the_line(text: str, line: int) -> None:
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        CycloneDxJsonParser().parse(document_of(text, "bom.json"))
    assert caught.value.line == line


def _nested_json(depth: int) -> str:
    inner: dict[str, Any] = {"name": f"c{depth}"}
    for level in range(depth - 1, 0, -1):
        inner = {"name": f"c{level}", "components": [inner]}
    return json.dumps(_minimal([inner]))


def test_nesting_within_the_json_parser_limit_is_read_fully() -> None:
    inventory = CycloneDxJsonParser().parse(document_of(_nested_json(300)))
    assert [c.name for c in inventory.components] == [f"c{i}" for i in range(1, 301)]


def test_ten_thousand_levels_of_json_is_a_parse_error() -> None:
    text = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ' + (
        '[{"name": "x", "components": ' * 10_000 + "[]" + "}]" * 10_000 + "}"
    )
    with pytest.raises(ParseError, match="nested too deeply"):
        CycloneDxJsonParser().parse(document_of(text))


def test_ten_thousand_levels_of_xml_are_all_read() -> None:
    depth = 10_000
    text = (
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'
        + "".join(f"<component type='library'><name>c{i}</name><components>" for i in range(depth))
        + "</components></component>" * depth
        + "</components></bom>"
    )
    inventory = _xml(text)
    assert len(inventory.components) == depth
    assert inventory.components[-1].name == f"c{depth - 1}"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">
<name>&lol9;</name></component></components></bom>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">
<name>&xxe;</name></component></components></bom>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_hostile_xml_is_refused_quickly(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError, match=r"^evil\.cdx\.xml: refused unsafe XML"):
        _xml(text, "evil.cdx.xml")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>', "invalid XML"),
        ("<bom><components/></bom>", "the root element is 'bom'"),
        ('<bom xmlns="http://cyclonedx.org/schema/bom/2.0"/>', "not a CycloneDX BOM"),
        ('<project xmlns="http://maven.apache.org/POM/4.0.0"/>', "not a CycloneDX BOM"),
        (
            '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component>'
            "<version>1</version></component></components></bom>",
            "'components[0]' has neither a name nor a purl",
        ),
        (
            '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><dependencies><dependency/></dependencies></bom>',
            "a 'dependency' has no 'ref'",
        ),
    ],
    ids=["truncated", "no-namespace", "unknown-major", "other-format", "no-name", "dependency-no-ref"],
)
def test_malformed_xml_is_a_parse_error_naming_file(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=r"^bom\.xml") as caught:
        _xml(text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("filename", "head", "kind"),
    [
        ("bom.json", b"", "cyclonedx-json"),
        ("app.cdx.json", b"", "cyclonedx-json"),
        ("sbom.json", b'{"bomFormat": "CycloneDX", "specVersion": "1.6"}', "cyclonedx-json"),
        ("bom.xml", b"", "cyclonedx-xml"),
        ("sbom.xml", b'<bom xmlns="http://cyclonedx.org/schema/bom/1.4">', "cyclonedx-xml"),
    ],
    ids=["bom.json", "cdx.json", "sniffed-json", "bom.xml", "sniffed-xml"],
)
def test_registry_sends_cyclonedx_files_here(filename: str, head: bytes, kind: str) -> None:
    entry = entry_for(filename, head)
    assert entry is not None
    assert entry.kind == kind
    parser = entry.load()
    assert parser.kind == kind
    assert claims(parser.kind, filename, head)
    assert not claims(parser.kind, "poetry.lock", b"")


# --- properties ---------------------------------------------------------------------------------

_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8)


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    node: dict[str, Any] = {"name": draw(_NAMES)}
    if depth < 4:
        node["components"] = draw(st.lists(_trees(depth + 1), max_size=3))
    return node


def _preorder(nodes: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for node in nodes:
        names.append(node["name"])
        names.extend(_preorder(node.get("components", [])))
    return names


@settings(max_examples=60, deadline=None)
@given(st.lists(_trees(), max_size=4), st.lists(_trees(), max_size=2))
def test_every_nested_component_comes_through_in_document_order(
    top: list[dict[str, Any]], under_subject: list[dict[str, Any]]
) -> None:
    data = _minimal(top, metadata={"component": {"name": "subject", "components": under_subject}})
    inventory = _json(data)
    assert [c.name for c in inventory.components] == _preorder(under_subject) + _preorder(top)
