"""gradle.lockfile and buildscript-gradle.lockfile: Gradle's dependency locking state.

Format: https://docs.gradle.org/current/userguide/dependency_locking.html#lock_state_location_and_format
— `#` comments, one `group:artifact:version=configuration,configuration…` per module, and a final
`empty=…` naming the configurations that resolved to nothing. The lockfile does not say which
modules are direct. Scope: a module only in test configurations (any configuration whose name
contains `test`, e.g. `testCompileClasspath`, `androidTestRuntimeClasspath`) or annotation
processor configurations (`annotationProcessor`, `kapt…`, `ksp…`) is dev; everything in
buildscript-gradle.lockfile is the build's own classpath (plugins), never shipped, so dev too.
"""

from __future__ import annotations

from osswatch.ecosystems.identity import purl_for
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.model import Component, EcosystemName, Inventory, Location, Scope

ECOSYSTEM = EcosystemName("Maven")
KIND = "gradle.lockfile"
_NAMES = ("gradle.lockfile", "buildscript-gradle.lockfile")


class GradleLockfileParser:
    """Reads gradle.lockfile and buildscript-gradle.lockfile."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked module; test-only and buildscript modules are dev."""
        is_buildscript = document.path.replace("\\", "/").rpartition("/")[2].startswith("buildscript")
        components = []
        for number, raw in enumerate(document.text().splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#") or line.startswith("empty="):
                continue
            components.append(_component(document, line, number, is_buildscript))
        return single_file_inventory(document, KIND, components)


def _is_build_only(configuration: str) -> bool:
    """Test classpaths and annotation processors (javac, kapt, ksp) are not shipped."""
    lowered = configuration.lower()
    return "test" in lowered or "annotationprocessor" in lowered or lowered.startswith(("kapt", "ksp"))


def _component(document: Document, line: str, number: int, is_buildscript: bool) -> Component:
    coordinates, equals, configurations = line.partition("=")
    parts = coordinates.split(":")
    names = [c.strip() for c in configurations.split(",") if c.strip()]
    if not equals or len(parts) != 3 or not all(parts) or not names:
        message = f"expected 'group:artifact:version=configurations', found {line[:60]!r}"
        raise document.error(message, line=number)
    group, artifact, version = parts
    name = f"{group}:{artifact}"
    is_dev = is_buildscript or all(_is_build_only(c) for c in names)
    return Component(
        name=name,
        version=version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, name, version),
        location=Location(path=document.path, line=number),
        scope=Scope.DEV if is_dev else Scope.RUNTIME,
        ref=name,
    )
