"""Fuzzing the REST API against its own OpenAPI document with schemathesis, on both databases.

Every operation gets generated paths, queries and bodies, sent with a real editor key into an app whose
database holds a project with an uploaded lockfile (so some ids exist). The checks that matter: no 5xx
ever, and every response (errors included) matches the schema the document declares for its status.
Examples are bounded so the whole file runs in well under a minute per database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err, Ok
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.schemas import OpenApiSchema

from osswatch.web.app import create_app
from tests.web.conftest import auth, create_project, make_keys

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@dataclass(frozen=True, kw_only=True, slots=True)
class Target:
    """The app under test, loaded as a schema, and the headers of a real editor key."""

    schema: OpenApiSchema
    headers: dict[str, str]


@pytest.fixture
def target(database_url: str, lockfile: Path) -> Iterator[Target]:
    """The app over a database where the key's team has a project with an uploaded lockfile."""
    app = create_app(database_url)
    keys = make_keys(database_url)
    with TestClient(app) as client:
        project_id = create_project(client, keys.editor)
        response = client.post(
            f"/api/v1/projects/{project_id}/snapshots",
            params={"filename": "poetry.lock"},
            content=lockfile.read_bytes(),
            headers=auth(keys.editor),
        )
        assert response.status_code == 201, response.text
        yield Target(
            schema=schemathesis.openapi.from_asgi("/api/v1/openapi.json", app), headers=auth(keys.editor)
        )


SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_api_conforms(target: Target) -> None:
    operations = [_operation(result) for result in target.schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def conforms(case: Case[Any]) -> None:
            case.call_and_validate(headers=target.headers, checks=CHECKS)

        conforms()


def _operation(result: Ok[APIOperation[Any, Any, Any, Any]] | Err[Any]) -> APIOperation[Any, Any, Any, Any]:
    match result:
        case Ok():
            return result.ok()
        case Err():
            raise AssertionError(f"the OpenAPI document has an invalid operation: {result.err()}")
