"""Shared fixtures: where the real public test data lives, and how to build documents from text."""

from __future__ import annotations

from pathlib import Path

import pytest

from osswatch.inventory.base import Document

pytest_plugins = ["tests.store_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`: real public lockfiles, advisories and registry documents (never copied here)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared test data is missing: expected it at {SHARED_DATA}")
    return SHARED_DATA


def claims(kind: str, filename: str, head: bytes = b"") -> bool:
    """True when the parser registry sends a file with this name and first bytes to `kind`."""
    from osswatch.inventory.registry import entry_for

    entry = entry_for(filename, head)
    return entry is not None and entry.kind == kind


def document_of(text: str | bytes, path: str = "test-file") -> Document:
    """A Document from literal content, for small parser cases."""
    data = text.encode() if isinstance(text, str) else text
    return Document(path=path, data=data)
