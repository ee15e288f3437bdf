"""osswatch: what open source a project ships, what is vulnerable or unmaintained, does it meet our rules."""

__version__ = "0.1.0"
