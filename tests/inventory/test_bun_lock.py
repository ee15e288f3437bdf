"""bun.lock: JSONC, workspaces, nested copies, aliases, bad input."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.bun_lock import BunLockParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "js" / "bun.lock"
R, D, OPT = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL


def _parse(text: str) -> tuple[Component, ...]:
    return BunLockParser().parse(document_of(text, "bun.lock")).components


def test_components_of_the_asset() -> None:
    components = _parse(ASSET.read_text())
    assert {(c.name, c.version, c.scope, c.is_direct) for c in components} == {
        ("@types/bun", "1.1.14", D, True),
        ("@types/node", "20.12.14", D, False),
        ("@types/ws", "8.5.13", D, False),
        ("bun-types", "1.1.37", D, False),
        ("fsevents", "2.3.3", OPT, True),
        ("js-tokens", "4.0.0", R, False),  # the hoisted copy, for loose-envify
        ("js-tokens", "3.0.2", R, True),  # nested under the ui workspace, which asks for it
        ("loose-envify", "1.4.0", R, False),
        ("react", "18.3.1", R, True),
        ("string-width", "4.2.3", R, True),  # the alias `string-width-cjs`
        ("tiny-fork", None, R, True),  # github: no registry version
        ("undici-types", "5.26.5", D, False),
    }
    assert "@bun-monorepo/ui" not in {c.name for c in components}


def test_lines_point_at_package_keys() -> None:
    text = ASSET.read_text()
    lines = text.splitlines()
    for component in _parse(text):
        assert component.location.line is not None
        assert lines[component.location.line - 1].startswith('    "')
        assert f'["{component.name}@' in lines[component.location.line - 1]


def test_depends_on_prefers_the_nested_copy() -> None:
    by_ref = {c.ref: c for c in _parse(ASSET.read_text())}
    assert by_ref["bun-types@1.1.37"].depends_on == ("@types/node@20.12.14", "@types/ws@8.5.13")
    assert by_ref["loose-envify@1.4.0"].depends_on == ("js-tokens@4.0.0",)


def test_comments_and_trailing_commas_keep_lines() -> None:
    text = (
        '{\n  // written by hand\n  "lockfileVersion": 1, /* one */\n  "workspaces": {"": {}},\n'
        '  "packages": {\n    "a": ["a@1.0.0", "", {}, "sha512-x//y,]"],\n  },\n}\n'
    )
    [component] = _parse(text)
    assert (component.ref, component.location.line) == ("a@1.0.0", 6)


BAD = [
    ("", "invalid JSON", 1),
    ('{\n  "lockfileVersion": 1,\n  "packages": {\n', "invalid JSON", 4),
    ('{"packages": {}, "workspaces": {}}', "missing 'lockfileVersion'", None),
    ('{"lockfileVersion": 1, "workspaces": {}}', "missing 'packages'", None),
    ('{"lockfileVersion": 1, "workspaces": {}, "packages": {\n"a": {}}}', "should be a list", 2),
    ('{"lockfileVersion": 1, "workspaces": {}, "packages": {\n"a": []}}', "should be a list", 2),
    ('{"lockfileVersion": 1, "workspaces": {}, "packages": {\n"a": ["a"]}}', "name@resolution", 2),
    ('{"lockfileVersion": 1, "workspaces": [], "packages": {}}', "'workspaces' should be", None),
]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    BAD,
    ids=[
        "empty",
        "truncated",
        "no-version",
        "no-packages",
        "entry-object",
        "entry-empty",
        "entry-no-version",
        "workspaces-list",
    ],
)
def test_malformed_input_names_file_and_line(text: str, message: str, line: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        _parse(text)
    assert message in caught.value.message
    assert caught.value.path == "bun.lock"
    assert caught.value.line == line


@given(st.text(max_size=200))
def test_random_text_gives_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        _parse(text)


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["dependencies", "a", "name"]) | st.text(max_size=4), inner)
    ),
    max_leaves=15,
)


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from(["a", "b/a", "@s/c"]), st.lists(st.sampled_from(["a@1", "b@x:y"]) | VALUES)
    ),
    st.dictionaries(st.text(max_size=4), VALUES, max_size=3),
)
def test_hostile_tables_give_only_parse_errors(
    packages: dict[str, object], workspaces: dict[str, object]
) -> None:
    data = {"lockfileVersion": 1, "workspaces": workspaces, "packages": packages}
    with contextlib.suppress(ParseError):
        _parse(json.dumps(data))
