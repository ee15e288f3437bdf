"""yarn.lock: the classic v1 format, Berry's YAML, the real Bifold lockfile, bad input."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.inventory.yarn_lock import YarnLockParser
from osswatch.model import Component, Scope
from tests.conftest import ASSETS, document_of

JS = ASSETS / "inventory" / "js"
R, D, OPT = Scope.RUNTIME, Scope.DEV, Scope.OPTIONAL


def _parse(path: Path) -> tuple[Component, ...]:
    return YarnLockParser().parse(read_document(path, ReadLimits())).components


def _summary(components: tuple[Component, ...]) -> set[tuple[str, str | None, Scope, bool | None]]:
    return {(c.name, c.version, c.scope, c.is_direct) for c in components}


CASES = [
    (
        "yarn-v1",
        {
            ("@babel/code-frame", "7.12.13", R, True),
            ("@babel/highlight", "7.13.10", R, False),
            ("chokidar", "3.5.1", D, True),
            ("fsevents", "2.3.2", D, False),  # optional, but only below a dev dependency
            ("js-tokens", "4.0.0", R, False),
            ("normalize-path", "3.0.0", D, False),
            ("string-width", "4.2.3", R, True),  # also the alias `string-width-cjs`
            ("tiny-fork", None, R, True),  # git: no registry version
        },
    ),
    (
        "yarn-berry",
        {
            ("fsevents", "2.3.3", OPT, True),  # dependenciesMeta optional
            ("is-core-module", "2.15.1", R, False),
            ("hasown", "2.0.2", R, False),
            ("node-gyp", "10.2.0", OPT, False),
            ("prettier", "3.3.3", D, True),  # devDependencies of the root package.json
            ("react", "18.3.1", R, True),
            ("resolve", "1.22.8", R, True),  # the npm and the patch: entry are one component
            ("string-width", "4.2.3", R, True),
            ("tiny-fork", None, R, True),
        },
    ),
]


@pytest.mark.parametrize(("folder", "expected"), CASES, ids=[c[0] for c in CASES])
def test_components_of_each_format(
    folder: str, expected: set[tuple[str, str | None, Scope, bool | None]]
) -> None:
    components = _parse(JS / folder / "yarn.lock")
    assert _summary(components) == expected
    assert len(components) == len(expected)


@pytest.mark.parametrize("folder", [c[0] for c in CASES], ids=[c[0] for c in CASES])
def test_lines_point_at_entry_headings(folder: str) -> None:
    path = JS / folder / "yarn.lock"
    lines = path.read_text().splitlines()
    for component in _parse(path):
        assert component.location.line is not None
        heading = lines[component.location.line - 1]
        assert not heading.startswith(" ")
        assert heading.endswith(":")


def test_workspaces_links_portals_and_files_are_the_projects_own() -> None:
    berry = {c.name for c in _parse(JS / "yarn-berry" / "yarn.lock")}
    assert not {"berry-root", "@berry/web", "local-theme", "portal-kit"} & berry
    classic = {c.name for c in _parse(JS / "yarn-v1" / "yarn.lock")}
    assert "local-utils" not in classic
    assert "string-width-cjs" not in classic


def test_depends_on_resolves_descriptors() -> None:
    by_ref = {c.ref: c for c in _parse(JS / "yarn-v1" / "yarn.lock")}
    assert by_ref["chokidar@3.5.1"].depends_on == ("normalize-path@3.0.0", "fsevents@2.3.2")
    berry = {c.ref: c for c in _parse(JS / "yarn-berry" / "yarn.lock")}
    assert berry["resolve@1.22.8"].depends_on == ("is-core-module@2.15.1",)


def test_classic_without_package_json_leaves_direct_unknown() -> None:
    text = (JS / "yarn-v1" / "yarn.lock").read_text()
    components = YarnLockParser().parse(document_of(text, "yarn.lock")).components
    assert {c.is_direct for c in components} == {None}
    assert {c.scope for c in components} == {Scope.RUNTIME}


# --- the real Bifold lockfile (Berry, __metadata.version 8) ----------------------------------


@pytest.fixture(scope="module")
def bifold(shared_data: Path) -> Path:
    return shared_data / "lockfiles" / "bifold-wallet" / "yarn.lock"


@pytest.fixture(scope="module")
def bifold_components(bifold: Path) -> tuple[Component, ...]:
    return _parse(bifold)


def _expected_from_resolutions(text: str) -> set[tuple[str, str | None]]:
    """Each `resolution:` line read with plain string operations, without the parser."""
    expected: set[tuple[str, str | None]] = set()
    for found in re.findall(r'^  resolution: "(.+)"$', text, re.MULTILINE):
        resolution = found
        if "@patch:" in found:
            resolution = unquote(found.split("@patch:", 1)[1].split("#", 1)[0])
        at = resolution.index("@", 1)
        name, reference = resolution[:at], resolution[at + 1 :]
        if reference.split(":", 1)[0] in ("workspace", "link", "portal", "file"):
            continue
        version = reference[4:].split("::")[0] if reference.startswith("npm:") else None
        expected.add((name, version))
    return expected


def test_bifold_components_are_exactly_the_resolutions(
    bifold: Path, bifold_components: tuple[Component, ...]
) -> None:
    expected = _expected_from_resolutions(bifold.read_text())
    assert {(c.name, c.version) for c in bifold_components} == expected
    assert len(bifold_components) == len(expected)


def test_bifold_root_dev_dependencies_are_direct(
    bifold: Path, bifold_components: tuple[Component, ...]
) -> None:
    manifest = (bifold.parent / "package.json").read_text()
    dev_block = manifest.split('"devDependencies": {', 1)[1].split("}", 1)[0]
    dev_names = set(re.findall(r'"([^"]+)":', dev_block))
    direct = {c.name for c in bifold_components if c.is_direct}
    assert dev_names <= direct
    assert any(c.scope is Scope.DEV for c in bifold_components if c.name in dev_names)


def test_bifold_graph_is_closed(bifold_components: tuple[Component, ...]) -> None:
    refs = {c.ref for c in bifold_components}
    assert all(set(c.depends_on) <= refs for c in bifold_components)
    assert sum(len(c.depends_on) for c in bifold_components) > len(bifold_components)


# --- bad input --------------------------------------------------------------------------------

BAD = [
    ('a@^1:\n  version "1.0.0"\n      deep "x"\n', "unexpected indentation of 6", 3),
    ('  version "1.0.0"\n', "a field outside any entry", 1),
    ("a@^1:\n    b ^2\n", "a dependency outside any section", 2),
    ("a@^1\n", "an entry heading should end with ':'", 1),
    ('"a@^1:\n  version "1.0.0"\n', "bad entry heading", 1),
    ('a@^1:\n  resolved "https://x"\n', "missing 'version' in 'a@^1'", 1),
    ('a@^1:\n  version "1.0.0\n', "bad quoted string", 2),
    ('"a b@1":\n  version "1.0.0"\n', "not an npm package name", 1),
    ("__metadata:\n  version: 8\n\n", None, None),
    ('__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1.0.0\n', "missing 'resolution'", 4),
    ("__metadata:\n  version: 8\n\na: [1\n", "invalid YAML", 5),
    ("__metadata: 1\n", "'__metadata' should be a table", None),
]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    BAD,
    ids=[
        "bad-indent",
        "orphan-field",
        "orphan-dependency",
        "heading-without-colon",
        "unterminated-heading",
        "missing-version",
        "unterminated-value",
        "bad-name",
        "berry-empty-is-fine",
        "berry-missing-resolution",
        "berry-truncated",
        "berry-bad-metadata",
    ],
)
def test_malformed_input_names_file_and_line(text: str, message: str | None, line: int | None) -> None:
    document = document_of(text, "yarn.lock")
    if message is None:
        assert YarnLockParser().parse(document).components == ()
        return
    with pytest.raises(ParseError) as caught:
        YarnLockParser().parse(document)
    assert message in caught.value.message
    assert caught.value.path == "yarn.lock"
    assert caught.value.line == line


def test_empty_file_has_no_components() -> None:
    assert YarnLockParser().parse(document_of("", "yarn.lock")).components == ()


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(' \n"@:,#abc^1.-_/'), max_size=200))
def test_random_classic_text_gives_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        YarnLockParser().parse(document_of(text))


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_random_berry_text_gives_only_parse_errors(text: str) -> None:
    with contextlib.suppress(ParseError):
        YarnLockParser().parse(document_of("__metadata:\n  version: 8\n" + text))
