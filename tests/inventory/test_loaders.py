"""Untrusted JSON, YAML, TOML and XML: clear errors with lines; hostile input refused, never a crash."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.loaders import MAX_DEPTH, load_json, load_toml, load_xml, load_yaml
from tests.conftest import document_of


def test_json_error_names_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_json(document_of('{\n  "a": 1,\n  "b": \n}', "lock.json"))
    assert caught.value.line == 4
    assert str(caught.value).startswith("lock.json:4: invalid JSON")


def test_json_deep_nesting_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        load_json(document_of("[" * 200_000 + "]" * 200_000))


def test_toml_error_names_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_toml(document_of('[[package]]\nname = "a"\nversion = \n', "poetry.lock"))
    assert caught.value.line == 3


def test_invalid_utf8_names_line() -> None:
    with pytest.raises(ParseError, match="not valid UTF-8") as caught:
        load_json(document_of(b'{\n"a": "\xff"}'))
    assert caught.value.line == 2


def test_yaml_reads_a_lockfile_shape() -> None:
    value = load_yaml(document_of("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {}\n"))
    assert value["lockfileVersion"] == "9.0"


def test_yaml_error_names_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_yaml(document_of("a: 1\nb: [1, 2\nc: 3\n", "pnpm-lock.yaml"))
    assert caught.value.line is not None
    assert "invalid YAML" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 50_000 + "]" * 50_000,
        "".join(f"{'  ' * i}k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 300 + "x: 1\n",
    ],
    ids=["flow", "block"],
)
def test_yaml_deep_nesting_is_refused_without_crashing(text: str) -> None:
    # libyaml's composer segfaults on the flow case; the event pre-scan must stop it first.
    with pytest.raises(ParseError, match="nested deeper"):
        load_yaml(document_of(text))


def test_yaml_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(ParseError, match="aliases are not accepted") as caught:
        load_yaml(document_of("\n".join(lines)))
    assert caught.value.line == 2
    assert time.perf_counter() - started < 1


def test_deep_yaml_in_a_subprocess_exits_cleanly(tmp_path: object) -> None:
    # A segfault would kill pytest itself; prove the guard in a child process too.
    code = (
        "from osswatch.inventory.loaders import load_yaml\n"
        "from osswatch.inventory.base import Document\n"
        "from osswatch.errors import ParseError\n"
        "try:\n"
        "    load_yaml(Document(path='x', data=b'[' * 100000))\n"
        "except ParseError as e:\n"
        "    print('refused', e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused")


BILLION_LAUGHS_XML = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bom>&lol3;</bom>
"""

XXE_XML = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom>&xxe;</bom>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS_XML, XXE_XML], ids=["billion-laughs", "xxe"])
def test_hostile_xml_is_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match="refused unsafe XML"):
        load_xml(document_of(data, "bom.xml"))


def test_malformed_xml_names_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_xml(document_of(b"<bom>\n<components>\n</bom>", "bom.xml"))
    assert caught.value.line == 3


def test_xml_with_unknown_encoding_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="invalid XML") as caught:
        load_xml(document_of(b'<?xml version="1.0" encoding="U1F-8"?><bom/>', "bom.xml"))
    assert caught.value.line == 1


def test_truncated_toml_names_the_last_line() -> None:
    with pytest.raises(ParseError) as caught:
        load_toml(document_of('[[package]]\nname = "a"\nversion = "1', "poetry.lock"))
    assert caught.value.line == 3


@pytest.mark.parametrize(
    "name", ["credo-ts/pnpm-lock.yaml", "bifold-wallet/yarn.lock"], ids=["pnpm", "yarn-berry"]
)
def test_yaml_builds_what_pyyaml_builds_on_real_lockfiles(shared_data: Path, name: str) -> None:
    import yaml

    text = (shared_data / "lockfiles" / name).read_text()
    assert load_yaml(document_of(text)) == yaml.safe_load(text)


SCALARS = (
    "a: yes\nb: 0x1F\nc: 1_000\nd: 2001-12-14\ne: ~\nf: '01'\ng: 1.5\nh: [1, true, null, .inf]\ni: !!str 3\n"
)


def test_yaml_scalars_are_typed_as_safe_load_types_them() -> None:
    import yaml

    assert load_yaml(document_of(SCALARS)) == yaml.safe_load(SCALARS)


def test_yaml_complex_key_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unsupported YAML"):
        load_yaml(document_of("? [1]\n: x\n"))
