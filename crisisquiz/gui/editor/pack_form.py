"""The pack's details, its topics and its timeline.

The id is made from the title while the pack is new and nobody has typed an id: a
teacher never has to invent one. Once a pack is installed its id is fixed, because
learners' progress is kept by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from crisisquiz.core.draft_check import DraftCheck, Section
from crisisquiz.core.pack_draft import DraftChange, OriginKind
from crisisquiz.core.slugs import slugify
from crisisquiz.gui.editor.document import DraftDocument
from crisisquiz.gui.editor.entries import EntryEditor
from crisisquiz.gui.editor.fields import (
    Field,
    ListEditor,
    PlainTextEdit,
    set_line_text,
    set_plain_text,
)
from crisisquiz.gui.widgets import heading, text_label


class PackDetails(QWidget):
    """Title, id, version, language, authors and description of the pack."""

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.fields: dict[str, Field] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addWidget(heading("The pack", 2))
        self._layout = layout
        self.title = self._line("title", "Title", "What learners see the pack called.")
        self.pack_id = self._line(
            "id",
            "Pack id",
            "Made from the title. Learners' progress is kept by it: it cannot change once "
            "the pack is published.",
        )
        self.version = self._line(
            "version",
            "Version",
            "Three numbers, such as 1.0.0. Publishing raises it for you.",
        )
        self.language = self._line(
            "language",
            "Language",
            "A language code: en for English, fr for French, es for Spanish.",
        )
        field = Field("Authors", "Optional: who wrote the pack.")
        self.fields["authors"] = field
        self.authors = ListEditor("author", add_text="Add an author")
        field.add_editor(self.authors)
        self.authors.edited.connect(
            lambda: self._set({"authors": self.authors.texts()}, "authors", "authors")
        )
        layout.addWidget(field)
        field = Field("Description", "Optional: what the pack covers, shown on the Packs screen.")
        self.fields["description"] = field
        self.description = PlainTextEdit(lines=3)
        field.add_editor(self.description)
        self.description.textChanged.connect(
            lambda: self._set(
                {"description": self.description.toPlainText()}, "description", "description"
            )
        )
        layout.addWidget(field)
        self.installed_note = text_label("", "small")
        layout.addWidget(self.installed_note)
        document.changed.connect(self._changed)
        document.checked.connect(self.show_problems)
        self.load()

    def _line(self, name: str, label: str, help_text: str) -> QLineEdit:
        field = Field(label, help_text)
        self.fields[name] = field
        edit = QLineEdit()
        field.add_editor(edit)
        edit.textEdited.connect(lambda text: self._edited(name, text))
        self._layout.addWidget(field)
        return edit

    def _edited(self, name: str, text: str) -> None:
        values: dict[str, Any] = {name: text}
        if name == "title" and self._id_follows_title():
            values["id"] = slugify(text, fallback="my-pack")
        self._set(values, name, name)

    def _id_follows_title(self) -> bool:
        draft = self.document.draft
        if draft.origin.kind is OriginKind.INSTALLED:
            return False
        current = str(draft.info.get("id", ""))
        title = str(draft.info.get("title", ""))
        return current in (slugify(title, fallback="my-pack"), "", "my-pack")

    def _set(self, values: Mapping[str, Any], what: str, merge: str | None) -> None:
        if all(self.document.draft.info.get(k) == v for k, v in values.items()):
            return
        self.document.apply(
            f"Edit the pack's {what}",
            lambda draft: draft.set_info(values),
            merge=f"pack:{merge}" if merge else None,
        )

    def load(self) -> None:
        """Show the pack's details as they are in the draft."""
        info = self.document.draft.info
        for name, edit in (
            ("title", self.title),
            ("id", self.pack_id),
            ("version", self.version),
            ("language", self.language),
        ):
            set_line_text(edit, str(info.get(name, "en" if name == "language" else "")))
        authors = info.get("authors", [])
        self.authors.set_rows(
            [[str(a)] for a in authors] if isinstance(authors, list | tuple) else []
        )
        self.description.blockSignals(True)
        set_plain_text(self.description, str(info.get("description", "")))
        self.description.blockSignals(False)
        origin = self.document.draft.origin
        installed = origin.kind is OriginKind.INSTALLED
        self.pack_id.setReadOnly(installed)
        if installed:
            note = (
                f"You are editing a copy of the installed pack (version {origin.version}). "
                "Learners keep studying the installed one until you publish."
            )
            if origin.builtin:
                note += (
                    " This pack comes with the app: a newer version of the app brings its own "
                    "version back over your changes."
                )
            self.installed_note.setText(note)
        self.installed_note.setVisible(installed)

    def _changed(self, change: DraftChange) -> None:
        if change.info:
            self.load()

    def show_problems(self, check: DraftCheck) -> None:
        """Show each problem of the pack's details next to its field."""
        by_name: dict[str, list[str]] = {}
        for problem in check.of_section(Section.PACK):
            by_name.setdefault(problem.base_field or "title", []).append(problem.message)
        for name, field in self.fields.items():
            field.show_problems(by_name.get(name, []))


class TopicsEditor(EntryEditor):
    """The pack's topics: title, description, study guide and id."""

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(
            document,
            "topics",
            item_name="topic",
            section=Section.TOPICS,
            add_text="Add a topic",
            parent=parent,
        )
        self.title_edit = self.line_field(
            "title", "Topic title", "Scores are shown per topic under this name."
        )
        self.text_field(
            "description",
            "Description",
            "Optional: one sentence on what the topic covers.",
            lines=2,
        )
        self.text_field(
            "guide",
            "Study guide",
            "Optional: a short text to read before studying the topic. Separate paragraphs "
            "with an empty line.",
            lines=5,
        )
        self.id_edit = self.line_field(
            "id",
            "Topic id",
            "Made from the title. Questions name their topic by it; changing it changes them too.",
        )
        self.refresh()

    def new_values(self) -> dict[str, Any]:
        """A topic called "New topic", its id free."""
        return self.document.draft.new_topic("New topic")

    def set_values(self, values: Mapping[str, Any], what: str, merge: str | None) -> None:
        """A new title also renames the id while the id still follows the title."""
        row = self.current()
        if "title" in values and 0 <= row < len(self.entries()):
            entry = self.entries()[row]
            old_title = str(entry.get("title", ""))
            if str(entry.get("id", "")) in (slugify(old_title, fallback="topic"), "new-topic"):
                taken = {t for i, t in enumerate(self.document.draft.topic_ids()) if i != row}
                wanted = slugify(str(values["title"]), fallback="topic")
                if wanted not in taken:
                    values = {**values, "id": wanted}
        super().set_values(values, what, merge)

    def add_entry(self) -> None:
        """Add a topic and put the keyboard in its title, selected for typing over."""
        super().add_entry()
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title_edit.selectAll()


class TimelineEditor(EntryEditor):
    """The pack's timeline: dated events, optionally each in a topic."""

    def __init__(self, document: DraftDocument, parent: QWidget | None = None) -> None:
        super().__init__(
            document,
            "timeline",
            item_name="timeline entry",
            section=Section.TIMELINE,
            add_text="Add an event",
            parent=parent,
        )
        self.line_field("date", "Date", "As precise as it is known: 1962, 1962-10 or 1962-10-14.")
        self.text_field("event", "What happened", "One sentence, in your own words.", lines=2)
        self.choice_field(
            "topic",
            "Topic (optional)",
            lambda: (
                [("No topic", None)]
                + [
                    (str(t.get("title") or t.get("id")), t.get("id"))
                    for t in self.document.draft.topics
                ]
            ),
        )
        self.refresh()

    def new_values(self) -> dict[str, Any]:
        """An event to be dated and written."""
        return {"date": "", "event": ""}

    def entry_name(self, entry: Mapping[str, Any]) -> str:
        """Date and event."""
        event = str(entry.get("event") or "(new event)")
        return f"{entry.get('date') or '????'}: {event}"
