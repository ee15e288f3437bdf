"""The one HTTP client of health sources: bounded concurrency, timeouts, retries that honour `Retry-After`.

429 and 5xx answers and transport errors are retried with exponential backoff; a `Retry-After`
header (seconds or an HTTP date, RFC 9110 §10.2.3) replaces the backoff for that wait, capped so a
hostile server cannot park a scan. 200, 304, 404 and 410 are answers; anything else, or retries
run out, is SourceUnavailable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from osswatch import __version__
from osswatch.errors import SourceUnavailable

USER_AGENT = f"osswatch/{__version__} (+https://github.com/osswatch/osswatch)"
"""Registries ask clients to identify themselves (crates.io refuses requests without one)."""

_RETRIED = frozenset({429, 500, 502, 503, 504})
_ANSWERS = frozenset({200, 304, 404, 410})


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How often and how long to retry, and how long one request may take."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    timeout: float = 20.0


@dataclass(frozen=True, kw_only=True, slots=True)
class HttpResponse:
    """What a registry answered: the status, the body and its ETag."""

    status: int
    body: bytes
    etag: str | None = None


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """The wait a `Retry-After` header asks for, in seconds; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """An async GET client shared by every source of a scan (use as `async with`)."""

    def __init__(
        self,
        *,
        concurrency: int = 16,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._limit = asyncio.Semaphore(concurrency)
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=self.policy.timeout,
            transport=transport,
            follow_redirects=True,
        )
        self.request_count = 0

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, etag: str | None = None) -> HttpResponse:
        """GET `url` (conditionally, given an ETag), retrying what is worth retrying."""
        headers = {"If-None-Match": etag} if etag else {}
        problem = "no attempt made"
        for attempt in range(self.policy.attempts):
            async with self._limit:
                try:
                    self.request_count += 1
                    response = await self._client.get(url, headers=headers)
                except httpx.HTTPError as e:  # refused, reset, timed out, bad TLS …
                    problem, wait = f"{type(e).__name__}: {e}".rstrip(": "), None
                else:
                    if response.status_code in _ANSWERS:
                        return HttpResponse(
                            status=response.status_code,
                            body=response.content,
                            etag=response.headers.get("ETag"),
                        )
                    if response.status_code not in _RETRIED:
                        raise SourceUnavailable(f"{url}: HTTP {response.status_code}")
                    problem = f"HTTP {response.status_code}"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt + 1 < self.policy.attempts:
                await self._sleep(self._delay(attempt, wait))
        raise SourceUnavailable(f"{url}: {problem} after {self.policy.attempts} attempts")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        wanted = retry_after if retry_after is not None else self.policy.base_delay * 2**attempt
        return min(wanted, self.policy.max_delay)


__all__ = ["USER_AGENT", "HttpClient", "HttpResponse", "RetryPolicy", "retry_after_seconds"]
