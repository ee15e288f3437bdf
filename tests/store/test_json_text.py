"""`decoded` reads stored JSON text exactly as `json.loads` does, and fails as loudly."""

from __future__ import annotations

import json

import pytest

from osswatch.store.json_text import decoded

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
