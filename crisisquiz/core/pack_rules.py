"""Rules that relate a pack's fields and tables to each other.

Each rule returns ``(field, message)`` pairs so that the loader can place
every problem at once; nothing here raises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from crisisquiz.core.pack_limits import shorten
from crisisquiz.core.pack_schema import (
    Cloze,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    QuestionBase,
    ShortAnswer,
    SourceInfo,
    SourceKind,
    TimelineEntry,
    date_key,
)

Problem = tuple[str, str]


def _duplicates(values: Iterable[Any]) -> list[Any]:
    items: Sequence[Any] = values if isinstance(values, tuple | list) else list(values)
    # Nearly every list in a pack is free of repeats, and a set proves that several
    # times faster than counting: this runs a few times per question of every import.
    if len(set(items)) == len(items):
        return []
    return [value for value, count in Counter(items).items() if count > 1]


def question_problems(question: QuestionBase, media: Container[str]) -> list[Problem]:
    """Rules inside one question that its field types alone cannot express.

    ``media`` holds the names of the files the pack carries (only their names are asked).
    """
    problems: list[Problem] = []
    # The question's own class, compared by identity: isinstance on a pydantic model
    # goes through ABCMeta and cost more than the rules themselves (these run for every
    # question of every import; the question models are never subclassed).
    if type(question) is MultipleChoice or type(question) is MultiSelect:
        if len(question.choices) < 2:
            problems.append(("choices", "needs at least 2 choices"))
        for dup in _duplicates(question.choices):
            problems.append(("choices", f"choice {dup!r} is listed twice"))
        if type(question) is MultipleChoice:
            if question.answer not in question.choices:
                problems.append(("answer", f"{question.answer!r} is not one of the choices"))
        elif type(question) is MultiSelect:
            if not question.answers:
                problems.append(("answers", "needs at least one right choice"))
            for answer in question.answers:
                if answer not in question.choices:
                    problems.append(("answers", f"{answer!r} is not one of the choices"))
            for dup in _duplicates(question.answers):
                problems.append(("answers", f"{dup!r} is listed twice"))
    elif type(question) is Ordering:
        if len(question.items) < 3:
            problems.append(
                ("items", f"an ordering needs at least 3 items, has {len(question.items)}")
            )
        for dup in _duplicates(question.items):
            problems.append(("items", f"item {dup!r} is listed twice"))
    elif type(question) is Matching:
        if len(question.pairs) < 2:
            problems.append(
                ("pairs", f"matching needs at least 2 pairs, has {len(question.pairs)}")
            )
        for side, label in ((0, "left"), (1, "right")):
            for dup in _duplicates(pair[side] for pair in question.pairs):
                problems.append(("pairs", f"{label} item {dup!r} appears in two pairs"))
        rights = {right for _left, right in question.pairs}
        for extra in question.extra:
            if extra in rights:
                problems.append(("extra", f"{extra!r} is already the partner of a left item"))
        for dup in _duplicates(question.extra):
            problems.append(("extra", f"{dup!r} is listed twice"))
    elif type(question) is Cloze:
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
    elif type(question) is ShortAnswer:
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
            problems.append(("image", f"no file {shorten(question.image)} in the pack"))
        if not question.image_alt.strip():
            problems.append(("image_alt", "an image needs a text description for screen readers"))
    return problems


def reference_problems(
    raw: Mapping[str, Any], topic_ids: set[str], sources: Mapping[str, SourceKind | None]
) -> list[Problem]:
    """Check a raw question's topic, citations and quotation against the pack's tables.

    ``sources`` maps each declared source id to its kind (None when the source's own
    kind is unreadable, which is reported there): a document is cited by sentence
    (``essay:12``) or whole (``essay``), a reference only whole.
    """
    problems: list[Problem] = []
    topic = raw.get("topic")
    if isinstance(topic, str) and topic not in topic_ids:
        problems.append(("topic", f"topic {shorten(topic)} is not declared in [[topics]]"))
    cited = raw.get("sources")
    refs = [ref for ref in cited if isinstance(ref, str)] if isinstance(cited, list) else []
    for ref in refs:
        source_id, _, line = ref.partition(":")
        kind = sources.get(source_id)
        if source_id not in sources:
            problems.append(
                ("sources", f"source {shorten(source_id)} is not declared in [[sources]]")
            )
        elif kind is SourceKind.REFERENCE and line:
            problems.append(
                (
                    "sources",
                    f"{ref!r}: {source_id!r} is a reference, cited by its id alone "
                    f"(write {source_id!r}); only documents have numbered sentences",
                )
            )
    quote = raw.get("quote")
    quoted = quote.get("ref") if isinstance(quote, dict) else None
    if isinstance(quoted, str):
        source_id, _, line = quoted.partition(":")
        kind = sources.get(source_id)
        if source_id not in sources:
            problems.append(
                ("quote.ref", f"source {shorten(source_id)} is not declared in [[sources]]")
            )
        elif kind is SourceKind.REFERENCE:
            problems.append(
                (
                    "quote.ref",
                    f"{source_id!r} is a reference; a quotation comes from a sentence of a "
                    "document, written document-id:line",
                )
            )
        elif not line:
            problems.append(("quote.ref", f"{quoted!r} names no sentence: write {source_id}:LINE"))
        elif quoted not in refs:
            problems.append(
                (
                    "quote.ref",
                    f"the quoted sentence {quoted!r} must also be listed in the question's sources",
                )
            )
    return problems


def source_problems(source: SourceInfo) -> list[Problem]:
    """Rules inside one source: sentence notes only on documents, one note per sentence."""
    problems: list[Problem] = []
    if source.kind is SourceKind.REFERENCE and source.sentences:
        problems.append(
            (
                "sentences",
                "a reference is cited whole and has no numbered sentences; "
                'sentence notes belong to a document (kind = "document")',
            )
        )
    for dup in _duplicates(sentence.line for sentence in source.sentences):
        problems.append(("sentences", f"sentence {dup} is described twice"))
    return problems


def timeline_problems(entries: Sequence[TimelineEntry], topic_ids: set[str]) -> list[Problem]:
    """Each entry's topic is declared and the entries run in date order.

    Problems are ``(field, message)`` with the field as ``timeline[N].name``.
    """
    problems: list[Problem] = []
    for number, entry in enumerate(entries, 1):
        if entry.topic is not None and entry.topic not in topic_ids:
            problems.append(
                (
                    f"timeline[{number}].topic",
                    f"topic {entry.topic!r} is not declared in [[topics]]",
                )
            )
        if number > 1:
            before = entries[number - 2]
            if date_key(entry.date) < date_key(before.date):
                problems.append(
                    (
                        f"timeline[{number}].date",
                        f"{entry.date} comes after entry #{number - 1} ({before.date}) but is "
                        "earlier: list the timeline in date order",
                    )
                )
    return problems


def sentence_problems(
    question: QuestionBase, documents: Mapping[str, Sequence[str]]
) -> list[Problem]:
    """Each ``document:line`` the question cites names a sentence of the document's text.

    ``documents`` holds the lines of the documents whose text is in the pack; citations
    of the others cannot be checked here.
    """
    problems: list[Problem] = []
    cited = [("sources", ref) for ref in question.sources]
    if question.quote is not None:
        cited.append(("quote.ref", question.quote.ref))
    for field, ref in cited:
        source_id, _, number = ref.partition(":")
        lines = documents.get(source_id)
        if lines is None or not number:
            continue
        line = int(number)
        if line > len(lines):
            problems.append(
                (
                    field,
                    f"{ref!r}: the text of {source_id!r} has {len(lines)} sentences, "
                    f"so there is no sentence {line}",
                )
            )
        elif not lines[line - 1].strip():
            problems.append((field, f"{ref!r}: line {line} of {source_id!r} is empty"))
    return problems
