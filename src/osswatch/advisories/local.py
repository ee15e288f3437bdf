"""Importing OSV records from disk: an `all.zip`, a folder of `.json`/`.yaml` files, or one file.

An archive is a whole ecosystem: its records replace those of that source (named by `--ecosystem`,
or by the archive's folder, as in the bucket layout `<ECOSYSTEM>/all.zip`). Loose files are added
(never removing anything) under the ecosystem of their first `affected[]` entry. Each import is one
transaction.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from osswatch.advisories.archive import open_archive
from osswatch.advisories.ingest import BadRecord, Ingest, SyncSummary, parse_record
from osswatch.advisories.osv_record import ecosystem_name, keys_of
from osswatch.advisories.store import AdvisoryStore, StoredRecord
from osswatch.ecosystems.identity import base_ecosystem, canonical_ecosystem
from osswatch.errors import InputError, ParseError
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_yaml

MAX_FILE = 64 * 1024**2
"""Largest loose OSV file read."""

_SUFFIXES = (".json", ".yaml", ".yml")
_LOOSE = "local"
"""The source of loose records that name no package."""


def import_path(
    store: AdvisoryStore,
    path: Path,
    *,
    ecosystem: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> SyncSummary:
    """Import an archive, a folder or a file of OSV records; InputError if `path` is none of them."""
    if path.is_file() and zipfile.is_zipfile(path):
        return _import_archive(store, path, ecosystem or _folder_ecosystem(path), on_progress)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file())
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{path}: no such file or folder")
    return _import_files(store, path, files, ecosystem, on_progress)


def _folder_ecosystem(path: Path) -> str:
    folder = path.resolve().parent.name
    return canonical_ecosystem(folder) or folder or _LOOSE


def _import_archive(
    store: AdvisoryStore, path: Path, source: str, on_progress: Callable[[int, int], None] | None
) -> SyncSummary:
    with open_archive(path, origin=str(path)) as archive, store.writing() as writer:
        ingest = Ingest(writer, source=source, total=len(archive.members), on_progress=on_progress)
        records = archive.records()
        ingest.add_all(
            parse_record(name, data, origin=f"{path}:{name}", source=source) for name, data in records
        )
        ingest.finish(removing_others=True)
        writer.record_sync(
            ecosystem=source,
            source_url=path.resolve().as_uri(),
            newest_modified=ingest.newest,
            skipped=ingest.skipped,
        )
    return ingest.summary(source, "import")


def _import_files(
    store: AdvisoryStore,
    root: Path,
    files: list[Path],
    ecosystem: str | None,
    on_progress: Callable[[int, int], None] | None,
) -> SyncSummary:
    sources: set[str] = set()
    with store.writing() as writer:
        ingest = Ingest(writer, source=ecosystem or _LOOSE, total=len(files), on_progress=on_progress)
        ingest.add_all(_labelled(_read(file), ecosystem, sources) for file in files)
        for source in sorted(sources):
            # No newest `modified`: loose files are not a whole ecosystem, so the next sync of it
            # must still fetch the archive.
            writer.record_sync(
                ecosystem=source,
                source_url=root.resolve().as_uri(),
                newest_modified=None,
                skipped=ingest.skipped,
            )
    return ingest.summary(ecosystem or ", ".join(sorted(sources)) or _LOOSE, "import")


def _read(file: Path) -> StoredRecord | BadRecord:
    try:
        data = file.read_bytes()[: MAX_FILE + 1]
    except OSError as e:
        return BadRecord(origin=str(file), reason=f"{file}: cannot read: {e.strerror}")
    if len(data) > MAX_FILE:
        return BadRecord(origin=str(file), reason=f"{file}: larger than {MAX_FILE} bytes")
    if file.suffix.lower() == ".json":
        return parse_record(file.name, data, origin=str(file))
    try:
        value = load_yaml(Document(path=str(file), data=data))
    except ParseError as e:
        return BadRecord(origin=str(file), reason=str(e))
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError as e:
        return BadRecord(origin=str(file), reason=f"{file}: {e}")
    return parse_record(file.name, text.encode(), origin=str(file))


def _labelled(
    record: StoredRecord | BadRecord, ecosystem: str | None, sources: set[str]
) -> StoredRecord | BadRecord:
    match record:
        case BadRecord():
            return record
        case StoredRecord(advisory=advisory):
            first = next(iter(keys_of(advisory).packages), None)
            source = ecosystem or (base_ecosystem(first.ecosystem) if first else _LOOSE)
            sources.add(ecosystem_name(source))
            return StoredRecord(advisory=advisory, raw=record.raw, source=ecosystem_name(source))


__all__ = ["MAX_FILE", "import_path"]
