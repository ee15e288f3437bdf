"""The table of inventory parsers: which file names (or first bytes) go to which parser.

Parsers are imported only when a file of their kind is met, so `osswatch --help` and a scan of a
Python project never pay for the XML or YAML machinery.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from fnmatch import fnmatchcase

from osswatch.inventory.base import InventoryParser


@dataclass(frozen=True, kw_only=True, slots=True)
class ParserEntry:
    """One parser: its kind, the names it claims, and content markers for generic names."""

    kind: str
    module: str
    attribute: str
    names: tuple[str, ...] = ()
    """Case-sensitive glob patterns on the file's base name."""
    sniff_names: tuple[str, ...] = ()
    """Generic names (`*.json`) this parser reads when every `sniff` marker is in the first 4 KiB."""
    sniff: tuple[bytes, ...] = ()

    def claims_by_name(self, filename: str) -> bool:
        """True when the file name alone says this parser reads it."""
        return any(fnmatchcase(filename, pattern) for pattern in self.names)

    def claims_by_content(self, filename: str, head: bytes) -> bool:
        """True when a generic name and the first bytes say this parser reads it."""
        if not self.sniff or not any(fnmatchcase(filename, p) for p in self.sniff_names):
            return False
        return all(marker in head for marker in self.sniff)

    def load(self) -> InventoryParser:
        """The parser object (imports its module)."""
        parser: InventoryParser = getattr(importlib.import_module(self.module), self.attribute)()
        return parser


def _entry(kind: str, module: str, attribute: str, *names: str) -> ParserEntry:
    return ParserEntry(kind=kind, module=f"osswatch.inventory.{module}", attribute=attribute, names=names)


_CDX_JSON = ParserEntry(
    kind="cyclonedx-json",
    module="osswatch.inventory.cyclonedx",
    attribute="CycloneDxJsonParser",
    names=("bom.json", "*.cdx.json", "*.bom.json", "*cyclonedx*.json"),
    sniff_names=("*.json",),
    sniff=(b'"bomFormat"', b"CycloneDX"),
)
_CDX_XML = ParserEntry(
    kind="cyclonedx-xml",
    module="osswatch.inventory.cyclonedx",
    attribute="CycloneDxXmlParser",
    names=("bom.xml", "*.cdx.xml", "*.bom.xml", "*cyclonedx*.xml"),
    sniff_names=("*.xml",),
    sniff=(b"cyclonedx.org/schema/bom",),
)
_SPDX3 = ParserEntry(
    kind="spdx3-jsonld",
    module="osswatch.inventory.spdx3",
    attribute="Spdx3JsonLdParser",
    names=("*.spdx3.json",),
    sniff_names=("*.json", "*.jsonld"),
    sniff=(b"@context", b"spdx.org/rdf/3."),
)
_SPDX_JSON = ParserEntry(
    kind="spdx-json",
    module="osswatch.inventory.spdx",
    attribute="SpdxJsonParser",
    names=("*.spdx.json",),
    sniff_names=("*.json",),
    sniff=(b'"spdxVersion"',),
)
_SPDX_TAG_VALUE = ParserEntry(
    kind="spdx-tag-value",
    module="osswatch.inventory.spdx",
    attribute="SpdxTagValueParser",
    names=("*.spdx",),
    sniff_names=("*.txt", "*.tv"),
    sniff=(b"SPDXVersion:",),
)

PARSERS: tuple[ParserEntry, ...] = (
    # SBOMs
    _CDX_JSON,
    _CDX_XML,
    _SPDX3,
    _SPDX_JSON,
    _SPDX_TAG_VALUE,
    # Python
    _entry("requirements.txt", "requirements_txt", "RequirementsParser",
           "requirements*.txt", "*-requirements.txt", "*_requirements.txt"),
    _entry("poetry.lock", "poetry_lock", "PoetryLockParser", "poetry.lock"),
    _entry("uv.lock", "uv_lock", "UvLockParser", "uv.lock"),
    _entry("Pipfile.lock", "pipfile_lock", "PipfileLockParser", "Pipfile.lock"),
    _entry("pdm.lock", "pdm_lock", "PdmLockParser", "pdm.lock"),
    _entry("pylock.toml", "pylock_toml", "PylockParser", "pylock.toml", "pylock.*.toml"),
    # JavaScript
    _entry("package-lock.json", "npm_lock", "NpmLockParser",
           "package-lock.json", "npm-shrinkwrap.json"),
    _entry("yarn.lock", "yarn_lock", "YarnLockParser", "yarn.lock"),
    _entry("pnpm-lock.yaml", "pnpm_lock", "PnpmLockParser", "pnpm-lock.yaml"),
    _entry("bun.lock", "bun_lock", "BunLockParser", "bun.lock"),
    # Other ecosystems
    _entry("Cargo.lock", "cargo_lock", "CargoLockParser", "Cargo.lock"),
    _entry("go.mod", "go_mod", "GoModParser", "go.mod"),
    _entry("Gemfile.lock", "gemfile_lock", "GemfileLockParser", "Gemfile.lock", "gems.locked"),
    _entry("composer.lock", "composer_lock", "ComposerLockParser", "composer.lock"),
    _entry("pom.xml", "maven_pom", "MavenPomParser", "pom.xml"),
    _entry("gradle.lockfile", "gradle_lockfile", "GradleLockfileParser",
           "gradle.lockfile", "buildscript-gradle.lockfile"),
    _entry("packages.lock.json", "nuget_lock", "NugetLockParser", "packages.lock.json"),
    _entry("pubspec.lock", "pubspec_lock", "PubspecLockParser", "pubspec.lock"),
    _entry("mix.lock", "mix_lock", "MixLockParser", "mix.lock"),
    _entry("conan.lock", "conan_lock", "ConanLockParser", "conan.lock"),
)  # fmt: skip


def entry_for(filename: str, head: bytes) -> ParserEntry | None:
    """The parser entry for a file: by name first, then by content for generic names."""
    for entry in PARSERS:
        if entry.claims_by_name(filename):
            return entry
    for entry in PARSERS:
        if entry.claims_by_content(filename, head):
            return entry
    return None


def entry_by_kind(kind: str) -> ParserEntry | None:
    """The parser entry of a kind name (for `--as KIND` on files with unusual names)."""
    return next((entry for entry in PARSERS if entry.kind == kind), None)


def kinds() -> tuple[str, ...]:
    """Every kind of file osswatch reads."""
    return tuple(entry.kind for entry in PARSERS)
