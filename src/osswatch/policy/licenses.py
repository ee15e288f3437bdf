"""SPDX license expressions as choices: `OR` is satisfied by one allowed branch, `AND` needs all.

An expression is turned into its disjunctive normal form — the sets of licenses a user may pick
between — with `license-expression` (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/).
Several license entries on one component all apply (they are joined with `AND`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import product
from typing import Any

MAX_CHOICES = 256
"""An expression with more alternatives than this is judged on its first ones (no real package has)."""

Choice = frozenset[str]


@cache
def _licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def choices(licenses: Iterable[str]) -> list[Choice]:
    """The alternative sets of licenses that together satisfy every entry; [] when there is none."""
    entries = [e.strip() for e in licenses if e.strip()]
    if not entries:
        return []
    result: list[Choice] = [frozenset()]
    for entry in entries:
        result = _and(result, _choices_of(entry))
    return result


@cache
def _choices_of(expression: str) -> tuple[Choice, ...]:
    from license_expression import ExpressionError

    try:
        parsed = _licensing().parse(expression, validate=False)
    except ExpressionError:
        return (frozenset({expression}),)  # unreadable: one unknown license, never allowed
    return tuple(_dnf(parsed)) if parsed is not None else ()


def _dnf(node: Any) -> list[Choice]:
    operator = getattr(node, "operator", None)
    if operator is None:
        return [frozenset({_symbol(node)})]
    branches = [_dnf(arg) for arg in node.args]
    if operator.strip() == "OR":
        return [c for branch in branches for c in branch][:MAX_CHOICES]
    result: list[Choice] = [frozenset()]
    for branch in branches:
        result = _and(result, tuple(branch))
    return result


def _and(left: list[Choice], right: tuple[Choice, ...] | list[Choice]) -> list[Choice]:
    return [a | b for a, b in product(left, right)][:MAX_CHOICES]


def _symbol(node: Any) -> str:
    license_symbol = getattr(node, "license_symbol", None)
    if license_symbol is not None:
        return f"{license_symbol.key} WITH {node.exception_symbol.key}"
    return str(node.key)


def _names(license_id: str) -> set[str]:
    """The ids a list may name for this license: itself and, for `X WITH E`, plain `X`."""
    full = license_id.casefold()
    return {full, full.split(" with ", 1)[0]}


def _is_allowed_license(license_id: str, allowed: frozenset[str]) -> bool:
    # `X WITH E` is allowed by naming it whole, or by allowing X (an exception only grants more).
    return bool(_names(license_id) & allowed)


def is_allowed(licenses: Iterable[str], allowed: Iterable[str]) -> bool:
    """True when some choice uses only allowed licenses (no license at all is not allowed)."""
    permitted = frozenset(a.casefold() for a in allowed)
    return any(all(_is_allowed_license(x, permitted) for x in c) for c in choices(licenses))


def is_denied(licenses: Iterable[str], denied: Iterable[str]) -> bool:
    """True when every choice includes a denied license (one clean `OR` branch avoids it)."""
    refused = frozenset(d.casefold() for d in denied)
    options = choices(licenses)
    return bool(options) and all(any(_names(x) & refused for x in c) for c in options)


__all__ = ["MAX_CHOICES", "choices", "is_allowed", "is_denied"]
