"""Reading catalog files: the shipped example, the schema, and a clear error for every malformed case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from osswatch.catalog.load import (
    MAX_CATALOG_SIZE,
    catalog_schema,
    example_catalog,
    key_path,
    load_catalog,
    parse_catalog,
)
from osswatch.catalog.model import Implementation, Role, Standard
from osswatch.errors import ParseError
from osswatch.inventory.loaders import load_yaml
from tests.conftest import REPO, document_of

EXAMPLE = REPO / "src" / "osswatch" / "catalog" / "example.yaml"

VALID = """\
standards:
  - id: ITU-T P.1203
    body: ITU-T
    number: P.1203
    title: Parametric bitstream-based quality assessment
    url: https://www.itu.int/rec/T-REC-P.1203
    implementations:
      - repository: https://github.com/itu-p1203/itu-p1203
        role: reference_implementation
        project: itu-p1203
"""


def _parse(text: str | bytes) -> Standard:
    (standard,) = parse_catalog(document_of(text, "catalog.yaml")).standards
    return standard


def _error(text: str | bytes) -> str:
    with pytest.raises(ParseError) as raised:
        parse_catalog(document_of(text, "catalog.yaml"))
    return str(raised.value)


def test_a_minimal_catalog() -> None:
    assert _parse(VALID) == Standard(
        id="ITU-T P.1203",
        body="ITU-T",
        number="P.1203",
        title="Parametric bitstream-based quality assessment",
        url="https://www.itu.int/rec/T-REC-P.1203",
        implementations=(
            Implementation(
                repository="https://github.com/itu-p1203/itu-p1203",
                role=Role.REFERENCE_IMPLEMENTATION,
                project="itu-p1203",
            ),
        ),
    )


def test_json_is_read_too() -> None:
    data = load_yaml(document_of(VALID))
    assert _parse(json.dumps(data)) == _parse(VALID)


def test_a_standard_without_implementations_and_an_empty_catalog() -> None:
    text = "standards:\n  - {id: W3C X, body: W3C, number: x, title: X, url: 'https://w3.org/TR/x/'}\n"
    assert _parse(text).implementations == ()
    assert parse_catalog(document_of("standards: []\n")).standards == ()


def test_the_shipped_example(shared_data: Path) -> None:
    catalog = example_catalog()
    assert catalog == load_catalog(EXAMPLE)
    ids = [standard.id for standard in catalog.standards]
    assert {"ITU-T P.1203", "ITU-T G.191", "ITU-T H.266.2"} <= set(ids)
    p1203 = catalog.standards[ids.index("ITU-T P.1203")]
    assert p1203.implementations[0].repository == "https://github.com/itu-p1203/itu-p1203"
    assert p1203.implementations[0].role is Role.REFERENCE_IMPLEMENTATION
    repositories = {i.repository for s in catalog.standards for i in s.implementations}
    owf = {
        f"https://github.com/openwallet-foundation/{name}" for name in ("acapy", "credo-ts", "bifold-wallet")
    }
    assert owf <= repositories
    # `osswatch demo` makes one project per lockfile folder: every link must name one of them.
    folders = {path.name for path in (shared_data / "lockfiles").iterdir() if path.is_dir()}
    linked = {i.project for s in catalog.standards for i in s.implementations if i.project}
    assert linked == folders


def test_the_schema_is_valid_and_documented_verbatim() -> None:
    Draft202012Validator.check_schema(catalog_schema())
    assert json.loads((REPO / "docs" / "catalog.schema.json").read_text(encoding="utf-8")) == catalog_schema()
    Draft202012Validator(catalog_schema()).validate(load_yaml(document_of(EXAMPLE.read_bytes())))


def test_the_schema_and_the_model_agree_on_roles() -> None:
    roles = catalog_schema()["$defs"]["implementation"]["properties"]["role"]["enum"]
    assert roles == [role.value for role in Role]


ROLES = "['reference_implementation', 'conformance_suite', 'tool']"
STANDARD = "  - {id: A 1, body: A, number: '1', title: T, url: 'https://a.org/1'}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            VALID.replace("role: reference_implementation", "role: foo"),
            f"standards[0].implementations[0].role: 'foo' is not one of {ROLES}",
        ),
        (
            VALID.replace("    url: https://www.itu.int/rec/T-REC-P.1203\n", ""),
            "standards[0]: 'url' is a required property",
        ),
        (
            VALID.replace("number: P.1203", "number: 1203"),
            "standards[0].number: should be a string, found a number 1203",
        ),
        (
            VALID.replace("number: P.1203", "number: 2020-01-01"),
            "standards[0].number: should be a string, found a date 2020-01-01",
        ),
        (VALID.replace("body: ITU-T", "body:"), "standards[0].body: should be a string, found nothing"),
        (VALID.replace("body: ITU-T", "body: '  '"), "standards[0].body: should not be empty"),
        (
            VALID.replace("title: Parametric", "ttle: Parametric"),
            "standards[0]: 'title' is a required property (and 1 more problem)",
        ),
        (
            VALID.replace("url: https://www.itu.int", "url: ftp://www.itu.int"),
            "standards[0].url: should be an http:// or https:// URL, found 'ftp://www.itu.int/rec/T-REC-P.1203'",
        ),
        (
            VALID.replace("project: itu-p1203", "project: itu-p1203\n        homepage: x"),
            "standards[0].implementations[0]: Additional properties are not allowed "
            "('homepage' was unexpected)",
        ),
        (
            VALID.replace("project: itu-p1203", f"project: {'p' * 256}"),
            f"standards[0].implementations[0].project: is longer than 255 characters: '{'p' * 56}…",
        ),
        (
            VALID[: VALID.index("implementations:")] + "implementations: {a: 1}\n",
            "standards[0].implementations: should be a list, found a mapping",
        ),
        ("standards: {}\n", "standards: should be a list, found a mapping"),
        ("{}\n", "'standards' is a required property"),
        ("", "should be a mapping, found nothing"),
        ("- standards\n", "should be a mapping, found a list"),
        ("standards: []\nversion: 2\n", "Additional properties are not allowed ('version' was unexpected)"),
        (
            "standards:\n" + STANDARD + STANDARD.replace("id: A 1", "id: a 1"),
            "standards[1].id: 'a 1' is already the id of standards[0]",
        ),
        (
            VALID + "      - {repository: 'https://github.com/itu-p1203/itu-p1203/', role: tool}\n",
            "standards[0].implementations[1].repository: "
            "'https://github.com/itu-p1203/itu-p1203/' is already listed at implementations[0]",
        ),
        (
            VALID.replace("role: reference_implementation", "role: foo").replace("body: ITU-T", "body: 7"),
            "standards[0].body: should be a string, found a number 7 (and 1 more problem)",
        ),
    ],
    ids=[
        "unknown-role",
        "missing-url",
        "number-as-number",
        "number-as-date",
        "null-body",
        "blank-body",
        "misspelt-key",
        "ftp-url",
        "unknown-implementation-key",
        "overlong-project",
        "implementations-not-a-list",
        "standards-not-a-list",
        "no-standards",
        "empty-file",
        "top-level-list",
        "unknown-top-level-key",
        "duplicate-id-ignoring-case",
        "duplicate-repository",
        "two-problems",
    ],
)
def test_malformed_catalogs_name_the_file_and_key_path(text: str, message: str) -> None:
    assert _error(text) == f"catalog.yaml: {message}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, 2]\nb: &y [*x, *x]\nstandards: *y\n", "catalog.yaml:2: YAML aliases are not accepted"),
        ("standards: " + "[" * 100_000, "catalog.yaml:1: YAML nested deeper than 256 levels"),
        (
            "standards: !!python/name:os.system\n",
            "catalog.yaml: invalid YAML: could not determine a constructor for the tag",
        ),
        ("!!python/object/apply:os.system ['true']\n", "catalog.yaml: should be a mapping, found a list"),
        (
            "<<: {standards: []}\n",
            "catalog.yaml: invalid YAML: could not determine a constructor "
            "for the tag 'tag:yaml.org,2002:merge'",
        ),
        ("standards: [\n", "catalog.yaml:2: invalid YAML"),
        (b"standards: []\n# \xff\n", "catalog.yaml:2: not valid UTF-8 text"),
        ("standards: []\n? [a]\n: b\n", "catalog.yaml: unsupported YAML"),
    ],
    ids=[
        "billion-laughs",
        "deep-nesting",
        "python-name",
        "python-apply",
        "merge-key",
        "syntax",
        "not-utf8",
        "list-key",
    ],
)
def test_hostile_yaml_is_refused(text: str | bytes, message: str) -> None:
    assert _error(text).startswith(message)


def test_files_name_their_path(tmp_path: Path) -> None:
    path = tmp_path / "standards.yaml"
    path.write_text(VALID.replace("role: reference_implementation", "role: foo"), encoding="utf-8")
    with pytest.raises(ParseError, match=rf"^{path}: standards\[0\]\.implementations\[0\]\.role: 'foo'"):
        load_catalog(path)
    with pytest.raises(ParseError, match=rf"^{tmp_path / 'absent.yaml'}: cannot read"):
        load_catalog(tmp_path / "absent.yaml")


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(MAX_CATALOG_SIZE + 1)
    with pytest.raises(ParseError, match=r"over the 8\.4 MB limit"):
        load_catalog(path)


@pytest.mark.parametrize(
    ("parts", "text"),
    [(("standards", 2, "implementations", 0, "role"), "standards[2].implementations[0].role"), ((), "")],
    ids=["nested", "root"],
)
def test_key_path(parts: tuple[str | int, ...], text: str) -> None:
    assert key_path(parts) == text
