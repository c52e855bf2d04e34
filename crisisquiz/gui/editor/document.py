"""The draft being edited, its undo history, its live check and its autosave.

Every change goes through :meth:`DraftDocument.apply`, which takes a snapshot of the
draft before and after and pushes both as one command on a ``QUndoStack``: undo and
redo put a whole snapshot back, so every kind of change is undoable the same way.
Typing in one field merges into one command (one undo takes the whole word away, not a
letter). After each change the draft is checked with the import rules and saved to
its draft file, both a moment later so that typing stays smooth.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from crisisquiz.core.draft_check import DraftCheck, check_draft
from crisisquiz.core.draft_store import DraftStore, DraftStoreError
from crisisquiz.core.pack_draft import DraftState, PackDraft, changes_between

log = logging.getLogger(__name__)

# How long after the last change the draft is checked and saved.
CHECK_DELAY_MS = 250
SAVE_DELAY_MS = 700
_MERGING = 1  # QUndoCommand.id() of commands that may merge with the next one


class _Snapshot(QUndoCommand):
    """One change: the draft before and after it."""

    def __init__(
        self,
        document: DraftDocument,
        label: str,
        before: DraftState,
        after: DraftState,
        merge: str | None,
        *,
        new_step: bool,
    ) -> None:
        super().__init__(label)
        self._document = document
        self.before = before
        self.after = after
        self.merge = merge
        self.new_step = new_step
        self._done = True  # pushed after the change was made

    def redo(self) -> None:
        """Put the "after" snapshot back (the first call, at push, has nothing to do)."""
        if self._done:
            self._done = False
            self._document.changed_between(self.before, self.after)
            return
        self._document.restore(self.after, self.before)

    def undo(self) -> None:
        """Put the "before" snapshot back."""
        self._document.restore(self.before, self.after)

    def id(self) -> int:
        """Commands of typing into one field merge; others never do."""
        return _MERGING if self.merge is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Fold the next keystrokes of the same field into this command."""
        if not isinstance(other, _Snapshot) or other.new_step or other.merge != self.merge:
            return False
        self.after = other.after
        return True


class DraftDocument(QObject):
    """A draft with its undo stack, live check and autosave.

    ``changed`` carries a :class:`DraftChange` after every change, undo and redo;
    ``checked`` the newest :class:`DraftCheck`; ``saved`` the time of each autosave;
    ``save_failed`` a message when the draft could not be written.
    """

    changed = Signal(object)
    checked = Signal(object)
    saved = Signal(object)
    save_failed = Signal(str)

    def __init__(
        self,
        draft: PackDraft,
        store: DraftStore,
        clock: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.draft = draft
        self._store = store
        self._clock = clock
        self.undo_stack = QUndoStack(self)
        self.check: DraftCheck = check_draft(draft)
        self.saved_at: datetime | None = None
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_now)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        self._last_merge: str | None = None

    # -- changing ----------------------------------------------------------------------------

    def apply(
        self, label: str, change: Callable[[PackDraft], object], *, merge: str | None = None
    ) -> None:
        """Make ``change`` to the draft as one undoable step named ``label``.

        Changes with the same ``merge`` key in a row (typing in one field) become one step.
        """
        before = self.draft.state()
        change(self.draft)
        after = self.draft.state()
        if after == before:
            return
        # Typing on in the same field continues the step; anything else starts a new one.
        new_step = merge is None or merge != self._last_merge
        self._last_merge = merge
        self.undo_stack.push(_Snapshot(self, label, before, after, merge, new_step=new_step))

    def end_typing(self) -> None:
        """The next change starts a new undo step even in the same field (focus left it)."""
        self._last_merge = None

    def restore(self, state: DraftState, current: DraftState) -> None:
        """Put ``state`` back (undo or redo) and tell the views what changed."""
        self._last_merge = None
        self.draft.restore(state)
        self.changed_between(current, state)

    def changed_between(self, before: DraftState, after: DraftState) -> None:
        """Announce a change and schedule the check and the save."""
        self.changed.emit(changes_between(before, after))
        self._check_timer.start()
        self._save_timer.start()

    # -- checking and saving -----------------------------------------------------------------

    def check_now(self) -> DraftCheck:
        """Check the draft at once (also done a moment after every change)."""
        self._check_timer.stop()
        self.check = check_draft(self.draft)
        self.checked.emit(self.check)
        return self.check

    def save_now(self) -> bool:
        """Write the draft file at once (also done a moment after every change)."""
        self._save_timer.stop()
        now = self._clock()
        try:
            self._store.save(self.draft, now=now)
        except DraftStoreError as exc:
            log.warning("draft not saved: %s", exc)
            self.save_failed.emit(str(exc))
            return False
        self.saved_at = now
        self.saved.emit(now)
        return True

    @property
    def pending(self) -> bool:
        """Whether a change waits to be saved."""
        return self._save_timer.isActive()

    def discard(self) -> None:
        """Throw the draft file away (the pack was published, or the teacher said so)."""
        self._save_timer.stop()
        self._store.discard(self.draft.draft_id)
