"""The catalog in the database: a whole-catalog replace on import, and reads of its standards.

An import replaces every standard and implementation in one write transaction, so readers see the old
catalog or the new one, never a mix, and importing the same file twice leaves the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from osswatch.catalog.model import Catalog, Implementation, Role, Standard
from osswatch.errors import StoreError
from osswatch.monitor.portfolio import UnknownRecord
from osswatch.store import database
from osswatch.store.catalog_tables import catalog_implementations, standards


class UnknownStandard(UnknownRecord):
    """No standard of that id in the catalog (the web layer answers 404, like any unknown record)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ReplaceSummary:
    """What an import left in the database."""

    standards: int
    implementations: int


class CatalogStore:
    """The standards catalog of one database (SQLite or PostgreSQL), migrated by the caller."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def replace(self, catalog: Catalog) -> ReplaceSummary:
        """Make `catalog` the whole stored catalog, in one transaction (importing twice changes nothing)."""
        standard_rows = [_standard_row(i, standard) for i, standard in enumerate(catalog.standards)]
        implementation_rows = [
            _implementation_row(standard.id, j, implementation)
            for standard in catalog.standards
            for j, implementation in enumerate(standard.implementations)
        ]
        with self._writing() as connection:
            connection.execute(delete(catalog_implementations))
            connection.execute(delete(standards))
            if standard_rows:
                connection.execute(insert(standards), standard_rows)
            if implementation_rows:
                connection.execute(insert(catalog_implementations), implementation_rows)
        return ReplaceSummary(standards=len(standard_rows), implementations=len(implementation_rows))

    def standards(self) -> tuple[Standard, ...]:
        """Every standard with its implementations, in the order of the imported file."""
        with self._reading() as connection:
            rows = connection.execute(select(standards).order_by(standards.c.position)).all()
            query = select(catalog_implementations).order_by(
                catalog_implementations.c.standard_id, catalog_implementations.c.position
            )
            by_standard: dict[str, list[Implementation]] = defaultdict(list)
            for row in connection.execute(query):
                by_standard[row.standard_id].append(_implementation(row))
        return tuple(_standard(row, by_standard[row.id]) for row in rows)

    def standard(self, standard_id: str) -> Standard:
        """The standard with this id and its implementations; UnknownStandard if there is none."""
        with self._reading() as connection:
            row = connection.execute(select(standards).where(standards.c.id == standard_id)).one_or_none()
            if row is None:
                raise UnknownStandard(f"no standard {standard_id!r} in the catalog")
            query = (
                select(catalog_implementations)
                .where(catalog_implementations.c.standard_id == standard_id)
                .order_by(catalog_implementations.c.position)
            )
            implementations = [_implementation(item) for item in connection.execute(query)]
        return _standard(row, implementations)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{database.WRITE_OPTION: True})
                with connection.begin():
                    yield connection
        except SQLAlchemyError as e:
            raise StoreError(f"cannot write the catalog: {_first_line(e)}") from e

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the catalog: {_first_line(e)}") from e


def _standard_row(position: int, standard: Standard) -> dict[str, Any]:
    return {
        "id": standard.id,
        "position": position,
        "body": standard.body,
        "number": standard.number,
        "title": standard.title,
        "url": standard.url,
    }


def _implementation_row(standard_id: str, position: int, implementation: Implementation) -> dict[str, Any]:
    return {
        "standard_id": standard_id,
        "position": position,
        "repository": implementation.repository,
        "role": implementation.role.value,
        "project": implementation.project,
        "name": implementation.name,
        "notes": implementation.notes,
    }


def _standard(row: Row[Any], implementations: list[Implementation]) -> Standard:
    return Standard(
        id=row.id,
        body=row.body,
        number=row.number,
        title=row.title,
        url=row.url,
        implementations=tuple(implementations),
    )


def _implementation(row: Row[Any]) -> Implementation:
    return Implementation(
        repository=row.repository, role=Role(row.role), project=row.project, name=row.name, notes=row.notes
    )


def _first_line(error: SQLAlchemyError) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = ["CatalogStore", "ReplaceSummary", "UnknownStandard"]
