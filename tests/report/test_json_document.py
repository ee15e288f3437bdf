"""The osswatch/1 JSON helpers."""

from __future__ import annotations

import json

import pytest

from osswatch.report.json_document import dumps_with_list, envelope


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": "ü"}, [1, 2], None]], ids=["empty", "one", "mixed"])
def test_dumps_with_list_is_one_json_document(items: list[object]) -> None:
    head = envelope()
    text = dumps_with_list(head, "results", items)
    assert json.loads(text) == {**head, "results": items}
    assert text.count("\n") == (len(items) + 1 if items else 0)


def test_dumps_with_list_without_head() -> None:
    assert json.loads(dumps_with_list({}, "results", [1])) == {"results": [1]}
