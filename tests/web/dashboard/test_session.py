"""Sign-in, sign-out, the cookie's flags, redirects of signed-out pages, CSRF and Origin checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from osswatch.monitor.portfolio import Portfolio
from osswatch.web.dashboard.session import COOKIE, SESSION_SECONDS, csrf_token, local_path, login_url
from tests.web.conftest import Keys
from tests.web.dashboard.conftest import signed_in

PAGES = ["/", "/trends", "/projects/1", "/search?q=py", "/vulnerabilities/PYSEC-2022-42969"]


@pytest.mark.parametrize("path", PAGES, ids=PAGES)
def test_signed_out_pages_redirect_to_login(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == login_url(path)


def test_login_page_is_public_and_accessible(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert '<label for="key">API key</label>' in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_login_sets_a_strict_httponly_cookie(client: TestClient, keys: Keys) -> None:
    response = client.post("/login", data={"key": keys.viewer, "next": "/trends"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/trends"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={keys.viewer};")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/", f"max-age={SESSION_SECONDS}"} <= flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back


def test_cookie_is_secure_over_https(database_url: str, keys: Keys) -> None:
    from osswatch.web.app import create_app

    with TestClient(create_app(database_url), base_url="https://dash.example") as secure:
        response = secure.post("/login", data={"key": keys.viewer}, follow_redirects=False)
    assert "secure" in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


@pytest.mark.parametrize("key", ["", "nonsense", "osw_abc_def"], ids=["empty", "malformed", "unknown"])
def test_bad_key_is_refused_without_cookie(client: TestClient, keys: Keys, key: str) -> None:
    response = client.post("/login", data={"key": key}, follow_redirects=False)
    assert response.status_code in {401, 422}
    assert "set-cookie" not in response.headers


def test_signed_in_pages_load(client: TestClient, keys: Keys) -> None:
    signed_in(client, keys.viewer)
    for path in ["/", "/trends", "/search?q=numpy"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "vera" in response.text


def test_revoked_key_ends_the_session(client: TestClient, keys: Keys, database_url: str) -> None:
    signed_in(client, keys.viewer)
    assert client.get("/", follow_redirects=False).status_code == 200
    portfolio = Portfolio.open(database_url)
    try:
        key = portfolio.authenticate(keys.viewer)
        assert key is not None
        portfolio.revoke_key(key.team_id, key.id, now=datetime.now(UTC))
    finally:
        portfolio.close()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_logout_needs_the_csrf_token(client: TestClient, keys: Keys) -> None:
    signed_in(client, keys.viewer)
    refused = client.post("/logout", data={"csrf": "0" * 64}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200
    done = client.post("/logout", data={"csrf": csrf_token(keys.viewer)}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/login"
    assert f'{COOKIE}=""' in done.headers["set-cookie"]
    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cross_origin_login_is_refused(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/login",
        data={"key": keys.viewer},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_same_origin_login_is_accepted(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/login", data={"key": keys.viewer}, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_csrf_tokens_differ_per_key(keys: Keys) -> None:
    assert csrf_token(keys.viewer) != csrf_token(keys.editor)
    assert csrf_token(keys.viewer) == csrf_token(keys.viewer)
    assert keys.viewer not in csrf_token(keys.viewer)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/trends", "/trends"),
        ("/projects/3?fixed=true", "/projects/3?fixed=true"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("trends", "/"),
        (None, "/"),
    ],
    ids=["path", "query", "protocol-relative", "absolute", "backslash", "relative", "none"],
)
def test_local_path_blocks_open_redirects(candidate: str | None, expected: str) -> None:
    assert local_path(candidate) == expected


def test_login_never_redirects_off_site(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/login", data={"key": keys.viewer, "next": "//evil.example/"}, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_api_still_needs_a_key_not_the_cookie(client: TestClient, keys: Keys) -> None:
    signed_in(client, keys.editor)
    assert client.get("/api/v1/projects").status_code == 401
