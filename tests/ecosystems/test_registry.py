"""The registry: every OSV ecosystem has a scheme, suffixes are ignored, unknown names fail."""

from __future__ import annotations

import pytest

from osswatch import ecosystems
from osswatch.ecosystems import UnknownEcosystem, get, semver_scheme, supported
from osswatch.ecosystems.identity import IDENTITIES


@pytest.mark.parametrize("ecosystem", [i.osv for i in IDENTITIES], ids=[i.osv for i in IDENTITIES])
def test_every_known_ecosystem_has_a_scheme(ecosystem: str) -> None:
    scheme = get(ecosystem)
    assert scheme.name == ecosystem
    assert scheme.compare("1.0", "1.0") == 0
    assert scheme.compare("1.0", "2.0") == -1
    assert ecosystem in supported()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Debian:12", "Debian"),
        ("Ubuntu:22.04:LTS", "Ubuntu"),
        ("Alpine:v3.19", "Alpine"),
        ("pypi", "PyPI"),
        ("Red Hat:enterprise_linux:9::appstream", "Red Hat"),
        ("openSUSE:Leap 15.5", "openSUSE"),
    ],
    ids=["debian", "ubuntu-lts", "alpine", "lowercase", "redhat-cpe", "opensuse"],
)
def test_suffixes_and_case_are_ignored(name: str, expected: str) -> None:
    assert get(name).name == expected
    assert get(name) is get(expected)


@pytest.mark.parametrize(
    "name", ["", "Nope", ":12", "Debian12"], ids=["empty", "unknown", "only-suffix", "glued"]
)
def test_unknown_ecosystem(name: str) -> None:
    with pytest.raises(UnknownEcosystem, match="no version scheme for ecosystem"):
        get(name)


def test_semver_scheme_for_osv_ranges() -> None:
    scheme = semver_scheme()
    assert scheme.compare("1.0.0-rc.1", "1.0.0") == -1
    assert get("SemVer").compare("v1.2.3", "1.2.3") == 0


def test_public_names() -> None:
    public = {name for name in dir(ecosystems) if not name.startswith("_")}
    assert set(ecosystems.__all__) <= public
    assert {"get", "supported", "semver_scheme", "VersionScheme", "UnknownEcosystem"} == set(
        ecosystems.__all__
    )


def test_supported_is_sorted_and_unique() -> None:
    names = supported()
    assert list(names) == sorted(names)
    assert len(set(names)) == len(names)


HOSTILE = ["", "²", "1.²", "1-²", "٣.1", "1.٣", "v²", "1:²", "²:1", "\x00", "1.0\n", "1" * 5000, "." * 50]
HOSTILE += ["-" * 30, "~~~", "^", "#", "1.#", "İ", "1.0-" + "a" * 2000, "9" * 1024]


@pytest.mark.parametrize("ecosystem", supported())
@pytest.mark.parametrize("text", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_hostile_strings_never_raise(ecosystem: str, text: str) -> None:
    scheme = get(ecosystem)
    assert scheme.compare(text, text) == 0
    assert scheme.compare(text, "1.0") == -scheme.compare("1.0", text)
    assert isinstance(scheme.is_valid(text), bool)
    assert isinstance(scheme.is_prerelease(text), bool)
    assert scheme.sort_key(text)[0] in (0, 1)
