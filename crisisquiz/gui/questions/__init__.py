"""Question views: one widget per question type, built from a core :class:`StudyItem`.

Each view emits ``answered`` with a :class:`GivenAnswer` whose response has the
shape :func:`crisisquiz.core.grading.grade` expects. ``questions.stage`` holds a
view and the feedback panel in a scrollable, centred column and times answers.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from crisisquiz.core.items import StudyItem
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.core.scheduling import Rating
from crisisquiz.gui.questions.base import GivenAnswer, QuestionView

if TYPE_CHECKING:
    from crisisquiz.gui.questions.arranging import MatchingView, OrderingView
    from crisisquiz.gui.questions.choices import (
        MultipleChoiceView,
        MultiSelectView,
        TrueFalseView,
    )
    from crisisquiz.gui.questions.flashcard import FlashcardView
    from crisisquiz.gui.questions.typed import ClozeView, NumberView, ShortAnswerView, YearView

__all__ = [
    "ClozeView",
    "FlashcardView",
    "GivenAnswer",
    "MatchingView",
    "MultiSelectView",
    "MultipleChoiceView",
    "NumberView",
    "OrderingView",
    "QuestionView",
    "ShortAnswerView",
    "TrueFalseView",
    "YearView",
    "create_question_view",
    "describe_response",
]

# Each question type's view and the module holding it. The modules are imported when a
# question of their type is first shown: the first question of a session needs one of
# them, and loading the others (the arranging views most) would only delay it.
_VIEWS: tuple[tuple[type, str, str], ...] = (
    (Flashcard, "flashcard", "FlashcardView"),
    (MultipleChoice, "choices", "MultipleChoiceView"),
    (MultiSelect, "choices", "MultiSelectView"),
    (TrueFalse, "choices", "TrueFalseView"),
    (ShortAnswer, "typed", "ShortAnswerView"),
    (Cloze, "typed", "ClozeView"),
    (Ordering, "arranging", "OrderingView"),
    (Matching, "arranging", "MatchingView"),
    (Year, "typed", "YearView"),
    (Number, "typed", "NumberView"),
)


def _view_class(module: str, name: str) -> type[QuestionView]:
    view: type[QuestionView] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return view


def __getattr__(name: str) -> type[QuestionView]:
    """The view classes named in ``__all__``, imported on first use."""
    for _question_type, module, view in _VIEWS:
        if view == name:
            return _view_class(module, view)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def create_question_view(item: StudyItem, parent: QWidget | None = None) -> QuestionView:
    """The view for ``item``'s question type."""
    for question_type, module, name in _VIEWS:
        if isinstance(item.question, question_type):
            return _view_class(module, name)(item, parent)
    raise TypeError(f"no view for question type {item.question.type!r}")


def describe_response(question: Question, given: GivenAnswer | None) -> str:
    """The learner's answer in words, for the review of a quiz; may hold several lines."""
    if given is None:
        return "Not answered"
    if given.dont_know:
        return "Don't know"
    response = given.response
    if isinstance(question, Flashcard) and isinstance(response, Rating):
        return f"Rated {response.name}"
    if isinstance(response, bool):
        return "True" if response else "False"
    if isinstance(question, MultiSelect) and isinstance(response, frozenset):
        picked = [choice for choice in question.choices if choice in response]
        return "; ".join(picked) or "Nothing ticked"
    if isinstance(question, Cloze) and isinstance(response, tuple):
        return "; ".join(text.strip() or "(empty)" for text in response)
    # Orderings and matchings read best one place or pair per line.
    if isinstance(question, Ordering) and isinstance(response, tuple):
        return "\n".join(f"{place}. {item}" for place, item in enumerate(response, 1))
    if isinstance(question, Matching) and isinstance(response, Mapping):
        return "\n".join(
            f"{left} → {response.get(left, '(none)')}" for left, _right in question.pairs
        )
    return str(response)
