"""Version ordering and package naming per ecosystem: `get("PyPI").compare("1.0", "1.0.post1")`.

`semver_scheme()` is the order of the OSV `SEMVER` range type, whatever the ecosystem.
"""

from osswatch.ecosystems.base import UnknownEcosystem, VersionScheme
from osswatch.ecosystems.registry import get, supported
from osswatch.ecosystems.semver import semver_scheme

__all__ = ["UnknownEcosystem", "VersionScheme", "get", "supported", "semver_scheme"]
