"""`encoded` writes what `json.dumps` writes, `decoded` reads what `json.loads` reads; both fail as loudly."""

from __future__ import annotations

import json

import pytest

from osswatch.store.json_text import decoded, encoded

STORED = [
    '{"name":"numpy","line":12,"licenses":["BSD-3-Clause"],"depends_on":[]}',
    '{"ecosystem": "Debian:12", "name": "openssl", "hashes": ["sha256:ab"]}',  # as PostgreSQL prints jsonb
    '[["PyPI","django",[["ECOSYSTEM",[["introduced","0"],["fixed","3.2.1"]]]],[]]]',
    '"caf\\u00e9 \\ud83d\\ude00"',
    "null",
    "12.5e-3",
]


@pytest.mark.parametrize("text", STORED)
def test_stored_text_decodes_as_json_loads_reads_it(text: str) -> None:
    assert decoded(text) == json.loads(text)


@pytest.mark.parametrize("text", ["", "{", '{"a":}', "nul"])
def test_text_that_is_not_json_raises_a_decode_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        decoded(text)


VALUES = [
    [
        ["CVE-2024-1", "GHSA-xxxx"],
        "a summary",
        None,
        ["https://example.org/a"],
        [["CVSS_V3", "CVSS:3.1/AV:N"]],
        "HIGH",
    ],
    ["PyPI", "django", [["ECOSYSTEM", [["introduced", "0"], ["fixed", "3.2.1"]]]], []],
    {"name": "café", "line": 3, "emoji": "😀", "nested": {"ratio": 0.5, "flag": True}},
    [],
    "",
]


@pytest.mark.parametrize("value", VALUES)
def test_values_encode_as_compact_ascii_json_dumps_writes_them(value: object) -> None:
    text = encoded(value)
    assert text == json.dumps(value, separators=(",", ":"))
    assert text.isascii()
    assert decoded(text) == value


def test_what_is_not_json_data_is_refused() -> None:
    with pytest.raises(TypeError, match="not JSON data: set"):
        encoded([{"a"}])
