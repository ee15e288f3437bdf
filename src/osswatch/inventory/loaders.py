"""Safe loading of untrusted JSON, YAML, TOML and XML, with errors that name the file and line.

YAML: libyaml's C composer recurses and crashes the interpreter (SIGSEGV, seen here with 50,000
nested `[`) on deeply nested input, and aliases allow "billion laughs" expansion. Its event stream is
iterative and cheap (65 ms for the 19k-line Credo `pnpm-lock.yaml`, against 360 ms for the full
load), so `load_yaml` first walks the events, refusing aliases and nesting deeper than
`MAX_DEPTH`, and only then builds the objects. XML goes through `defusedxml`, which refuses entity
declarations and external references.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlParseError

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from osswatch.inventory.base import Document

MAX_DEPTH = 256
"""Deepest nesting accepted in YAML documents; no real lockfile comes near it."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_json(document: Document) -> Any:
    """The JSON value of the document."""
    text = document.text()
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise document.error(f"invalid JSON: {e.msg} (column {e.colno})", line=e.lineno) from e
    except RecursionError as e:
        raise document.error("invalid JSON: nested too deeply") from e


def load_toml(document: Document) -> dict[str, Any]:
    """The TOML table of the document."""
    text = document.text()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # Python 3.11–3.13 put the position only in the message: "… (at line 3, column 11)".
        position = _TOML_POSITION.search(str(e))
        line = int(position.group(1)) if position else None
        if position is None and "at end of document" in str(e):
            line = text.count("\n") + 1
        message = _TOML_POSITION.sub("", str(e)).strip()
        raise document.error(f"invalid TOML: {message}", line=line) from e
    except RecursionError as e:
        raise document.error("invalid TOML: nested too deeply") from e


def _check_yaml_events(document: Document, text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise document.error(f"YAML nested deeper than {MAX_DEPTH} levels", line=line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else None
            raise document.error("YAML aliases are not accepted in lockfiles", line=line)


def load_yaml(document: Document) -> Any:
    """The YAML value of the document (one document; no aliases; bounded nesting)."""
    text = document.text()
    try:
        _check_yaml_events(document, text)
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise document.error(f"invalid YAML: {e.problem or e.context}", line=line) from e
    except yaml.YAMLError as e:
        raise document.error(f"invalid YAML: {e}") from e


def load_xml(document: Document) -> Element:
    """The root element, parsed with entity declarations and external references refused."""
    try:
        root: Element = defused_fromstring(document.data)
    except DefusedXmlException as e:
        raise document.error(f"refused unsafe XML: {type(e).__name__}") from e
    except XmlParseError as e:
        line, _column = e.position
        raise document.error(f"invalid XML: {e}", line=line) from e
    except LookupError as e:  # an XML declaration naming an unknown encoding
        raise document.error(f"invalid XML: {e}", line=1) from e
    return root
