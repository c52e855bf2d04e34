"""Aiken: Moodle's plain-text multiple choice format.

Each question is its text, then one option per line (``A.`` or ``A)``), then
``ANSWER: X``. Questions may be separated by blank lines. Aiken holds multiple
choice only; true/false questions are written as two options.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from crisisquiz.core.pack_loader import PackError, PackIssue
from crisisquiz.core.pack_schema import MultipleChoice, Pack, TrueFalse
from crisisquiz.interop.build import PackBuilder, ReadOptions, title_of
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry

__all__ = ["read_aiken", "write_aiken"]

FORMAT_NAME = "Aiken"
_OPTION: Final = re.compile(r"^\s*([A-Za-z])[.)]\s+(.*\S)\s*$")
_ANSWER: Final = re.compile(r"^\s*ANSWER\s*:\s*(\S*)\s*$", re.IGNORECASE)
_LETTERS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def read_aiken(path: Path, text: str, options: ReadOptions) -> Converted:
    """Read an Aiken file; every malformed question is reported with its line."""
    builder = PackBuilder(path, FORMAT_NAME, options)
    issues: list[PackIssue] = []
    stem: list[str] = []
    stem_line = 0
    opts: list[tuple[str, str]] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            letter = answer.group(1).upper()
            known = [key for key, _text in opts]
            if not stem:
                issues.append(
                    PackIssue(str(path), "ANSWER: comes before any question", line=number)
                )
            elif len(opts) < 2:
                issues.append(
                    PackIssue(
                        str(path),
                        f"the question starting at line {stem_line} needs at least two options "
                        "(A. ..., B. ...) before its ANSWER:",
                        line=number,
                    )
                )
            elif letter not in known:
                column = raw.upper().index("ANSWER") + 1
                issues.append(
                    PackIssue(
                        str(path),
                        f"ANSWER: {answer.group(1) or '(nothing)'} names no option; "
                        f"the options are {', '.join(known)}",
                        line=number,
                        column=column,
                    )
                )
            else:
                prompt = " ".join(stem)
                choices = [text_ for _key, text_ in opts]
                right = dict(opts)[letter]
                builder.add(
                    where=f"line {stem_line}",
                    title=prompt,
                    fields={
                        "type": "multiple_choice",
                        "prompt": prompt,
                        "choices": choices,
                        "answer": right,
                    },
                    key=prompt,
                    prefix="aiken",
                )
            stem, opts = [], []
        elif option and stem:
            opts.append((option.group(1).upper(), option.group(2)))
        elif opts:
            issues.append(
                PackIssue(
                    str(path),
                    f"the question starting at line {stem_line} has no ANSWER: line after its "
                    "options",
                    line=number,
                )
            )
            stem, opts = [line], []
            stem_line = number
        else:
            if not stem:
                stem_line = number
            stem.append(line)
    if stem:
        issues.append(
            PackIssue(
                str(path),
                f"the question starting at line {stem_line} ends without an ANSWER: line",
                line=stem_line,
            )
        )
    if issues:
        raise PackError(issues)
    return builder.build()


def write_aiken(pack: Pack, path: Path) -> ConversionReport:
    """Write the multiple-choice and true/false questions of ``pack`` as Aiken."""
    out: list[str] = []
    entries: list[ReportEntry] = []
    for question in pack.questions:
        title = title_of(question.display_prompt)
        notes: list[str] = []
        if isinstance(question, MultipleChoice):
            choices, right = list(question.choices), question.answer
            prompt = question.prompt
        elif isinstance(question, TrueFalse):
            choices, right = ["True", "False"], "True" if question.answer else "False"
            prompt = question.display_prompt
            notes.append("true/false written as two options, True and False")
        else:
            kind = question.type.value.replace("_", " ")
            entries.append(
                ReportEntry(
                    question.id,
                    title,
                    Outcome.SKIPPED,
                    notes=(f"Aiken holds multiple choice only, not {kind}",),
                )
            )
            continue
        if len(choices) > len(_LETTERS):
            entries.append(
                ReportEntry(question.id, title, Outcome.SKIPPED, notes=("more than 26 choices",))
            )
            continue
        if question.explanation:
            notes.append("explanation dropped: Aiken has no feedback")
        if question.image:
            notes.append("image dropped: Aiken is text only")
        out.append(" ".join(prompt.split()))
        for letter, choice in zip(_LETTERS, choices, strict=False):
            out.append(f"{letter}. {' '.join(choice.split())}")
        out.append(f"ANSWER: {_LETTERS[choices.index(right)]}")
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
    return ConversionReport(path.name, FORMAT_NAME, tuple(entries))
