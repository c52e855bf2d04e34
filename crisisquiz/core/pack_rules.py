"""Rules that relate a pack's fields and tables to each other.

Each rule returns ``(field, message)`` pairs so that the loader can place
every problem at once; nothing here raises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crisisquiz.core.pack_schema import (
    Cloze,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    QuestionBase,
    ShortAnswer,
)

Problem = tuple[str, str]


def _duplicates(values: Iterable[Any]) -> list[Any]:
    items: Sequence[Any] = values if isinstance(values, tuple | list) else list(values)
    # Nearly every list in a pack is free of repeats, and a set proves that several
    # times faster than counting: this runs a few times per question of every import.
    if len(set(items)) == len(items):
        return []
    return [value for value, count in Counter(items).items() if count > 1]


def question_problems(question: QuestionBase, media: Mapping[str, bytes]) -> list[Problem]:
    """Rules inside one question that its field types alone cannot express."""
    problems: list[Problem] = []
    if isinstance(question, MultipleChoice | MultiSelect):
        if len(question.choices) < 2:
            problems.append(("choices", "needs at least 2 choices"))
        for dup in _duplicates(question.choices):
            problems.append(("choices", f"choice {dup!r} is listed twice"))
        if isinstance(question, MultipleChoice):
            if question.answer not in question.choices:
                problems.append(("answer", f"{question.answer!r} is not one of the choices"))
        else:
            if not question.answers:
                problems.append(("answers", "needs at least one right choice"))
            for answer in question.answers:
                if answer not in question.choices:
                    problems.append(("answers", f"{answer!r} is not one of the choices"))
            for dup in _duplicates(question.answers):
                problems.append(("answers", f"{dup!r} is listed twice"))
    elif isinstance(question, Ordering):
        if len(question.items) < 3:
            problems.append(
                ("items", f"an ordering needs at least 3 items, has {len(question.items)}")
            )
        for dup in _duplicates(question.items):
            problems.append(("items", f"item {dup!r} is listed twice"))
    elif isinstance(question, Matching):
        if len(question.pairs) < 2:
            problems.append(
                ("pairs", f"matching needs at least 2 pairs, has {len(question.pairs)}")
            )
        for side, label in ((0, "left"), (1, "right")):
            for dup in _duplicates(pair[side] for pair in question.pairs):
                problems.append(("pairs", f"{label} item {dup!r} appears in two pairs"))
    elif isinstance(question, Cloze):
        blanks = question.blanks
        if not blanks:
            problems.append(("text", "a cloze needs at least one {{answer}} blank"))
        if question.accept and len(question.accept) != len(blanks):
            problems.append(
                (
                    "accept",
                    f"has {len(question.accept)} lists for {len(blanks)} blanks; "
                    "give one per blank",
                )
            )
    elif isinstance(question, ShortAnswer):
        refused = set(question.reject)
        if question.answer in refused:
            problems.append(
                ("reject", f"the answer {question.answer!r} is also listed as rejected")
            )
        for alias in question.accept:
            if alias in refused:
                problems.append(("reject", f"{alias!r} is both accepted and rejected"))
    if question.image:
        if question.image not in media:
            problems.append(("image", f"no file {question.image!r} in the pack"))
        if not question.image_alt.strip():
            problems.append(("image_alt", "an image needs a text description for screen readers"))
    return problems


def reference_problems(
    raw: Mapping[str, Any], topic_ids: set[str], source_ids: set[str]
) -> list[Problem]:
    """Check a raw question's topic and source references against the pack's tables."""
    problems: list[Problem] = []
    topic = raw.get("topic")
    if isinstance(topic, str) and topic not in topic_ids:
        problems.append(("topic", f"topic {topic!r} is not declared in [[topics]]"))
    sources = raw.get("sources")
    if isinstance(sources, list):
        for ref in sources:
            if isinstance(ref, str):
                source_id = ref.split(":", 1)[0]
                if source_id not in source_ids:
                    problems.append(
                        ("sources", f"source {source_id!r} is not declared in [[sources]]")
                    )
    return problems
