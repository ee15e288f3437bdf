"""The catalog in the database: whole-catalog replace in one transaction, reads in file order."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import Engine, func, select

from osswatch.catalog.load import example_catalog
from osswatch.catalog.model import Catalog, Implementation, Role, Standard
from osswatch.catalog.store import CatalogStore, ReplaceSummary, UnknownStandard
from osswatch.errors import StoreError
from osswatch.store.catalog_tables import catalog_implementations, standards

VVC = Standard(
    id="ISO/IEC 23090-3",
    body="ISO/IEC",
    number="23090-3",
    title="Versatile video coding",
    url="https://www.iso.org/standard/83531.html",
    implementations=(
        Implementation(
            repository="https://vcgit.hhi.fraunhofer.de/jvet/VVCSoftware_VTM",
            role=Role.REFERENCE_IMPLEMENTATION,
            name="VTM",
            notes="Also ITU-T H.266.2.",
        ),
        Implementation(repository="https://github.com/fraunhoferhhi/vvdec", role=Role.TOOL),
    ),
)


def _rows(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        count = (select(func.count()).select_from(table) for table in (standards, catalog_implementations))
        first, second = (int(connection.execute(query).scalar_one()) for query in count)
    return first, second


def test_an_import_reads_back_in_file_order(engine: Engine) -> None:
    store = CatalogStore(engine)
    catalog = example_catalog()
    summary = store.replace(catalog)
    assert summary == ReplaceSummary(
        standards=len(catalog.standards),
        implementations=sum(len(s.implementations) for s in catalog.standards),
    )
    assert store.standards() == catalog.standards
    assert store.standard("ITU-T P.1203") == catalog.standards[0]


def test_importing_twice_changes_nothing(engine: Engine) -> None:
    store = CatalogStore(engine)
    store.replace(example_catalog())
    before = (store.standards(), _rows(engine))
    store.replace(example_catalog())
    assert (store.standards(), _rows(engine)) == before


def test_an_import_replaces_the_whole_catalog(engine: Engine) -> None:
    store = CatalogStore(engine)
    store.replace(example_catalog())
    assert store.replace(Catalog(standards=(VVC,))) == ReplaceSummary(standards=1, implementations=2)
    assert store.standards() == (VVC,)
    assert _rows(engine) == (1, 2)
    with pytest.raises(UnknownStandard, match=r"^no standard 'ITU-T P\.1203' in the catalog$"):
        store.standard("ITU-T P.1203")
    store.replace(Catalog(standards=()))
    assert store.standards() == ()
    assert _rows(engine) == (0, 0)


def test_a_refused_import_leaves_the_old_catalog(engine: Engine) -> None:
    store = CatalogStore(engine)
    store.replace(example_catalog())
    twice = dataclasses.replace(VVC, implementations=VVC.implementations[:1] * 2)
    with pytest.raises(StoreError, match=r"^cannot write the catalog: "):
        store.replace(Catalog(standards=(VVC, twice)))
    assert store.standards() == example_catalog().standards


def test_lookups_are_exact(engine: Engine) -> None:
    store = CatalogStore(engine)
    store.replace(Catalog(standards=(VVC,)))
    assert store.standard("ISO/IEC 23090-3") == VVC
    for other in ("iso/iec 23090-3", "ISO/IEC 23090-3 ", "ISO/IEC%2023090-3", ""):
        with pytest.raises(UnknownStandard):
            store.standard(other)
