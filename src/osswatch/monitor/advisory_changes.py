"""Which projects a sync's advisory changes touch, so that only those are judged again.

Two lookups, both by index or by a short id list, never over the whole portfolio:

- the records written (added or modified, not withdrawn) name packages in their `affected[]`: the projects
  whose latest snapshot uses one (`projects_affected_by`) may have new or changed findings;
- a record withdrawn, removed, or modified so that it no longer names a package a project uses, can only
  matter to a project that has an open finding under that id (`findings.vulnerability_id` is always the id
  of a matched record, the group's primary). A changed record that is a non-primary alias of an open
  finding, and now names none of its packages, is caught by the daily health refresh, which judges every
  project again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import select

from osswatch.advisories.store import AdvisoryStore
from osswatch.model import AdvisoryId
from osswatch.monitor.affected import projects_affected_by
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.portfolio_tables import findings

_CHUNK = 500  # ids per IN list


def projects_touched(
    portfolio: Portfolio, store: AdvisoryStore, *, written: Collection[str], removed: Collection[str]
) -> set[int]:
    """Ids of the projects whose findings the written and removed advisory ids may change."""
    current = store.advisories(AdvisoryId(i) for i in written)
    touched = projects_affected_by(portfolio, current.values())
    return touched | projects_with_open_findings(portfolio, [*written, *removed])


def projects_with_open_findings(portfolio: Portfolio, vulnerability_ids: Sequence[str]) -> set[int]:
    """Ids of the projects with an open finding under one of `vulnerability_ids`."""
    found: set[int] = set()
    with portfolio.reading() as connection:
        for chunk in _chunks(sorted(set(vulnerability_ids))):
            query = (
                select(findings.c.project_id)
                .distinct()
                .where(findings.c.vulnerability_id.in_(chunk), findings.c.fixed_at.is_(None))
            )
            found.update(connection.scalars(query))
    return found


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


__all__ = ["projects_touched", "projects_with_open_findings"]
