"""CycloneDX XML, namespaces 1.2 to 1.6 (later 1.x read the same way), into the model of `cyclonedx.py`.

Spec: https://cyclonedx.org/docs/1.6/xml/ (namespace `http://cyclonedx.org/schema/bom/1.N`). The
document is parsed by `load_xml` (defusedxml: entity declarations and external references are
refused). ElementTree keeps no line numbers, so the bytes are read a second time with expat —
cheap, and safe since defusedxml accepted them — to record the line of each `component` start
tag; both walks are in document order, so the n-th start tag is the n-th element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element
from xml.parsers import expat

from osswatch.inventory.base import Document
from osswatch.inventory.cyclonedx import CdxBom, child_context, joined_names, scope_of
from osswatch.inventory.loaders import load_xml
from osswatch.inventory.sbom import Entry, hash_text, parse_timestamp
from osswatch.model import SbomMetadata

_NAMESPACE = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(1\.\d+)\}bom$")


def read_xml_bom(document: Document) -> CdxBom:
    """The BOM of a CycloneDX XML document."""
    return _XmlReader(document).bom()


class _XmlReader:
    """One CycloneDX XML document, read into a `CdxBom`."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.root = load_xml(document)
        found = _NAMESPACE.match(self.root.tag)
        if found is None:
            raise document.error(f"not a CycloneDX BOM: the root element is {self.root.tag!r}")
        self.version = found.group(1)
        self.ns = f"{{http://cyclonedx.org/schema/bom/{self.version}}}"
        self.lines = _component_lines(self.root, document, self.ns)

    def child(self, element: Element, name: str) -> Element | None:
        return element.find(self.ns + name)

    def text(self, element: Element | None, name: str) -> str | None:
        found = None if element is None else self.child(element, name)
        text = None if found is None or found.text is None else found.text.strip()
        return text or None

    def children(self, element: Element | None, container: str, name: str) -> list[Element]:
        holder = None if element is None else self.child(element, container)
        return [] if holder is None else holder.findall(self.ns + name)

    def bom(self) -> CdxBom:
        meta = self.child(self.root, "metadata")
        subject = self.child(meta, "component") if meta is not None else None
        subject_ref = subject.get("bom-ref") if subject is not None else None
        bom = CdxBom(metadata=self._metadata(meta, subject), subject_ref=subject_ref)
        bom.entries = [(self._entry(element, context), context) for element, context in self._walk(subject)]
        for dependency in self.children(self.root, "dependencies", "dependency"):
            ref = dependency.get("ref")
            if not ref:
                raise self.document.error("a 'dependency' has no 'ref'")
            targets = [t.get("ref") for t in dependency.findall(self.ns + "dependency")]
            bom.graph.setdefault(ref, []).extend(t for t in targets if t)
        return bom

    def _metadata(self, meta: Element | None, subject: Element | None) -> SbomMetadata:
        supplier = self.text(self.child(meta, "supplier") if meta is not None else None, "name")
        if supplier is None and subject is not None:
            supplier = self.text(self.child(subject, "supplier"), "name")
        authors = (self.text(author, "name") for author in self.children(meta, "authors", "author"))
        return SbomMetadata(
            timestamp=parse_timestamp(self.document, self.text(meta, "timestamp"), "metadata.timestamp"),
            authors=tuple(name for name in authors if name),
            supplier=supplier,
            subject=self.text(subject, "name"),
            spec=f"CycloneDX {self.version}",
        )

    def _walk(self, subject: Element | None) -> Iterator[tuple[Element, str]]:
        stack: list[tuple[Element, str, int]] = []
        tops = [(subject, "metadata.component")] if subject is not None else []
        for parent, context in [*tops, (self.root, "")][::-1]:
            children = self.children(parent, "components", "component")
            stack.extend((c, child_context(context, i, 1), 1) for i, c in reversed([*enumerate(children)]))
        while stack:
            element, context, depth = stack.pop()
            yield element, context
            children = self.children(element, "components", "component")
            stack.extend(
                (c, child_context(context, i, depth + 1), depth + 1)
                for i, c in reversed([*enumerate(children)])
            )

    def _entry(self, element: Element, context: str) -> Entry:
        hashes = tuple(
            hash_text(h.get("alg", ""), h.text or "") for h in self.children(element, "hashes", "hash")
        )
        authors = (self.text(a, "name") for a in self.children(element, "authors", "author"))
        line = self.lines.get(id(element))
        return Entry(
            name=self.text(element, "name"),
            version=self.text(element, "version"),
            purl=self.text(element, "purl"),
            line=line,
            ref=element.get("bom-ref"),
            scope=scope_of(self.document, self.text(element, "scope"), context, line),
            licenses=tuple(self._licenses(element)),
            supplier=self.text(self.child(element, "supplier"), "name"),
            author=self.text(element, "author") or joined_names(authors),
            hashes=hashes,
        )

    def _licenses(self, element: Element) -> Iterator[str]:
        holder = self.child(element, "licenses")
        for choice in [] if holder is None else list(holder):
            if choice.tag == self.ns + "expression":
                text = (choice.text or "").strip()
            else:
                text = self.text(choice, "id") or self.text(choice, "name") or ""
            if text:
                yield text


def _component_lines(root: Element, document: Document, ns: str) -> dict[int, int]:
    """The line of every `component` element, by `id()`, matched in document order with expat."""
    starts: list[int] = []
    parser = expat.ParserCreate(namespace_separator="}")
    wanted = ns[1:] + "component"

    def start(name: str, _attributes: object) -> None:
        if name == wanted:
            starts.append(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    try:
        parser.Parse(document.data, True)
    except expat.ExpatError:
        return {}  # defusedxml already accepted the document; without lines it is still readable.
    ordered: list[Element] = []
    stack = [root]
    while stack:
        element = stack.pop()
        if element.tag == ns + "component":
            ordered.append(element)
        stack.extend(reversed(list(element)))
    return {id(element): line for element, line in zip(ordered, starts, strict=False)}
