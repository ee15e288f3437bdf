"""The records of a standards catalog: standards, and the open-source projects that implement or test them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """What an open-source project is to a standard."""

    REFERENCE_IMPLEMENTATION = "reference_implementation"
    """The software the standard itself names or publishes as its reference (P.1203's, G.191's STL)."""
    CONFORMANCE_SUITE = "conformance_suite"
    """Tests that check an implementation against the standard."""
    TOOL = "tool"
    """Any other open-source implementation, library or tool that implements or works with the standard."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Implementation:
    """One open-source project linked to a standard, and the monitored project it maps to (if any)."""

    repository: str
    """Where its source lives (an https URL)."""
    role: Role
    project: str | None = None
    """The name of the monitored osswatch project whose health is shown for it; None when not monitored."""
    name: str | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Standard:
    """A standard (an ITU-T Recommendation, a W3C Recommendation …) and its implementations, in file order."""

    id: str
    """The catalog-wide key, such as `ITU-T P.1203`."""
    body: str
    number: str
    title: str
    url: str
    implementations: tuple[Implementation, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Catalog:
    """Every standard of one catalog file, in file order."""

    standards: tuple[Standard, ...]


__all__ = ["Catalog", "Implementation", "Role", "Standard"]
