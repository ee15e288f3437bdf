"""packages.lock.json: packages of every framework once, Project entries left out."""

from __future__ import annotations

import contextlib
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.nuget_lock import NugetLockParser
from osswatch.model import Component
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "nuget" / "packages.lock.json"


def parse(text: str) -> tuple[Component, ...]:
    return NugetLockParser().parse(document_of(text, "packages.lock.json")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def test_asset() -> None:
    found = by_ref(parse(ASSET.read_text()))
    # Independently: every non-Project (name, resolved) pair across frameworks, once.
    data = json.loads(ASSET.read_text())
    expected = {
        f"{name.lower()}@{entry['resolved']}"
        for framework in data["dependencies"].values()
        for name, entry in framework.items()
        if entry["type"] != "Project"
    }
    assert set(found) == expected
    newtonsoft = found["newtonsoft.json@13.0.3"]
    assert (newtonsoft.name, newtonsoft.version, newtonsoft.ecosystem) == (
        "newtonsoft.json",
        "13.0.3",
        "NuGet",
    )
    assert newtonsoft.purl == "pkg:nuget/newtonsoft.json@13.0.3"
    assert (newtonsoft.location.line, newtonsoft.is_direct) == (5, True)
    assert found["serilog.sinks.console@5.0.1"].depends_on == ("serilog@3.1.1",)
    assert found["serilog@3.1.1"].location.line == 11  # its entry, not the mention inside Sinks.Console
    assert found["system.text.json@8.0.4"].is_direct is False  # CentralTransitive


def test_direct_in_any_framework_is_direct() -> None:
    text = json.dumps(
        {
            "version": 1,
            "dependencies": {
                "net6.0": {"A": {"type": "Transitive", "resolved": "1.0.0"}},
                "net8.0": {"A": {"type": "Direct", "requested": "[1.0.0, )", "resolved": "1.0.0"}},
            },
        }
    )
    (only,) = parse(text)
    assert (only.is_direct, only.location.line) == (True, 1)


def test_different_versions_per_framework_are_two_components() -> None:
    text = json.dumps(
        {
            "dependencies": {
                "net6.0": {"A": {"type": "Direct", "resolved": "1.0.0"}},
                "net8.0": {"A": {"type": "Direct", "resolved": "2.0.0"}},
            }
        },
        indent=2,
    )
    assert [(c.version, c.location.line) for c in parse(text)] == [("1.0.0", 4), ("2.0.0", 10)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"version": 1}, "missing 'dependencies' in '<top>'"),
        ({"dependencies": {"net8.0": []}}, "expected a table at 'dependencies.net8.0'"),
        (
            {"dependencies": {"net8.0": {"A": {"resolved": "1.0"}}}},
            "missing 'type' in 'dependencies.net8.0.A'",
        ),
        (
            {"dependencies": {"net8.0": {"A": {"type": "Direct"}}}},
            "missing 'resolved' in 'dependencies.net8.0.A'",
        ),
        ({"dependencies": {"net8.0": {"A": {"type": "Future", "resolved": "1"}}}}, "unknown type 'Future'"),
        ({"dependencies": {"net8.0": {"": {"type": "Direct", "resolved": "1"}}}}, "empty package name"),
        (
            {"dependencies": {"net8.0": {"A": {"type": "Direct", "resolved": "1", "dependencies": []}}}},
            "should be a table",
        ),
    ],
    ids=[
        "no-dependencies",
        "framework-type",
        "no-type",
        "no-resolved",
        "unknown-type",
        "empty-name",
        "deps-type",
    ],
)
def test_malformed(value: object, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(json.dumps(value))


def test_truncated_json_names_line() -> None:
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        parse('{\n  "dependencies": {\n')
    assert caught.value.line == 3


KEYS = st.sampled_from(["dependencies", "net8.0", "A", "type", "Direct", "Project", "resolved", "1.0"])
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
