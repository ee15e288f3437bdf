"""Maven release history from a repository's `maven-metadata.xml` (`{base}/{group/path}/{artifact}/…`).

https://maven.apache.org/repositories/metadata.html — `versioning` lists every version, the
`release` marker and `lastUpdated` (yyyyMMddHHmmss, UTC), but no per-version dates: assess fills
those from deps.dev, which has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from osswatch.health.base import BadRegistryData, Fetch, Release, ReleaseHistory
from osswatch.model import Package


@dataclass(frozen=True, kw_only=True, slots=True)
class MavenSource:
    """A Maven 2 layout repository (Maven Central by default)."""

    base_url: str
    name: str = "maven"

    def url_for(self, name: str) -> str:
        """The metadata file of `group:artifact`."""
        group, _, artifact = name.partition(":")
        if not artifact:
            raise BadRegistryData(f"not a Maven 'group:artifact' name: {name!r}")
        return f"{self.base_url}/{group.replace('.', '/')}/{artifact}/maven-metadata.xml"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The versions of an artifact (without dates) and its release marker."""
        url = self.url_for(package.name)
        return parse_maven_metadata(package, await fetch(url), url)


def parse_maven_metadata(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from `maven-metadata.xml`; the newest version gets `lastUpdated` as its date."""
    try:
        root: Element = fromstring(body)
    except (DefusedXmlException, ParseError) as e:
        raise BadRegistryData(f"{url}: not valid maven-metadata.xml ({type(e).__name__})") from e
    versions = [v.text.strip() for v in root.iterfind("versioning/versions/version") if v.text]
    release = root.findtext("versioning/release")
    updated = _last_updated(root.findtext("versioning/lastUpdated"), url)
    newest = root.findtext("versioning/latest") or (versions[-1] if versions else None)
    return ReleaseHistory(
        package=package,
        source="maven",
        releases=tuple(Release(version=v, published=updated if v == newest else None) for v in versions),
        latest=release.strip() if release else None,
    )


def _last_updated(text: str | None, url: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError as e:
        raise BadRegistryData(f"{url}: 'lastUpdated' is not yyyyMMddHHmmss: {text!r}") from e


__all__ = ["MavenSource", "parse_maven_metadata"]
