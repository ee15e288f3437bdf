"""Standards ⇄ open-source implementations, linked to monitored projects (docs/catalog.md).

    catalog = load_catalog(Path("catalog.yaml"))            # or example_catalog(); ParseError if invalid
    CatalogStore(engine).replace(catalog)                   # the whole catalog, one transaction
    views = view_catalog(portfolio, CatalogStore(engine).standards(), team_id=None)
    [standard_json(v) for v in views]                       # `osswatch catalog list --format json`

Modules: `model` (records), `load` (YAML + JSON Schema + checks), `store` (tables), `view` (health join).
"""

from __future__ import annotations

from osswatch.catalog.load import catalog_schema, example_catalog, load_catalog, parse_catalog
from osswatch.catalog.model import Catalog, Implementation, Role, Standard
from osswatch.catalog.store import CatalogStore, ReplaceSummary, UnknownStandard
from osswatch.catalog.view import (
    ImplementationView,
    ProjectHealth,
    StandardView,
    implementation_json,
    standard_json,
    view_catalog,
)

__all__ = [
    "Catalog",
    "CatalogStore",
    "Implementation",
    "ImplementationView",
    "ProjectHealth",
    "ReplaceSummary",
    "Role",
    "Standard",
    "StandardView",
    "UnknownStandard",
    "catalog_schema",
    "example_catalog",
    "implementation_json",
    "load_catalog",
    "parse_catalog",
    "standard_json",
    "view_catalog",
]
