"""Drafts kept on disk while a pack is written, so that a crash or a closed window loses nothing.

Each draft is a folder under the data folder's ``drafts/``: ``draft.json`` holds the
pack's tables and where it started, and every file of the pack (a picture, a
document's text) is stored once under ``files/`` by the SHA-256 of its content.
Every write goes to a temporary file that is flushed to disk and then renamed over
the old one, so a draft on disk is always whole: the last complete save, never half
of one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crisisquiz.core.atomic_files import write_whole
from crisisquiz.core.pack_draft import DraftOrigin, OriginKind, PackDraft

DRAFTS_FOLDER = "drafts"
_FORMAT = 1
_DRAFT_FILE = "draft.json"


class DraftStoreError(Exception):
    """A draft could not be read or written; the message says which and why."""


@dataclass(frozen=True)
class DraftSummary:
    """A stored draft as listed to the teacher."""

    draft_id: str
    title: str
    saved_at: datetime
    questions: int
    origin: DraftOrigin


def new_draft_id() -> str:
    """A fresh id for a draft."""
    return uuid.uuid4().hex


class DraftStore:
    """The drafts in one folder (normally ``<data folder>/drafts``)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    @property
    def folder(self) -> Path:
        """Where the drafts are kept."""
        return self._folder

    def save(self, draft: PackDraft, *, now: datetime) -> None:
        """Write ``draft`` whole, replacing its last save."""
        home = self._folder / _safe(draft.draft_id)
        files = home / "files"
        try:
            files.mkdir(parents=True, exist_ok=True)
            names: dict[str, str] = {}
            for path, data in draft.files.items():
                digest = hashlib.sha256(data).hexdigest()
                names[path] = digest
                if not (files / digest).exists():
                    write_whole(files / digest, data)
            record = {
                "format": _FORMAT,
                "draft_id": draft.draft_id,
                "saved_at": now.isoformat(),
                "origin": asdict(draft.origin),
                "tables": draft.tables(),
                "files": names,
            }
            text = json.dumps(record, ensure_ascii=False, indent=1)
            write_whole(home / _DRAFT_FILE, text.encode("utf-8"))
            # Files no longer in the draft (a picture replaced) go once the draft is safe.
            for stale in files.iterdir():
                if stale.name not in names.values():
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            raise DraftStoreError(
                f"the draft could not be saved in {home} ({exc.strerror or exc})"
            ) from exc

    def load(self, draft_id: str) -> PackDraft:
        """The draft saved under ``draft_id``."""
        home = self._folder / _safe(draft_id)
        try:
            record = json.loads((home / _DRAFT_FILE).read_text(encoding="utf-8"))
            files = {
                path: (home / "files" / digest).read_bytes()
                for path, digest in record.get("files", {}).items()
            }
        except (OSError, ValueError) as exc:
            raise DraftStoreError(f"the draft in {home} could not be read ({exc})") from exc
        return PackDraft.from_tables(
            record["draft_id"], record["tables"], files, _origin(record.get("origin", {}))
        )

    def summaries(self) -> list[DraftSummary]:
        """Every readable draft, the most recently saved first."""
        found: list[DraftSummary] = []
        for record in self._records():
            tables = record.get("tables", {})
            info = tables.get("pack", {}) if isinstance(tables, dict) else {}
            title = str(info.get("title") or info.get("id") or "Untitled pack")
            try:
                saved = datetime.fromisoformat(str(record["saved_at"]))
            except (KeyError, ValueError):
                continue
            found.append(
                DraftSummary(
                    draft_id=str(record.get("draft_id", "")),
                    title=title,
                    saved_at=saved,
                    questions=len(tables.get("questions", [])) if isinstance(tables, dict) else 0,
                    origin=_origin(record.get("origin", {})),
                )
            )
        return sorted(found, key=lambda d: d.saved_at, reverse=True)

    def discard(self, draft_id: str) -> None:
        """Delete a draft (after it was published, or when the teacher throws it away)."""
        shutil.rmtree(self._folder / _safe(draft_id), ignore_errors=True)

    def _records(self) -> Iterator[dict[str, Any]]:
        if not self._folder.is_dir():
            return
        for home in self._folder.iterdir():
            try:
                record = json.loads((home / _DRAFT_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a folder without a whole draft: nothing to offer
            if isinstance(record, dict) and record.get("format") == _FORMAT:
                yield record


def _origin(values: Any) -> DraftOrigin:
    if not isinstance(values, dict):
        return DraftOrigin()
    kind = values.get("kind", OriginKind.NEW.value)
    return DraftOrigin(
        kind=OriginKind(kind) if kind in set(OriginKind) else OriginKind.NEW,
        pack_id=str(values.get("pack_id", "")),
        version=str(values.get("version", "")),
        path=str(values.get("path", "")),
        builtin=bool(values.get("builtin", False)),
    )


def _safe(draft_id: str) -> str:
    # Draft ids are ours (hex), but a folder name from a file is never trusted.
    return "".join(ch for ch in draft_id if ch.isalnum() or ch in "-_") or "draft"
