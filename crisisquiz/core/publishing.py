"""Publish a draft: check it, give it a version above the installed one, import it in place.

Importing goes through the pack service like any pack file, so a published draft
updates the installed pack in place: every learner's history is kept, questions left
out are retired with theirs. Learners see nothing of a draft until it is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crisisquiz.core.pack_draft import PackDraft
from crisisquiz.core.pack_loader import parse_pack_data
from crisisquiz.core.pack_schema import Pack
from crisisquiz.core.pack_versions import (
    PackChanges,
    next_versions,
    pack_changes,
    suggested_version,
)
from crisisquiz.core.packs import ImportResult, PackService, UnknownPackError


@dataclass(frozen=True)
class PublishPlan:
    """What publishing a draft would do, and the versions it may take."""

    pack_id: str
    title: str
    installed: str | None  # the installed version, None for a new pack
    builtin: bool
    changes: PackChanges | None  # against the installed pack
    suggested: str
    options: tuple[str, ...]  # the versions to choose from, the suggested one among them


def draft_pack(draft: PackDraft, version: str | None = None) -> Pack:
    """The draft as a valid pack (at ``version`` when given); raises ``PackError``."""
    tables = draft.tables()
    if version is not None:
        tables["pack"]["version"] = version
    return parse_pack_data(tables, name=draft.title or "draft", media=draft.files)


def plan_publish(draft: PackDraft, packs: PackService) -> PublishPlan:
    """How the draft would be published; raises ``PackError`` while it has problems."""
    pack = draft_pack(draft)
    installed = packs.installed_version(pack.pack.id)
    if installed is None:
        return PublishPlan(
            pack.pack.id,
            pack.pack.title,
            None,
            False,
            None,
            pack.pack.version,
            (pack.pack.version,),
        )
    try:
        current = packs.get_pack(pack.pack.id)
    except UnknownPackError:  # removed meanwhile: publish as new
        return PublishPlan(
            pack.pack.id,
            pack.pack.title,
            None,
            False,
            None,
            pack.pack.version,
            (pack.pack.version,),
        )
    changes = pack_changes(current, pack)
    builtin = any(p.builtin for p in packs.list_packs() if p.id == pack.pack.id)
    return PublishPlan(
        pack_id=pack.pack.id,
        title=pack.pack.title,
        installed=installed,
        builtin=builtin,
        changes=changes,
        suggested=suggested_version(installed, changes),
        options=next_versions(installed),
    )


def publish(draft: PackDraft, version: str, packs: PackService, *, now: datetime) -> ImportResult:
    """Import the draft as ``version``: installs it, or updates the installed pack in place."""
    return packs.import_pack(draft_pack(draft, version), now=now)
