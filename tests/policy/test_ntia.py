"""NTIA minimum elements: per component (supplier, name, version, unique id) and per document."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from osswatch.model import Component, SbomMetadata, SourceFile
from osswatch.policy.ntia import Element, lacking, missing_elements
from tests.policy.builders import component

COMPLETE = SbomMetadata(timestamp=datetime(2026, 11, 1, tzinfo=UTC), authors=("ACME CI",))
A = component("a", "1.0", supplier="A Inc", ref="a", depends_on=("b",))
B = component("b", "2.0", supplier="B Inc", ref="b")


def source(sbom: SbomMetadata | None = COMPLETE) -> SourceFile:
    return SourceFile(path="bom.json", kind="cyclonedx-json", component_count=2, sbom=sbom)


@pytest.mark.parametrize(
    ("components", "sbom", "missing"),
    [
        ((A, B), COMPLETE, ()),
        ((A, component("b", "2.0", ref="b")), COMPLETE, (Element.SUPPLIER,)),
        ((A, component("b", None, supplier="B", ref="b")), COMPLETE, (Element.VERSION,)),
        ((A, component("b", "2.0", supplier="B", purl=None)), COMPLETE, (Element.UNIQUE_ID,)),
        ((A, component("b", "2.0", supplier="B", purl=None, hashes=("sha256:00",))), COMPLETE, ()),
        ((component("a", "1", supplier="A"), B), COMPLETE, (Element.DEPENDENCIES,)),
        ((component("a", "1", supplier="A"),), COMPLETE, ()),
        ((A, B), SbomMetadata(timestamp=COMPLETE.timestamp), (Element.AUTHOR,)),
        ((A, B), SbomMetadata(authors=("x",)), (Element.TIMESTAMP,)),
        (
            (component("", "1"),),
            SbomMetadata(),
            (Element.SUPPLIER, Element.NAME, Element.AUTHOR, Element.TIMESTAMP),
        ),
    ],
    ids=[
        "complete",
        "supplier",
        "version",
        "unique-id",
        "hash-is-unique-id",
        "dependencies",
        "single-component",
        "author",
        "timestamp",
        "several",
    ],
)
def test_missing_elements(
    components: tuple[Component, ...], sbom: SbomMetadata, missing: tuple[Element, ...]
) -> None:
    assert missing_elements(source(sbom), components) == missing


def test_lockfile_is_not_judged() -> None:
    assert missing_elements(source(None), (component(supplier=None),)) == ()


def test_lacking_names_the_components() -> None:
    b = component("b", "2.0")
    assert lacking((A, b), Element.SUPPLIER) == (b,)
    assert lacking((A, b), Element.TIMESTAMP) == ()
