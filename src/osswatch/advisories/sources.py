"""Reading an OSV mirror in the public bucket layout over `https://`, `http://` or `file://`.

Layout (https://google.github.io/osv.dev/data/#data-dumps): `<ECOSYSTEM>/all.zip`,
`<ECOSYSTEM>/modified_id.csv` and `<ECOSYSTEM>/<ID>.json`. Downloads stream to a file and are
checked against `Content-Length`, so a connection cut short is seen as truncated, not as data.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

import httpx

from osswatch.errors import SourceUnavailable

MAX_DOWNLOAD = 4 * 1024**3
"""Largest archive accepted (the biggest public ecosystem dump is far below)."""

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class TruncatedDownload(SourceUnavailable):
    """A download that ended before its announced length (worth one more try)."""


class Mirror:
    """An OSV mirror at a base URL; use it as a context manager to close its HTTP connections."""

    def __init__(self, base_url: str, *, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        scheme = urlsplit(self.base_url).scheme
        if scheme not in ("http", "https", "file"):
            raise SourceUnavailable(f"{base_url}: OSV source URLs must be https://, http:// or file://")
        self._root = Path(url2pathname(urlsplit(self.base_url).path)) if scheme == "file" else None
        self._client = (
            client
            if client is not None or self._root
            else httpx.Client(timeout=_TIMEOUT, follow_redirects=True, headers={"User-Agent": "osswatch"})
        )

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections, if any."""
        if self._client is not None:
            self._client.close()

    def url_of(self, ecosystem: str, name: str) -> str:
        """The URL of a file in an ecosystem's folder."""
        return f"{self.base_url}/{quote(ecosystem, safe=':')}/{quote(name, safe=':')}"

    def download(self, ecosystem: str, name: str, target: Path, *, limit: int = MAX_DOWNLOAD) -> None:
        """Copy a file of the mirror to `target`; SourceUnavailable if missing, cut short, or too big."""
        if self._root is not None:
            self._copy_local(self._root / ecosystem / name, target)
            return
        url = self.url_of(ecosystem, name)
        try:
            with self._http().stream("GET", url) as response:
                _check_status(response, url)
                expected = _content_length(response)
                size = _stream_to(response, target, limit, url)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout) as e:
            raise TruncatedDownload(f"{url}: download cut short: {e}") from e
        except httpx.HTTPError as e:
            raise SourceUnavailable(f"{url}: {e}") from e
        if expected is not None and size != expected:
            raise TruncatedDownload(f"{url}: truncated download ({size} of {expected} bytes)")

    def read(self, ecosystem: str, name: str, *, limit: int) -> bytes | None:
        """A small file of the mirror, or None when it does not exist."""
        if self._root is not None:
            path = self._root / ecosystem / name
            return path.read_bytes()[: limit + 1] if path.is_file() else None
        url = self.url_of(ecosystem, name)
        try:
            response = self._http().get(url)
        except httpx.HTTPError as e:
            raise SourceUnavailable(f"{url}: {e}") from e
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        _check_status(response, url)
        return response.content[: limit + 1]

    def _http(self) -> httpx.Client:
        assert self._client is not None
        return self._client

    @staticmethod
    def _copy_local(source: Path, target: Path) -> None:
        if not source.is_file():
            raise SourceUnavailable(f"{source}: no such file in the OSV mirror")
        shutil.copyfile(source, target)


def _check_status(response: httpx.Response, url: str) -> None:
    if response.status_code != httpx.codes.OK:
        raise SourceUnavailable(f"{url}: HTTP {response.status_code}")


def _content_length(response: httpx.Response) -> int | None:
    # A compressed transfer changes the length on the wire; only an identity body can be checked.
    if response.headers.get("Content-Encoding", "identity") != "identity":
        return None
    value = response.headers.get("Content-Length")
    return int(value) if value is not None and value.isdigit() else None


def _stream_to(response: httpx.Response, target: Path, limit: int, url: str) -> int:
    size = 0
    with target.open("wb") as out:
        for chunk in response.iter_bytes(1024 * 1024):
            size += len(chunk)
            if size > limit:
                raise SourceUnavailable(f"{url}: larger than {limit} bytes")
            out.write(chunk)
    return size


__all__ = ["MAX_DOWNLOAD", "Mirror", "TruncatedDownload"]
