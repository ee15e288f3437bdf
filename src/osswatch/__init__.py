"""osswatch: what open source is in a project, which of it is vulnerable or unmaintained, and does it meet our rules."""

__version__ = "0.1.0"
