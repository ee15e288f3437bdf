"""Safe loading of untrusted JSON, YAML, TOML and XML, with errors that name the file and line.

YAML: libyaml's C composer recurses and crashes the interpreter (SIGSEGV, seen here with 50,000
nested `[`) on deeply nested input, and aliases allow "billion laughs" expansion. Its event stream is
iterative and cheap, so `load_yaml` builds the objects from the events itself, refusing aliases and
nesting deeper than `MAX_DEPTH` as it goes; scalars are still typed by PyYAML's own resolver.
XML goes through `defusedxml`, which refuses entity declarations and external references.
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


class _YamlRefused(Exception):
    """A YAML document osswatch will not build (alias, nesting), with the 1-based line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


_SCALAR_RESOLVER = yaml.resolver.Resolver()
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"


def _yaml_scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar as SafeLoader would build it: PyYAML's own resolver and constructor decide."""
    tag = event.tag
    if tag is None or tag == "!":
        tag = _SCALAR_RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return event.value
    node = yaml.ScalarNode(tag, event.value, style=event.style)
    return _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)


def _line_of(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark else None


def _yaml_from_events(text: str) -> Any:
    """The document built straight from libyaml's event stream, iteratively.

    One pass instead of an event check followed by `yaml.load`: 0.17 s against 0.85 s for the
    Credo lockfile, and linear (PyYAML's composer plus the garbage collector grow faster than the
    input). Refuses aliases and nesting deeper than MAX_DEPTH. Merge keys (`<<`) need aliases in
    practice, so they are refused with them.
    """
    stack: list[tuple[dict[Any, Any] | list[Any], list[Any]]] = []
    root: Any = None
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        kind = type(event)
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if len(stack) >= MAX_DEPTH:
                raise _YamlRefused(f"YAML nested deeper than {MAX_DEPTH} levels", _line_of(event))
            stack.append(({} if kind is yaml.MappingStartEvent else [], []))
            continue
        if kind is yaml.AliasEvent:
            raise _YamlRefused("YAML aliases are not accepted in lockfiles", _line_of(event))
        if isinstance(event, yaml.ScalarEvent):
            value = _yaml_scalar(event)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        else:
            continue  # stream and document boundaries
        if not stack:
            root = value
            continue
        container, pending_key = stack[-1]
        if isinstance(container, list):
            container.append(value)
        elif pending_key:
            container[pending_key.pop()] = value
        else:
            pending_key.append(value)
    return root


def load_yaml(document: Document) -> Any:
    """The YAML value of the document (one document; no aliases; bounded nesting)."""
    text = document.text()
    try:
        return _yaml_from_events(text)
    except _YamlRefused as e:
        raise document.error(str(e), line=e.line) from e
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise document.error(f"invalid YAML: {e.problem or e.context}", line=line) from e
    except yaml.YAMLError as e:
        raise document.error(f"invalid YAML: {e}") from e
    except TypeError as e:  # a mapping or list used as a key
        raise document.error(f"unsupported YAML: {e}") from e


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
