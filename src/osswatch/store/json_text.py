"""Small JSON values osswatch stores, written and read at the speed of the C encoder and scanner.

A sync writes, and a lookup or a re-evaluation reads, tens of thousands of small values (match-ready
entries, finding forms, component details). `json.loads` wraps the C scanner in Python-level checks
(leading and trailing whitespace, each a regular expression match) that cost three times the scan of a
few hundred bytes (benchmarks/match.py, benchmarks/portfolio.py). Values written by osswatch, as SQLite
keeps them or as PostgreSQL prints `jsonb`, have no surrounding whitespace, so the scanner alone reads
them. Likewise `JSONEncoder.encode` builds a new C encoder for every call: `encoded` keeps one (0.9 µs
against 1.9 µs for a typical finding form; a third of the forms' cost at import, benchmarks/sync.py).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any


def encoded(value: Any) -> str:
    """Compact, ASCII-escaped JSON of plain data (lists, dicts with string keys, strings, numbers, None).

    The same text as `json.dumps(value, separators=(",", ":"))`; no check for cycles (plain data has
    none); TypeError for anything else.
    """
    return "".join(_encode(value, 0))


def _refuse(value: object) -> object:
    raise TypeError(f"not JSON data: {type(value).__name__}")


# The C encoder itself, built once (`JSONEncoder.iterencode` builds one per call); typeshed does not declare
# `c_make_encoder`. Arguments: markers (None: no cycle check), default, string encoder, indent, key and
# item separators, sort_keys, skipkeys, allow_nan.
_encode: Callable[[Any, int], list[str]] = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _refuse, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
)


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

__all__ = ["decoded", "encoded"]
