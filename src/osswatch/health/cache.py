"""Registry answers cached in the database: fresh for a TTL, then revalidated with `If-None-Match`.

Offline mode reads only the cache (fresh or not) and records every URL it lacks, so a scan can say
exactly what is missing instead of hitting the network (DESIGN: health must not when `--offline`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Executable, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from osswatch.errors import StoreError
from osswatch.health.base import NotCached, PackageNotFound
from osswatch.health.http import HttpClient, HttpResponse
from osswatch.store.health_tables import http_cache

_CHUNK = 500  # bound the IN lists (SQLite allows 32,766 parameters; PostgreSQL 65,535)

DEFAULT_TTL = timedelta(hours=24)
"""How long a cached answer is used without asking the registry again."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CachedResponse:
    """A stored registry answer."""

    url: str
    status: int
    body: bytes
    etag: str | None
    fetched_at: datetime


class ResponseCache:
    """The `http_cache` table: one stored answer per URL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, url: str) -> CachedResponse | None:
        """The stored answer for `url`, if any."""
        try:
            with self._engine.connect() as connection:
                row = connection.execute(select(http_cache).where(http_cache.c.url == url)).first()
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the response cache: {e}") from e
        if row is None:
            return None
        fetched_at = row.fetched_at if row.fetched_at.tzinfo else row.fetched_at.replace(tzinfo=UTC)
        return CachedResponse(
            url=url, status=row.status, body=zlib.decompress(row.body), etag=row.etag, fetched_at=fetched_at
        )

    def put(self, url: str, response: HttpResponse, fetched_at: datetime) -> None:
        """Store (or replace) the answer for `url`."""
        self.put_many({url: (response, fetched_at)})

    def put_many(self, answers: Mapping[str, tuple[HttpResponse, datetime]]) -> None:
        """Store (or replace) many answers in one transaction."""
        if not answers:
            return
        rows = [
            {
                "url": url,
                "status": response.status,
                "etag": response.etag,
                "fetched_at": fetched_at,
                "body": zlib.compress(response.body, 6),
            }
            for url, (response, fetched_at) in answers.items()
        ]
        urls = list(answers)
        deletes: list[Executable] = [
            delete(http_cache).where(http_cache.c.url.in_(urls[i : i + _CHUNK]))
            for i in range(0, len(urls), _CHUNK)
        ]
        self._write([*deletes, insert(http_cache)], rows)

    def touch(self, url: str, fetched_at: datetime) -> None:
        """Mark the stored answer as confirmed now (after a 304)."""
        self._write([update(http_cache).where(http_cache.c.url == url).values(fetched_at=fetched_at)])

    def _write(
        self, statements: list[Executable], rows: Sequence[Mapping[str, object]] | None = None
    ) -> None:
        """Run `statements` in one transaction; the last one gets `rows` (an executemany)."""
        try:
            with self._engine.begin() as connection:
                for statement in statements[:-1]:
                    connection.execute(statement)
                if rows:
                    connection.execute(statements[-1], rows)
                else:
                    connection.execute(statements[-1])
        except SQLAlchemyError as e:
            raise StoreError(f"cannot write the response cache: {e}") from e


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class CachedFetcher:
    """A `Fetch` that answers from the cache when it can, and from the network (unless offline)."""

    cache: ResponseCache
    client: HttpClient | None
    ttl: timedelta = DEFAULT_TTL
    offline: bool = False
    clock: Callable[[], datetime] = _now
    missing: list[str] = field(default_factory=list)
    """URLs that offline mode needed and the cache did not have."""
    pending: dict[str, tuple[HttpResponse, datetime]] = field(default_factory=dict)
    """Answers fetched but not yet written: `flush` stores them in one transaction."""

    def flush(self) -> None:
        """Write the answers fetched since the last flush."""
        answers, self.pending = self.pending, {}
        self.cache.put_many(answers)

    async def __call__(self, url: str) -> bytes:
        """The body of `url`; PackageNotFound for a 404/410, NotCached offline without a copy."""
        if url in self.pending:
            response = self.pending[url][0]
            return _body(response.status, response.body, url)
        stored = self.cache.get(url)
        if stored is not None and (self.offline or self.clock() - stored.fetched_at < self.ttl):
            return _body(stored.status, stored.body, url)
        if self.offline or self.client is None:
            self.missing.append(url)
            raise NotCached(url)
        response = await self.client.get(url, etag=stored.etag if stored else None)
        if response.status == 304 and stored is not None:
            self.cache.touch(url, self.clock())
            return _body(stored.status, stored.body, url)
        self.pending[url] = (response, self.clock())
        return _body(response.status, response.body, url)


def _body(status: int, body: bytes, url: str) -> bytes:
    if status in (404, 410):
        raise PackageNotFound(f"{url}: the registry has no such package (HTTP {status})")
    return body


__all__ = ["DEFAULT_TTL", "CachedFetcher", "CachedResponse", "ResponseCache"]
