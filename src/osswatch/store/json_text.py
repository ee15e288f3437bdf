"""Decoding JSON text this package stored itself, at the speed of the decoder's C scanner.

A lookup or a re-evaluation decodes tens of thousands of small stored values (match-ready entries, finding
forms, component details). `json.loads` wraps the C scanner in Python-level checks (leading and trailing
whitespace, each a regular expression match) that cost three times the scan of a few hundred bytes
(benchmarks/match.py, benchmarks/portfolio.py). Values written by osswatch, as SQLite keeps them or as
PostgreSQL prints `jsonb`, have no surrounding whitespace, so the scanner alone reads them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def decoded(text: str) -> Any:
    """The JSON value of stored text (written by osswatch: no whitespace around the value).

    Raises `json.JSONDecodeError` (a `ValueError`) for text that is not JSON; trailing text is ignored.
    """
    try:
        return _scan(text, 0)[0]
    except StopIteration as e:  # what the raw scanner raises where `json.loads` reports an error
        raise json.JSONDecodeError("Expecting value", text, e.value) from None


# The decoder's scanner (`_json.make_scanner` over its settings); typeshed does not declare it.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

__all__ = ["decoded"]
