"""Moodle GIFT: read a GIFT file into a pack, write a pack as GIFT.

How each GIFT question becomes a pack question:

- multiple choice (one ``=``) → ``multiple_choice``; several right answers, or
  positive ``%weights%``, → ``multi_select`` (positive weights are the right
  ones); partial credit on a wrong answer is dropped and reported;
- short answer → ``short_answer`` (100 % answers are the accepted forms,
  0 % answers the rejected near misses); a missing word (text after the
  braces) or a ``_____`` in the text → ``cloze``;
- true/false → ``true_false``; matching → ``matching`` (a right side with no
  left is an extra option); Moodle's ordering ``{>...}`` → ``ordering``;
- numerical → ``year`` for a whole year, else ``number`` with its tolerance
  (``{#1..5}`` becomes 3 ± 2);
- an essay with general feedback → a flashcard with that feedback as its back;
  essays without it and descriptions are skipped, saying so;
- ``$CATEGORY:`` → topics; ``[id:...]`` → ids (else the ``::title::``, else the
  text, make the id); ``[tag:...]`` → tags; general and per-answer feedback →
  the explanation; HTML and Markdown made plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from crisisquiz.core.grading import format_number
from crisisquiz.core.pack_schema import (
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Number,
    Ordering,
    Pack,
    Question,
    ShortAnswer,
    TrueFalse,
    Year,
)
from crisisquiz.interop.build import PackBuilder, ReadOptions, lost_fields, title_of
from crisisquiz.interop.gift_parser import GiftChoice, GiftItem, GiftNumber, Rich, parse_gift
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.text import html_images, html_to_text, looks_like_html, markdown_to_text

__all__ = ["convert_gift", "plain", "read_gift", "write_gift"]

FORMAT_NAME = "Moodle GIFT"
_GAP = "_____"
_YEAR_WORDS = re.compile(r"\b(year|when|date)\b", re.IGNORECASE)


def read_gift(path: Path, text: str, options: ReadOptions) -> Converted:
    """Read the GIFT ``text`` of ``path`` into a pack with its conversion report."""
    return convert_gift(parse_gift(text, str(path)), path, options)


def plain(value: Rich | None, notes: list[str]) -> str:
    """The text of ``value`` as plain text, noting in ``notes`` what had to change."""
    if value is None:
        return ""
    text = value.text
    if value.format == "html" or (value.format == "moodle" and looks_like_html(text)):
        images, sounds = html_images(text)
        for image in images:
            name = image.src.rsplit("/", 1)[-1] or image.src
            _add(notes, f"image {name!r} dropped: a GIFT file does not carry its pictures")
        for sound in sounds:
            _add(notes, f"sound or video {sound!r} dropped")
        flat = html_to_text(text)
        if flat != text.strip():
            _add(notes, "HTML removed")
        return flat
    if value.format == "markdown":
        flat = markdown_to_text(text)
        if flat != text.strip():
            _add(notes, "Markdown made plain")
        return flat
    return text.strip()


def _add(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _weight_text(weight: float) -> str:
    return f"{format_number(weight)} %"


def _feedback_lines(pairs: Iterable[tuple[str, Rich | None]], notes: list[str]) -> list[str]:
    lines = []
    for label, feedback in pairs:
        text = plain(feedback, notes)
        if text:
            lines.append(f"{label}: {text}" if label else text)
    return lines


def _explanation(item: GiftItem, lines: list[str], notes: list[str]) -> str:
    parts = [plain(item.global_feedback, notes)] if item.global_feedback else []
    parts += lines
    return "\n".join(part for part in parts if part)


def _category_title(path: str) -> str:
    parts = [p.strip() for p in path.split("/") if p.strip()]
    while parts and (parts[0].startswith("$") and parts[0].endswith("$")):
        parts = parts[1:]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return " / ".join(parts) or path.strip()


def convert_gift(items: list[GiftItem], path: Path, options: ReadOptions) -> Converted:
    """Turn parsed GIFT items into a pack and a report (see the module's notes)."""
    builder = PackBuilder(path, FORMAT_NAME, options)
    categories = {_category_title(item.category) for item in items if item.kind == "Category"}
    if len(categories) == 1:
        builder.title = categories.pop()  # one category names the whole file
    topic: str | None = None
    for item in items:
        if item.kind == "Category":
            title = _category_title(item.category)
            topic = builder.topic(title)
            builder.note(f"category {item.category!r} became the topic {title!r}")
            continue
        _convert_one(builder, item, topic)
    return builder.build()


def _convert_one(builder: PackBuilder, item: GiftItem, topic: str | None) -> None:
    where = f"line {item.line}"
    notes: list[str] = []
    stem = plain(item.stem, notes)
    label = item.title or stem
    if item.title and not item.id:
        notes.append(f"name {item.title!r} is not shown; it makes the question's id")
    elif item.title and item.title != item.id:
        notes.append(f"name {item.title!r} dropped: questions have no separate name")
    key = item.title or stem
    fields: dict[str, Any] | None
    if item.kind == "Description":
        builder.skip(where, label, "a description is text to read, with no question to answer")
        return
    if item.kind == "Essay":
        back = plain(item.global_feedback, notes)
        if not back:
            builder.skip(where, label, "an essay is marked by a teacher; there is nothing to grade")
            return
        notes.append("essay became a flashcard: the general feedback is its back")
        fields = {"type": "flashcard", "prompt": stem, "answer": back}
    elif item.kind == "TF":
        fields = _true_false(item, stem, notes)
    elif item.kind == "MC":
        fields = _multiple_choice(item, stem, notes)
    elif item.kind == "Short":
        fields = _short_answer(item, stem, notes)
    elif item.kind == "Numerical":
        fields = _numerical(item, stem, notes)
    elif item.kind == "Matching":
        fields = _matching(item, stem, notes)
    else:
        fields = _ordering(item, stem, notes)
    if fields is None:
        builder.skip(where, label, "; ".join(notes))
        return
    builder.add(
        where=where,
        title=label,
        fields=fields,
        notes=notes,
        own_id=item.id,
        key=key,
        id_text=item.title or stem,
        topic=topic,
        tags=item.tags or (),
        prefix="gift",
    )


def _tidy_gap(text: str) -> str:
    return re.sub(rf"{_GAP} ([.?!,;:])", rf"{_GAP}\1", text)


def _true_false(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any]:
    # Moodle shows the first feedback for a wrong answer and the second for a right one.
    lines = _feedback_lines(
        [("If answered wrongly", item.true_feedback), ("If answered rightly", item.false_feedback)],
        notes,
    )
    return {
        "type": "true_false",
        "statement": _tidy_gap(stem),
        "answer": bool(item.is_true),
        "explanation": _explanation(item, lines, notes),
    }


def _choice_text(choice: GiftChoice, notes: list[str]) -> str:
    text = choice.text
    return plain(text, notes) if isinstance(text, Rich) else text.source


def _multiple_choice(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any] | None:
    choices = [(_choice_text(c, notes), c) for c in item.choices]
    texts = [text for text, _c in choices]
    marked = [text for text, c in choices if c.correct and (c.weight is None or c.weight >= 100)]
    # With no answer marked =, Moodle's multiple-response questions give the right
    # choices positive weights that add up to 100 %.
    multi = not any(c.correct for _t, c in choices)
    right = [text for text, c in choices if (c.weight or 0) > 0] if multi else marked
    if not right:
        notes.append("no answer is marked right")
        return None
    for text, c in choices:
        if c.weight is None or c.weight == 100:
            continue
        weight = _weight_text(c.weight)
        if multi and c.weight > 0:
            notes.append(f"weight {weight} on {text!r} dropped: every right choice counts the same")
        elif c.weight > 0:
            notes.append(f"partial-credit answer {text!r} ({weight}) counted as wrong")
        else:
            notes.append(f"weight {weight} on {text!r} dropped: a wrong pick cancels a right one")
    lines = _feedback_lines([(f"“{text}”", c.feedback) for text, c in choices], notes)
    fields: dict[str, Any] = {
        "prompt": _tidy_gap(stem),
        "choices": texts,
        "explanation": _explanation(item, lines, notes),
    }
    if len(right) == 1:
        fields.update(type="multiple_choice", answer=right[0])
    else:
        if not multi:
            notes.append(
                "several answers are marked right (=): in Moodle any one of them is enough; "
                "here the learner picks all of them"
            )
        fields.update(type="multi_select", answers=right)
    return fields


def _short_answer(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any] | None:
    accepted: list[str] = []
    rejected: list[str] = []
    feedback: list[tuple[str, Rich | None]] = []
    for choice in item.choices:
        text = _choice_text(choice, notes)
        weight = 100.0 if choice.weight is None else choice.weight
        if text == "*":
            notes.append("the catch-all answer '*' was dropped; any other answer is wrong anyway")
        elif weight >= 100:
            accepted.append(text)
        elif weight <= 0:
            rejected.append(text)
            if choice.weight is not None:
                notes.append(f"answer {text!r} ({_weight_text(weight)}) kept as a wrong answer")
        else:
            notes.append(f"partial-credit answer {text!r} ({_weight_text(weight)}) dropped")
        feedback.append((f"“{text}”", choice.feedback))
    if not accepted:
        notes.append("no answer is fully right (100 %)")
        return None
    explanation = _explanation(item, _feedback_lines(feedback, notes), notes)
    if stem.count(_GAP) == 1:
        before, after = stem.split(_GAP)
        return {
            "type": "cloze",
            "text": f"{before}{{{{{accepted[0]}}}}}{after}",
            "accept": [accepted[1:]],
            "explanation": explanation,
        }
    fields: dict[str, Any] = {
        "type": "short_answer",
        "prompt": stem,
        "answer": accepted[0],
        "accept": accepted[1:],
        "explanation": explanation,
    }
    if rejected:
        fields["reject"] = rejected
    return fields


def _as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _answer_and_tolerance(number: GiftNumber) -> tuple[float, float]:
    if number.kind == "range":
        return float(number.number or 0), abs(float(number.range or 0))
    if number.kind == "high-low":
        low, high = Decimal(str(number.low)), Decimal(str(number.high))
        low, high = min(low, high), max(low, high)
        return float((low + high) / 2), float((high - low) / 2)
    return float(number.number or 0), 0.0


def _numerical(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any] | None:
    feedback: list[tuple[str, Rich | None]] = []
    chosen: GiftNumber | None = item.number
    if chosen is None:
        for choice in item.choices:
            if not isinstance(choice.text, GiftNumber):
                feedback.append(("Any other answer", choice.feedback))
                continue
            weight = 100.0 if choice.weight is None else choice.weight
            label = f"“{choice.text.source}”"
            feedback.append((label, choice.feedback))
            if choice.correct and weight >= 100 and chosen is None:
                chosen = choice.text
            elif choice.correct and weight >= 100:
                notes.append(f"another accepted answer {choice.text.source} dropped")
            elif weight > 0:
                notes.append(
                    f"partial-credit answer {choice.text.source} ({_weight_text(weight)}) dropped"
                )
            elif choice.weight is not None:
                notes.append(
                    f"answer {choice.text.source} ({_weight_text(weight)}) is wrong; "
                    "its feedback is in the explanation"
                )
    else:
        feedback = [("", c.feedback) for c in item.choices]
    if chosen is None:
        notes.append("no numerical answer is fully right (100 %)")
        return None
    answer, tolerance = _answer_and_tolerance(chosen)
    explanation = _explanation(item, _feedback_lines(feedback, notes), notes)
    prompt = _tidy_gap(stem)
    whole = answer.is_integer() and tolerance.is_integer()
    if whole and tolerance <= 100 and (1000 <= abs(answer) <= 2999 or _YEAR_WORDS.search(prompt)):
        fields: dict[str, Any] = {"type": "year", "answer": int(answer)}
        if tolerance:
            fields["tolerance"] = int(tolerance)
    else:
        fields = {"type": "number", "answer": _as_number(answer)}
        if tolerance:
            fields["tolerance"] = _as_number(tolerance)
    fields.update(prompt=prompt, explanation=explanation)
    return fields


def _matching(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any]:
    pairs: list[list[str]] = []
    extra: list[str] = []
    for pair in item.pairs:
        left = plain(pair.left, notes)
        if left:
            pairs.append([left, pair.right])
        else:
            extra.append(pair.right)
    fields: dict[str, Any] = {
        "type": "matching",
        "prompt": stem,
        "pairs": pairs,
        "explanation": _explanation(item, [], notes),
    }
    if extra:
        fields["extra"] = extra
    return fields


def _ordering(item: GiftItem, stem: str, notes: list[str]) -> dict[str, Any]:
    items = [plain(entry, notes) for entry in item.items]
    count = re.match(r"\d+", item.ordering_options)
    if count and 0 < int(count.group()) < len(items):
        notes.append(
            f"Moodle shows {count.group()} of the {len(items)} items at a time; "
            "here every item is ordered"
        )
    return {
        "type": "ordering",
        "prompt": stem,
        "items": items,
        "explanation": _explanation(item, [], notes),
    }


# -- writing --------------------------------------------------------------------------------

_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)


def _escape(text: str) -> str:
    return text.translate(_SPECIAL)


def _grade_for(count: int) -> str:
    # Moodle accepts only its own list of grades; 100/n is on it for n up to 10.
    return format_number(round(100 / count, 5))


def _feedback(question: Question) -> str:
    return f"\n\t####{_escape(question.explanation)}" if question.explanation else ""


def _gift_answers(question: Question, notes: list[str]) -> tuple[str, str, str] | None:
    """(stem, answers inside the braces, text after them); None when GIFT cannot hold it."""
    prompt = _escape(question.prompt)
    fb = _feedback(question)
    if isinstance(question, MultipleChoice):
        lines = [("=" if c == question.answer else "~") + _escape(c) for c in question.choices]
        return prompt, "\n\t" + "\n\t".join(lines) + fb + "\n", ""
    if isinstance(question, MultiSelect):
        right = _grade_for(len(question.answers))
        lines = [
            f"~%{right if c in question.answers else '-100'}%{_escape(c)}" for c in question.choices
        ]
        return prompt, "\n\t" + "\n\t".join(lines) + fb + "\n", ""
    if isinstance(question, TrueFalse):
        if question.prompt:
            notes.append(f"instruction {question.prompt!r} dropped: GIFT holds the statement only")
        return _escape(question.statement), ("TRUE" if question.answer else "FALSE") + fb, ""
    if isinstance(question, ShortAnswer):
        lines = [f"={_escape(a)}" for a in (question.answer, *question.accept)]
        lines += [f"=%0%{_escape(r)}" for r in question.reject]
        return prompt, "\n\t" + "\n\t".join(lines) + fb + "\n", ""
    if isinstance(question, Cloze):
        blanks = question.blanks
        if len(blanks) != 1:
            notes.append(
                f"a cloze with {len(blanks)} blanks: GIFT holds one blank per question "
                "(Moodle XML keeps it whole)"
            )
            return None
        before, after = re.split(r"\{\{.+?\}\}", question.text, maxsplit=1)
        accept = question.accept[0] if question.accept else ()
        answers = " ".join(f"={_escape(a)}" for a in (blanks[0], *accept))
        stem = _escape(before.rstrip())
        return stem, answers + fb, _escape(after)
    if isinstance(question, Ordering):
        listed = "\n".join(_escape(item) for item in question.items)
        return prompt, f">{len(question.items)} ALL\n{listed}{fb}\n", ""
    if isinstance(question, Matching):
        lines = [f"={_escape(left)} -> {_escape(right)}" for left, right in question.pairs]
        lines += [f"= -> {_escape(extra)}" for extra in question.extra]
        return prompt, "\n\t" + "\n\t".join(lines) + fb + "\n", ""
    if isinstance(question, Year):
        tol = f":{question.tolerance}" if question.tolerance else ""
        return prompt, f"#{question.answer}{tol}{fb}", ""
    if isinstance(question, Number):
        tol = f":{format_number(question.tolerance)}" if question.tolerance else ""
        return prompt, f"#{format_number(question.answer)}{tol}{fb}", ""
    if isinstance(question, Flashcard):
        notes.append("flashcard written as an essay with the back as general feedback")
        return prompt, f"####{_escape(question.answer)}", ""
    return None


def write_gift(pack: Pack, path: Path) -> ConversionReport:
    """Write ``pack`` as a GIFT file at ``path``; the report says what GIFT cannot hold."""
    titles = pack.topic_titles()
    out: list[str] = [f"// {pack.pack.title} (version {pack.pack.version})", ""]
    entries: list[ReportEntry] = []
    current_topic = None
    for question in pack.questions:
        notes: list[str] = []
        written = _gift_answers(question, notes)
        title = title_of(question.display_prompt)
        if written is None:
            entries.append(ReportEntry(question.id, title, Outcome.SKIPPED, notes=tuple(notes)))
            continue
        if question.image:
            notes.append(f"image {question.image!r} dropped: GIFT files carry no pictures")
        if question.topic != current_topic:
            current_topic = question.topic
            out += [f"$CATEGORY: $course$/top/{titles.get(question.topic, question.topic)}", ""]
        stem, answers, after = written
        out.append(f"// [id:{question.id}]")
        if question.tags:
            out.append("// " + " ".join(f"[tag:{tag}]" for tag in question.tags))
        out.append(f"::{_escape(question.id)}::{stem} {{{answers}}}{after}")
        out.append("")
        entries.append(
            ReportEntry(
                question.id,
                title,
                Outcome.CHANGED if notes else Outcome.CONVERTED,
                question.id,
                str(question.type),
                tuple(notes),
            )
        )
    path.write_text("\n".join(out), encoding="utf-8")
    return ConversionReport(path.name, FORMAT_NAME, tuple(entries), lost_fields(pack, "GIFT"))
