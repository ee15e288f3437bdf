"""The running Python environment as an inventory: the same distributions importlib.metadata lists."""

from __future__ import annotations

from importlib import metadata

from osswatch.ecosystems.identity import normalize_name
from osswatch.inventory.environment import KIND, environment_inventory


def test_every_installed_distribution_is_a_pypi_component() -> None:
    inventory = environment_inventory()
    installed = {normalize_name("PyPI", d.metadata["Name"]): d.version for d in metadata.distributions()}
    found = {normalize_name("PyPI", c.name): c.version for c in inventory.components}
    assert found.keys() == installed.keys()
    assert found["packaging"] == metadata.version("packaging")
    assert all(
        c.ecosystem == "PyPI" and c.purl and c.purl.startswith("pkg:pypi/") for c in inventory.components
    )
    (source,) = inventory.sources
    assert source.kind == KIND
    assert source.component_count == len(inventory.components)


def test_a_distribution_installed_twice_is_listed_once() -> None:
    packaging = metadata.distribution("packaging")
    inventory = environment_inventory([packaging, packaging])
    assert [c.name for c in inventory.components] == [packaging.metadata["Name"]]
