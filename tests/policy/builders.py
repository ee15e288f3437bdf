"""Small builders of components, findings, health and facts for policy tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from osswatch.health.base import Health
from osswatch.inventory.base import Document
from osswatch.model import (
    AdvisoryId,
    Component,
    EcosystemName,
    Finding,
    Inventory,
    Location,
    Purl,
    Rating,
    Scope,
)
from osswatch.policy.facts import Facts
from osswatch.policy.rules import Policy, load_policy

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def component(name: str = "requests", version: str | None = "2.25.1", **changes: object) -> Component:
    """A PyPI component from requirements.txt."""
    made = Component(
        name=name,
        version=version,
        ecosystem=EcosystemName("PyPI"),
        purl=Purl(f"pkg:pypi/{name}@{version}" if version else f"pkg:pypi/{name}"),
        location=Location(path="requirements.txt", line=1),
        is_direct=True,
        scope=Scope.RUNTIME,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def finding(
    advisory_id: str = "GHSA-aaaa-bbbb-cccc",
    *,
    level: str = "high",
    score: float | None = 7.5,
    fixed_in: tuple[str, ...] = ("2.31.0",),
    published_days_ago: int | None = 10,
    aliases: tuple[str, ...] = ("CVE-2023-32681",),
    of: Component | None = None,
) -> Finding:
    """A finding on `of` (default: requests 2.25.1)."""
    published = None if published_days_ago is None else NOW - timedelta(days=published_days_ago)
    return Finding(
        component=of or component(),
        advisory_ids=(AdvisoryId(advisory_id), *(AdvisoryId(a) for a in aliases)),
        aliases=tuple(AdvisoryId(a) for a in aliases),
        summary="a vulnerability",
        rating=Rating(level=level, score=score),
        fixed_in=fixed_in,
        published=published,
    )


def facts(
    *components: Component,
    findings: tuple[Finding, ...] = (),
    health: Mapping[Component, Health] | None = None,
    **changes: object,
) -> Facts:
    """Facts over these components and findings at NOW."""
    made = Facts(
        inventory=Inventory(components=components or tuple(f.component for f in findings)),
        findings=findings,
        health=health or {},
        now=NOW,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def policy_of(text: str, path: str = "osswatch.toml") -> Policy:
    """A policy from literal text."""
    return load_policy(Document(path=path, data=text.encode()))
