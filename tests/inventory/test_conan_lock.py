"""conan.lock: Conan 2 references by list (runtime/build/python) and Conan 1 graph locks."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.conan_lock import ConanLockParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

CONAN = ASSETS / "inventory" / "conan"


def parse(text: str) -> tuple[Component, ...]:
    return ConanLockParser().parse(document_of(text, "conan.lock")).components


def test_v05_asset() -> None:
    text = (CONAN / "conan.lock").read_text()
    components = parse(text)
    data = json.loads(text)
    expected = [
        r.split("/")[0] for key in ("requires", "build_requires", "python_requires") for r in data[key]
    ]
    assert [c.name for c in components] == expected
    zlib = components[0]
    assert (zlib.version, zlib.ecosystem, zlib.purl, zlib.scope) == (
        "1.3.1",
        "ConanCenter",
        "pkg:conan/zlib@1.3.1",
        Scope.RUNTIME,
    )
    assert (zlib.location.line, zlib.is_direct) == (4, None)
    cmake = components[-1]
    assert (cmake.name, cmake.version, cmake.scope, cmake.location.line) == ("cmake", "3.30.1", Scope.DEV, 10)


def test_user_channel_is_not_conan_center() -> None:
    corp = next(c for c in parse((CONAN / "conan.lock").read_text()) if c.name == "corp-crypto")
    assert (corp.version, corp.ecosystem, corp.purl) == ("2.1.0", None, None)


def test_v04_graph_lock() -> None:
    found = {c.ref: c for c in parse((CONAN / "conan.v04.lock").read_text())}
    assert set(found) == {"1", "2", "3"}  # node 0 is the consumer's conanfile
    poco, openssl, cmake = found["1"], found["2"], found["3"]
    assert (poco.name, poco.version, poco.is_direct, poco.depends_on) == ("poco", "1.9.4", True, ("2",))
    assert (openssl.version, openssl.is_direct, openssl.scope) == ("1.1.1d", False, Scope.RUNTIME)
    assert (cmake.is_direct, cmake.scope) == (True, Scope.DEV)
    assert poco.location.line == 12


def test_same_reference_twice_gets_each_line() -> None:
    text = '{"version": "0.5",\n "requires": ["a/1.0",\n "a/1.0"]}'
    assert [c.location.line for c in parse(text)] == [2, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"requires": []}', "not a Conan lockfile"),
        ('{"version": "0.5", "requires": [1]}', "'requires[0]' should be a string"),
        ('{"version": "0.5", "requires": ["zlib"]}', "invalid Conan reference 'zlib'"),
        ('{"version": "0.5", "requires": {}}', "'requires' should be a list"),
        ('{"graph_lock": {}}', "missing 'nodes' in 'graph_lock'"),
        ('{"graph_lock": {"nodes": {"1": []}}}', "expected a table at 'graph_lock.nodes.1'"),
        ('{"graph_lock": {"nodes": {"1": {"ref": 3}}}}', "'graph_lock.nodes.1.ref' should be a string"),
        ("{", "invalid JSON"),
    ],
    ids=[
        "no-version",
        "entry-type",
        "bad-reference",
        "list-type",
        "no-nodes",
        "node-type",
        "ref-type",
        "truncated",
    ],
)
def test_malformed(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(text)


KEYS = st.sampled_from(
    ["version", "requires", "build_requires", "graph_lock", "nodes", "0", "ref", "path", "a/1.0", "context"]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | KEYS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.one_of(st.text(), JSON_VALUES.map(json.dumps)))
def test_random_input_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
