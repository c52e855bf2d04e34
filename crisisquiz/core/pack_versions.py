"""What changed between two versions of a pack, and which version number comes next.

Progress is kept per pack id and question id, and an installed pack is only ever
replaced by a higher version; a changed pack under the same number would leave
learners with two different packs called by one name. These helpers say what changed
and suggest the next number: the patch for corrections, the minor for questions added
or removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisquiz.core.pack_schema import Pack


@dataclass(frozen=True)
class PackChanges:
    """How a new pack differs from an old one with the same id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    reordered: bool = False
    details: tuple[str, ...] = ()  # "title", "topics", "sources", "pictures"...

    @property
    def any(self) -> bool:
        """Whether anything differs."""
        return bool(self.added or self.removed or self.changed or self.reordered or self.details)

    @property
    def suggests_minor(self) -> bool:
        """Questions came or went: more than a correction."""
        return bool(self.added or self.removed)

    def describe(self) -> str:
        """The changes in a few words, e.g. "2 questions changed, 1 added"."""
        parts: list[str] = []
        if self.changed:
            parts.append(_count(len(self.changed), "question") + " changed")
        if self.added:
            parts.append(_count(len(self.added), "question") + " added")
        if self.removed:
            parts.append(_count(len(self.removed), "question") + " removed")
        if self.reordered:
            parts.append("questions in a new order")
        parts += [f"{what} changed" for what in self.details]
        return ", ".join(parts) if parts else "no changes"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def pack_changes(old: Pack, new: Pack) -> PackChanges:
    """What ``new`` changes in ``old`` (the version number itself is not counted)."""
    old_questions = {q.id: q for q in old.questions}
    new_questions = {q.id: q for q in new.questions}
    added = tuple(qid for qid in new_questions if qid not in old_questions)
    removed = tuple(qid for qid in old_questions if qid not in new_questions)
    changed = tuple(
        qid for qid, q in new_questions.items() if qid in old_questions and old_questions[qid] != q
    )
    kept_old = [qid for qid in old_questions if qid in new_questions]
    kept_new = [qid for qid in new_questions if qid in old_questions]
    details: list[str] = []
    old_info = old.pack.model_copy(update={"version": new.pack.version})
    if old_info != new.pack:
        details.append("pack details")
    if old.topics != new.topics:
        details.append("topics")
    # Sources are stored without an order of their own.
    if sorted(old.sources, key=lambda s: s.id) != sorted(new.sources, key=lambda s: s.id):
        details.append("sources")
    if old.media != new.media:
        details.append("pictures")
    return PackChanges(
        added=added,
        removed=removed,
        changed=changed,
        reordered=kept_old != kept_new,
        details=tuple(details),
    )


def next_versions(version: str) -> tuple[str, str, str]:
    """The next patch, minor and major versions after ``version`` (MAJOR.MINOR.PATCH)."""
    # Versions a pack may carry have at most 9 digits a part, so these convert safely.
    major, minor, patch = (int(part) for part in version.split("."))
    return (
        f"{major}.{minor}.{patch + 1}",
        f"{major}.{minor + 1}.0",
        f"{major + 1}.0.0",
    )


def suggested_version(version: str, changes: PackChanges) -> str:
    """The version to publish ``changes`` under, after ``version``."""
    patch, minor, _major = next_versions(version)
    return minor if changes.suggests_minor else patch
