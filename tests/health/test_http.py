"""Retry and backoff of the HTTP client (httpx.MockTransport: the only mocked transport in these tests)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from osswatch.errors import SourceUnavailable
from osswatch.health.http import USER_AGENT, HttpClient, HttpResponse, RetryPolicy, retry_after_seconds


def _run(
    answers: list[httpx.Response | Exception], policy: RetryPolicy | None = None
) -> tuple[HttpResponse | SourceUnavailable, list[float], list[httpx.Request]]:
    waits: list[float] = []
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> HttpResponse | SourceUnavailable:
        async with HttpClient(policy=policy, transport=httpx.MockTransport(handler), sleep=sleep) as client:
            try:
                return await client.get("http://registry.test/pkg", etag='"abc"')
            except SourceUnavailable as e:
                return e

    return asyncio.run(run()), waits, seen


def test_429_waits_what_retry_after_asks() -> None:
    result, waits, seen = _run(
        [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"ok")]
    )
    assert isinstance(result, HttpResponse)
    assert result.body == b"ok"
    assert waits == [7.0]
    assert len(seen) == 2


def test_5xx_backs_off_exponentially_then_gives_up() -> None:
    policy = RetryPolicy(attempts=4, base_delay=0.5)
    result, waits, seen = _run([httpx.Response(503)] * 4, policy)
    assert isinstance(result, SourceUnavailable)
    assert "HTTP 503 after 4 attempts" in str(result)
    assert waits == [0.5, 1.0, 2.0]
    assert len(seen) == 4


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_delay=30.0)
    _, waits, _ = _run([httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200)], policy)
    assert waits == [30.0]


def test_connection_errors_are_retried() -> None:
    result, waits, _ = _run([httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.Response(200)])
    assert isinstance(result, HttpResponse)
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 418], ids=str)
def test_other_client_errors_are_not_retried(status: int) -> None:
    result, waits, _ = _run([httpx.Response(status)])
    assert isinstance(result, SourceUnavailable)
    assert waits == []


@pytest.mark.parametrize("status", [200, 304, 404, 410], ids=str)
def test_answers_pass_through(status: int) -> None:
    result, _, seen = _run([httpx.Response(status, headers={"ETag": '"v2"'})])
    assert isinstance(result, HttpResponse)
    assert result.status == status
    assert result.etag == '"v2"'
    assert seen[0].headers["If-None-Match"] == '"abc"'
    assert seen[0].headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
    ids=["seconds", "zero", "date", "past-date", "garbage", "empty", "absent", "negative"],
)
def test_retry_after_parsing(header: str | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(header, now=now) == seconds


def test_user_agent_names_the_project() -> None:
    assert USER_AGENT.startswith("osswatch/")
    assert "(+https://github.com/osswatch/osswatch)" in USER_AGENT
