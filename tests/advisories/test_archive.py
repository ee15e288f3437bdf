"""Archive member names: the string tests of `is_safe_name` against a path-based reading of them."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.advisories.archive import is_safe_name


def _escapes(name: str) -> bool:
    """Whether `name`, read as a POSIX or a Windows path, is absolute, has a drive, or climbs up."""
    posix = PurePosixPath(name.replace("\\", "/"))
    windows = PureWindowsPath(name)
    return posix.is_absolute() or ".." in posix.parts or bool(windows.drive) or windows.is_absolute()


NAMES = [
    ("PYSEC-2024-1.json", True),
    ("Go/GO-2024-1.json", True),
    ("./a/./b.json", True),
    ("a..b.json", True),
    ("..", False),
    ("../x.json", False),
    ("a/../../x.json", False),
    ("a\\..\\x.json", False),
    ("/etc/passwd", False),
    ("\\\\server\\share\\x.json", False),
    ("C:x.json", False),
    ("c:/x.json", False),
    ("", True),
]


@pytest.mark.parametrize(("name", "safe"), NAMES, ids=[repr(n) for n, _ in NAMES])
def test_known_names(name: str, safe: bool) -> None:
    assert is_safe_name(name) is safe


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab.:/\\C", max_size=12))
def test_string_tests_refuse_every_escaping_name(name: str) -> None:
    if _escapes(name):
        assert not is_safe_name(name)
    # And they refuse nothing more than the path-based test they replaced.
    normal = name.replace("\\", "/")
    path = PurePosixPath(normal)
    former = not (path.is_absolute() or ".." in path.parts or (len(normal) > 1 and normal[1] == ":"))
    assert is_safe_name(name) == former
