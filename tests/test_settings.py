"""Where the database and the OSV mirror are, when no flag says."""

from __future__ import annotations

import pytest

from osswatch import settings


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.DATABASE_URL_ENV, raising=False)
    default = settings.database_url()
    assert default.startswith("sqlite:///")
    assert default.endswith("osswatch.db")
    assert "osswatch" in str(settings.default_database_path().parent)
    monkeypatch.setenv(settings.DATABASE_URL_ENV, "postgresql+psycopg://env/db")
    assert settings.database_url() == "postgresql+psycopg://env/db"
    assert settings.database_url("sqlite:///flag.db") == "sqlite:///flag.db"


def test_osv_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.OSV_URL_ENV, raising=False)
    assert settings.osv_url() == "https://osv-vulnerabilities.storage.googleapis.com"
    monkeypatch.setenv(settings.OSV_URL_ENV, "http://127.0.0.1:8000/")
    assert settings.osv_url() == "http://127.0.0.1:8000"
    assert settings.osv_url("file:///srv/osv") == "file:///srv/osv"
