"""requirements.txt: pins, unpinned forms kept, hashes, continuations, includes with their guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from osswatch.errors import ParseError
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.inventory.requirements_txt import MAX_INCLUDE_DEPTH, RequirementsParser, logical_lines
from osswatch.model import Inventory
from tests.conftest import ASSETS, claims, document_of

TREE = ASSETS / "inventory" / "python" / "requirements"


def _read(path: Path, display: str | None = None) -> Inventory:
    return RequirementsParser().parse(read_document(path, ReadLimits(), display=display))


def _one(line: str) -> tuple[str, str | None, str | None]:
    (component,) = RequirementsParser().parse(document_of(line, "requirements.txt")).components
    return component.name, component.version, component.ecosystem


def test_real_requirements_file_pins_every_line(shared_data: Path) -> None:
    path = shared_data / "lockfiles" / "itu-p1203" / "requirements.txt"
    requirement_lines = [
        line for line in path.read_text().splitlines() if line.strip() and line[0] not in "#-"
    ]
    expected = {tuple(line.split(";")[0].strip().split("==")) for line in requirement_lines}
    inventory = _read(path)
    assert {(c.name, c.version) for c in inventory.components} == expected
    assert len(inventory.components) == len(requirement_lines)
    assert all(c.location.line is not None for c in inventory.components)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("requests==2.31.0", ("requests", "2.31.0", "PyPI")),
        ("Django===4.2.11", ("django", "4.2.11", "PyPI")),
        ("zope.interface==6.2", ("zope-interface", "6.2", "PyPI")),
        ("requests[socks,use-chardet]==2.31.0", ("requests", "2.31.0", "PyPI")),
        ('numpy==2.0.2 ; python_version >= "3.9"', ("numpy", "2.0.2", "PyPI")),
        ("flask>=2.3", ("flask", None, "PyPI")),
        ("flask", ("flask", None, "PyPI")),
        ("numpy==1.26.*", ("numpy", None, "PyPI")),
        ("numpy===", ("numpy", None, "PyPI")),
        ("urllib3>=1.26,==1.26.18", ("urllib3", None, "PyPI")),
        ("pip @ https://github.com/pypa/pip/archive/22.0.2.zip", ("pip", None, "PyPI")),
        ("-e git+https://github.com/pallets/click.git@8.1.7#egg=click", ("click", None, "PyPI")),
        ("--editable=git+https://github.com/pallets/click.git#egg=click", ("click", None, "PyPI")),
        ("https://files.example.org/six-1.16.0-py2.py3-none-any.whl", ("six", None, "PyPI")),
        ("git+https://github.com/org/repo.git@v1", ("git+https://github.com/org/repo.git@v1", None, None)),
        ("./vendor/thing.tar.gz", ("./vendor/thing.tar.gz", None, None)),
        ("./dist/%40bad-1.0-py3-none-any.whl", ("./dist/%40bad-1.0-py3-none-any.whl", None, None)),
        ("-e .", (".", None, None)),
        ("-e ./src/lib[dev]", ("./src/lib[dev]", None, None)),
    ],
    ids=[
        "pinned",
        "arbitrary-equality",
        "dotted-name",
        "extras",
        "marker",
        "range",
        "bare-name",
        "wildcard",
        "empty-arbitrary",
        "two-specifiers",
        "name-at-url",
        "editable-vcs",
        "editable-long",
        "wheel-url",
        "vcs-no-name",
        "local-archive",
        "wheel-with-invalid-name",
        "editable-dot",
        "editable-path-extras",
    ],
)
def test_requirement_forms(line: str, expected: tuple[str, str | None, str | None]) -> None:
    assert _one(line) == expected


def test_hashes_continuations_and_comments() -> None:
    text = (
        "# header\n"
        "\n"
        "requests==2.31.0 \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash sha256:bb  # trailing comment\n"
        "idna==3.6\t# a comment after a tab\n"
        "certifi==2024.2.2\r\n"
    )
    components = RequirementsParser().parse(document_of(text, "requirements.txt")).components
    assert [(c.name, c.version, c.location.line, c.hashes) for c in components] == [
        ("requests", "2.31.0", 3, ("sha256:aa", "sha256:bb")),
        ("idna", "3.6", 6, ()),
        ("certifi", "2024.2.2", 7, ()),
    ]


def test_global_options_add_nothing() -> None:
    text = "-i https://pypi.org/simple\n--extra-index-url https://x\n--only-binary :all:\n--pre\n-c c.txt\n"
    inventory = RequirementsParser().parse(document_of(text, "requirements.txt"))
    assert inventory.components == ()
    assert inventory.problems == ()


def test_logical_lines_join_continuations_and_keep_the_start() -> None:
    lines = list(logical_lines("a==1 \\\n  ; python_version > '3'\n# c \\\nb==2\\"))
    assert [(line.number, line.text) for line in lines] == [(1, "a==1   ; python_version > '3'"), (4, "b==2")]


def test_includes_are_read_once_and_constraints_add_nothing() -> None:
    inventory = _read(TREE / "requirements.txt", display="req/requirements.txt")
    by_name = {c.name: c for c in inventory.components}
    assert inventory.problems == ()
    assert "urllib3" not in by_name  # only in constraints.txt
    assert by_name["certifi"].location.path == "req/requirements-base.txt"
    assert by_name["jinja2"].location.path == "req/nested/requirements-nested.txt"
    assert [c.name for c in inventory.components].count("certifi") == 1
    assert by_name["requests"].hashes == (
        "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
        "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",
    )
    assert inventory.sources[0].component_count == len(inventory.components)


def test_every_requirement_line_of_the_tree_becomes_a_component() -> None:
    files = [
        TREE / "requirements.txt",
        TREE / "requirements-base.txt",
        TREE / "nested" / "requirements-nested.txt",
    ]
    lines = [line for f in files for line in f.read_text().splitlines() if line.strip()]
    # Continuation lines start with spaces; option-only lines with "-" (except -e, a requirement).
    counted = [
        line for line in lines if not line.startswith(("#", " ")) and not line.startswith(("-r", "--", "-c"))
    ]
    assert len(_read(TREE / "requirements.txt").components) == len(counted)


def test_include_cycle_is_reported_not_followed() -> None:
    inventory = _read(TREE / "cycle" / "requirements-a.txt", display="cycle/requirements-a.txt")
    assert [(c.name, c.version) for c in inventory.components] == [("attrs", "23.2.0"), ("six", "1.16.0")]
    (problem,) = inventory.problems
    assert problem.location.path == "cycle/requirements-b.txt"
    assert problem.location.line == 1
    assert "include cycle: requirements-a.txt → requirements-b.txt → requirements-a.txt" in problem.message


def test_includes_outside_the_folder_remote_or_missing_are_refused() -> None:
    inventory = _read(TREE / "escape" / "requirements.txt")
    assert [c.name for c in inventory.components] == ["wheel"]
    messages = [(p.location.line, p.message) for p in inventory.problems]
    assert messages == [
        (1, "include '../requirements-base.txt' is outside the first file's folder; not read"),
        (2, "include '/etc/passwd' is outside the first file's folder; not read"),
        (3, "remote include 'https://example.org/requirements.txt' not fetched"),
        (4, "included file 'missing.txt' not found"),
    ]


def test_deep_include_chain_stops(tmp_path: Path) -> None:
    depth = MAX_INCLUDE_DEPTH + 5
    for index in range(depth):
        (tmp_path / f"requirements-{index}.txt").write_text(
            f"-r requirements-{index + 1}.txt\npkg{index}==1\n"
        )
    inventory = _read(tmp_path / "requirements-0.txt")
    assert len(inventory.components) == MAX_INCLUDE_DEPTH
    (problem,) = inventory.problems
    assert "nested deeper than" in problem.message


def test_matches_its_file_names() -> None:
    parser = RequirementsParser()
    assert parser.kind == "requirements.txt"
    for name in ("requirements.txt", "requirements-dev.txt", "dev-requirements.txt"):
        assert claims(parser.kind, name, b""), name
    assert not claims(parser.kind, "constraints.txt", b"")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a==1\nthis is not a requirement\n", 2, "invalid requirement 'this is not a requirement'"),
        ("a==1\n\nb[extra==1\n", 3, "invalid requirement"),
        ("a==1 --hash='sha256:x\n", 1, "cannot split options"),
        ("a==1\n-r\n", 2, "option -r needs a value"),
        ("a==1 \\\n  --hash\n", 1, "option --hash needs a value"),
        (b"a==1\n\xff\n", 2, "not valid UTF-8"),
    ],
    ids=[
        "prose",
        "unclosed-extras",
        "unbalanced-quote",
        "include-without-file",
        "hash-without-value",
        "bad-utf8",
    ],
)
def test_malformed_lines_name_file_and_line(text: str | bytes, line: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        RequirementsParser().parse(document_of(text, "requirements.txt"))
    assert caught.value.path == "requirements.txt"
    assert caught.value.line == line
    assert message in caught.value.message


def test_short_include_form_and_subfolder_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "requirements.txt").write_text("-rsub/requirements-a.txt\n--requirement=./sub/../b.txt\n")
    (tmp_path / "sub" / "requirements-a.txt").write_text("a==1\n-r ../b.txt\n")
    (tmp_path / "b.txt").write_text("b==2\n")
    inventory = _read(tmp_path / "requirements.txt", display="p/requirements.txt")
    assert [(c.name, c.location.path) for c in inventory.components] == [
        ("a", "p/sub/requirements-a.txt"),
        ("b", "p/b.txt"),
    ]
    assert inventory.problems == ()


def test_error_in_an_included_file_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r requirements-base.txt\n")
    (tmp_path / "requirements-base.txt").write_text("ok==1\nnot valid at all\n")
    with pytest.raises(ParseError) as caught:
        _read(tmp_path / "requirements.txt", display="p/requirements.txt")
    assert caught.value.path == "p/requirements-base.txt"
    assert caught.value.line == 2


def test_empty_file_has_no_components() -> None:
    inventory = RequirementsParser().parse(document_of("", "requirements.txt"))
    assert inventory.components == ()
    assert inventory.sources[0].component_count == 0
