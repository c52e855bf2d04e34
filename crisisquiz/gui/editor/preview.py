"""The question as a learner sees it: the study screen's own view, answerable, with its feedback.

The preview builds the same study item the study screen shows (choices shuffled as
for a learner) and grades the answer with the same grader; nothing is stored. A
question with problems cannot be shown: the preview says what to fix first.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from crisisquiz.core.citations import Citation, Quotation
from crisisquiz.core.draft_check import DraftCheck
from crisisquiz.core.grading import grade
from crisisquiz.core.items import ItemKind, StudyItem, presented_options
from crisisquiz.core.pack_draft import PackDraft
from crisisquiz.core.pack_loader import check_question
from crisisquiz.core.pack_schema import SourceKind
from crisisquiz.core.recording import QuestionRef
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.questions.stage import QuestionStage, Submission
from crisisquiz.gui.widgets import heading, push_button, text_label


def preview_item(document: DraftDocument, key: int, rng: random.Random) -> StudyItem | None:
    """The study item for a question of the draft, or None while it has problems."""
    draft = document.draft
    try:
        data = draft.question(key).data
    except KeyError:
        return None
    question, problems = check_question(dict(data), draft.files)
    if question is None or problems:
        return None
    titles = {str(t.get("id")): str(t.get("title") or t.get("id")) for t in draft.topics}
    guides = {str(t.get("id")) for t in draft.topics if str(t.get("guide") or "").strip()}
    citations = tuple(draft_citation(draft, ref) for ref in question.sources)
    quote = question.quote
    return StudyItem(
        ref=QuestionRef(
            0, str(draft.info.get("id", "")), question.topic, str(draft.info.get("version", ""))
        ),
        question=question,
        topic_title=titles.get(question.topic, question.topic),
        kind=ItemKind.NEW,
        options=presented_options(question, rng),
        citations=citations,
        quote=None if quote is None else Quotation(quote.text, draft_citation(draft, quote.ref)),
        has_guide=question.topic in guides,
        image=draft.files.get(question.image) if question.image else None,
    )


def draft_citation(draft: PackDraft, ref: str) -> Citation:
    """A citation as learners see it after answering, from the draft's sources and notes."""
    source_id, _, number = ref.partition(":")
    source = next((s for s in draft.sources if s.get("id") == source_id), None)
    if source is None:
        return Citation(source_id, source_id=source_id)
    kind = source.get("kind", SourceKind.DOCUMENT.value)
    whole = Citation(
        str(source.get("title") or source_id),
        kind=SourceKind(kind) if kind in set(SourceKind) else SourceKind.DOCUMENT,
        author=str(source.get("author") or ""),
        publisher=str(source.get("publisher") or ""),
        date=str(source["date"]) if source.get("date") else None,
        source_id=source_id,
    )
    if not number.isdigit():
        return whole
    line = int(number)
    notes = source.get("sentences") or ()
    note = next((n for n in notes if isinstance(n, Mapping) and n.get("line") == line), {})
    return replace(
        whole, line=line, claim=str(note.get("claim") or ""), error=str(note.get("error") or "")
    )


class PreviewPane(QWidget):
    """Shows the selected question as a learner would meet it; answering shows the feedback.

    ``answered`` carries the grade of each answer given in the preview.
    """

    answered = Signal(object)

    def __init__(
        self,
        document: DraftDocument,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        # Choices are shuffled as for a learner; pictures of the editor pass a seeded one.
        self._rng = rng or random.Random()
        self.key: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.title = heading("Preview", 2)
        top.addWidget(self.title, 1)
        self.again_button = push_button(
            "Show it again", description="Start the question again, shuffled anew"
        )
        self.again_button.clicked.connect(self.refresh)
        top.addWidget(self.again_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        self.note = text_label(
            "As a learner sees it. Answer it to see the feedback; nothing is recorded.", "small"
        )
        layout.addWidget(self.note)
        self.blocked = text_label("", "error")
        self.blocked.setAccessibleDescription("Why there is no preview")
        self.blocked.hide()
        layout.addWidget(self.blocked)
        self.stage = QuestionStage(clock)
        self.stage.submitted.connect(self._graded)
        self.stage.next_requested.connect(self.refresh)
        layout.addWidget(self.stage, 1)
        document.checked.connect(self._checked)

    def show_question(self, key: int | None) -> None:
        """Preview the question with ``key``."""
        self.key = key
        if self.isVisible():  # else it is drawn when the Preview tab is shown
            self.refresh()

    def refresh(self) -> None:
        """Show the question afresh (after an edit, or to answer it again)."""
        if self.key is None:
            self.stage.clear()
            self._block("Choose a question to preview it.")
            return
        item = preview_item(self.document, self.key, self._rng)
        if item is None:
            self.stage.clear()
            position = self.document.draft.position(self.key) + 1
            self._block(
                f"Question {position} has problems to fix before it can be shown; they are "
                "marked in its form."
            )
            return
        self.blocked.hide()
        self.stage.show()
        # The study screen's view takes the keyboard; here it may only when it has it
        # already ("Show it again"): a teacher going down the list keeps the list.
        keep = QApplication.focusWidget()
        self.stage.show_item(item)
        if keep is not None and keep is not self and not self.isAncestorOf(keep):
            keep.setFocus(Qt.FocusReason.OtherFocusReason)

    def _block(self, message: str) -> None:
        self.blocked.setText(f"⚠ {message}")
        self.blocked.show()
        self.stage.hide()

    def _graded(self, submission: Submission) -> None:
        result = grade(submission.item.question, submission.given.response)
        self.stage.show_feedback(
            result, dont_know=submission.given.dont_know, next_text="Show it again"
        )
        self.answered.emit(result)

    def _checked(self, _check: DraftCheck) -> None:
        # An edit may have made the question valid (or broken it); show what it is now,
        # unless a learner's answer is on show.
        if self.isVisible() and self.stage.panel.isHidden():
            self.refresh()

    def focus_answer(self) -> None:
        """Put the keyboard in the question's answer."""
        self.stage.focus_current()


__all__: list[Any] = ["PreviewPane", "preview_item"]
