"""Version ordering and package naming per ecosystem: `get("PyPI").compare("1.0", "1.0.post1")`."""

from osswatch.ecosystems.base import UnknownEcosystem, VersionScheme
from osswatch.ecosystems.registry import get, supported

__all__ = ["UnknownEcosystem", "VersionScheme", "get", "supported"]
