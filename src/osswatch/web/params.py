"""Path and query parameters the routes share: record ids and paging, bounded so bad values are a 422.

Ids are bounded by the 32-bit `INTEGER` columns they are looked up in: a larger number is not an id of
anything, and PostgreSQL would refuse to compare it (an error, not a miss).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import StringConstraints

MAX_ID = 2**31 - 1
"""The largest value of an `INTEGER` id column."""

MAX_PAGE = 500
"""The most items one page returns."""

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record id.")]
"""An id in a path."""

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}.")]
"""How many items a page returns."""

Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="How many items to skip.")]
"""How many items to skip before the page."""

NO_NUL = r"^[^\x00]*$"
"""Text without NUL characters: PostgreSQL cannot store or compare them, so they are refused up front."""

Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
"""A string field of a body that is stored or looked up."""

__all__ = ["MAX_ID", "MAX_PAGE", "NO_NUL", "Limit", "Offset", "RecordId", "Text"]
