"""Moodle XML: read a question bank export into a pack, write a pack as Moodle XML.

Read through defusedxml: a file declaring entities or a DTD is refused, so
no entity expansion and no external entity is ever followed. Problems are
placed by element path, e.g. ``/quiz/question[3]/answer[2]``.

Types: categories → topics; multichoice (one or several right answers),
truefalse, shortanswer, numerical (``year`` for whole years, else
``number``), matching (a subquestion with no text is an extra option),
ordering, and multianswer (embedded cloze: every SHORTANSWER, NUMERICAL and
MULTICHOICE gap becomes a blank); essays with general feedback become
flashcards. ``<idnumber>`` gives the id (else the name), ``<tags>`` the tags,
``<generalfeedback>`` and per-answer feedback the explanation. Pictures sent
with a question (base64 ``<file>``) become pack media with the ``<img>``'s alt
text; sound and video are reported and skipped.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from crisisquiz.core.grading import format_number
from crisisquiz.core.pack_loader import PackError, PackIssue
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
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.text import html_images, html_to_text, looks_like_html, markdown_to_text

__all__ = ["read_moodle_xml", "write_moodle_xml"]

FORMAT_NAME = "Moodle XML"
_IMAGE_TYPES: Final = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})
_DEFAULT_COMBINED: Final = frozenset(
    {
        "",
        "Your answer is correct.",
        "Your answer is partially correct.",
        "Your answer is incorrect.",
    }
)
_FORMULAS: Final = "calculated questions compute their numbers from formulas, which packs cannot"
_UNSUPPORTED: Final = {
    "description": "a description is text to read, with no question to answer",
    "calculated": _FORMULAS,
    "calculatedsimple": _FORMULAS,
    "calculatedmulti": _FORMULAS,
    "randomsamatch": "a random matching draws its questions from the bank at quiz time",
    "random": "a random question draws from the bank at quiz time",
    "ddwtos": "drag-and-drop into text is not a kind of question crisisquiz has",
    "ddimageortext": "drag-and-drop onto an image is not a kind of question crisisquiz has",
    "ddmarker": "drag-and-drop markers are not a kind of question crisisquiz has",
    "gapselect": "select-missing-words is not a kind of question crisisquiz has",
}
_YEAR_WORDS: Final = re.compile(r"\b(year|when|date)\b", re.IGNORECASE)
# {1:SHORTANSWER:=Paris#Good~%50%Lyon} : weight, type, answers
_CLOZE_GAP: Final = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}\\])*)\}")


class _Reader:
    def __init__(self, builder: PackBuilder, path: Path) -> None:
        self.builder = builder
        self.path = path

    # -- helpers ---------------------------------------------------------------------------

    def text_of(self, element: Element | None, notes: list[str], *, images: bool = False) -> str:
        """The plain text of a ``<... format=...><text>`` element."""
        if element is None:
            return ""
        raw = element.findtext("text") or ""
        fmt = element.get("format", "html")
        if fmt == "markdown":
            flat = markdown_to_text(raw)
            if flat != raw.strip():
                _add(notes, "Markdown made plain")
            return flat
        if fmt == "html" or (fmt == "moodle_auto_format" and looks_like_html(raw)):
            flat = html_to_text(raw)
            if flat != raw.strip() and re.search(r"<(?!/?p>)[a-zA-Z/]", raw):
                _add(notes, "HTML removed")
            if not images:
                for image in html_images(raw)[0]:
                    _add(notes, f"picture {_file_name(image.src)!r} in feedback or answers dropped")
            return flat
        return raw.strip()

    def picture(self, element: Element | None, notes: list[str]) -> tuple[str, str]:
        """(media path, alt text) of the first picture the question text shows, if any."""
        if element is None:
            return "", ""
        files = {f.get("name", ""): f for f in element.findall("file")}
        images, sounds = html_images(element.findtext("text") or "")
        for sound in sounds:
            _add(notes, f"sound or video {_file_name(sound)!r} skipped: packs hold pictures only")
        chosen = ("", "")
        for image in images:
            name = _file_name(image.src)
            data_el = files.get(name)
            if data_el is None:
                _add(notes, f"picture {name!r} dropped: the file does not carry it")
                continue
            if Path(name).suffix.lower() not in _IMAGE_TYPES:
                _add(notes, f"file {name!r} skipped: not a picture")
                continue
            if chosen[0]:
                _add(notes, f"picture {name!r} dropped: a question shows one picture")
                continue
            try:
                data = base64.b64decode(data_el.text or "", validate=False)
            except (binascii.Error, ValueError):
                _add(notes, f"picture {name!r} dropped: its data is damaged")
                continue
            alt = image.alt
            if not alt:
                alt = f"Picture: {Path(name).stem.replace('_', ' ')}"
                _add(
                    notes, f"picture {name!r} has no alt text; {alt!r} was used, write a better one"
                )
            chosen = (self.builder.add_media(name, data), alt)
        for name in files:
            if Path(name).suffix.lower() not in _IMAGE_TYPES:
                _add(notes, f"file {name!r} skipped: packs hold pictures only")
        return chosen

    def answers(self, question: Element, notes: list[str]) -> list[tuple[float, str, str]]:
        """(fraction, text, feedback) of each ``<answer>``."""
        out = []
        for answer in question.findall("answer"):
            try:
                fraction = float(answer.get("fraction", "0"))
            except ValueError:
                fraction = 0.0
            text = self.text_of(answer, notes)
            feedback = self.text_of(answer.find("feedback"), notes)
            out.append((fraction, text, feedback))
        return out


def _add(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _file_name(src: str) -> str:
    return src.replace("@@PLUGINFILE@@/", "").rsplit("/", 1)[-1].split("?", 1)[0]


def _category_title(path: str) -> str:
    parts = [p.strip() for p in path.split("/") if p.strip()]
    while parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[1:]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return " / ".join(parts) or path.strip()


def _pct(fraction: float) -> str:
    return f"{format_number(round(fraction, 5))} %"


def _explain(general: str, lines: Iterable[str]) -> str:
    return "\n".join(part for part in (general, *lines) if part)


def read_moodle_xml(path: Path, text: str, options: ReadOptions) -> Converted:
    """Read a Moodle XML question export into a pack and its report."""
    try:
        root = fromstring(text.lstrip("\ufeff"))
    except DefusedXmlException as exc:
        raise PackError(
            [
                PackIssue(
                    str(path),
                    f"the file declares XML entities or a DTD ({type(exc).__name__}); "
                    "such files are refused for safety",
                )
            ]
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise PackError(
            [PackIssue(str(path), f"not well-formed XML: {exc.msg}", line=line, column=column + 1)]
        ) from None
    if root.tag != "quiz":
        raise PackError(
            [
                PackIssue(
                    str(path),
                    f"/{root.tag}: a Moodle XML file starts with <quiz>, not <{root.tag}>",
                )
            ]
        )
    builder = PackBuilder(path, FORMAT_NAME, options)
    categories = {
        _category_title(text)
        for q in root.findall("question")
        if q.get("type") == "category" and (text := (q.findtext("category/text") or "").strip())
    }
    if len(categories) == 1:
        builder.title = categories.pop()  # one category names the whole file
    reader = _Reader(builder, path)
    topic: str | None = None
    for index, question in enumerate(root.findall("question"), 1):
        where = f"/quiz/question[{index}]"
        kind = question.get("type", "")
        if kind == "category":
            cat_path = (question.findtext("category/text") or "").strip()
            if not cat_path:
                continue
            notes: list[str] = []
            description = reader.text_of(question.find("info"), notes)
            title = _category_title(cat_path)
            topic = builder.topic(title, description)
            builder.note(f"category {cat_path!r} became the topic {title!r}")
            continue
        _read_question(reader, question, kind, where, topic)
    return builder.build()


def _read_question(
    reader: _Reader, question: Element, kind: str, where: str, topic: str | None
) -> None:
    builder = reader.builder
    notes: list[str] = []
    name = (question.findtext("name/text") or "").strip()
    idnumber = (question.findtext("idnumber") or "").strip()
    text_el = question.find("questiontext")
    prompt = reader.text_of(text_el, notes, images=True)
    label = name or prompt
    if not kind:
        builder.skip(where, label, "the <question> element has no type attribute")
        return
    if kind in _UNSUPPORTED or kind not in _TYPES:
        reason = _UNSUPPORTED.get(kind, f"{kind!r} questions are not a kind crisisquiz has")
        builder.skip(where, label, reason)
        return
    general = reader.text_of(question.find("generalfeedback"), notes)
    for combined in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        said = reader.text_of(question.find(combined), notes)
        if said not in _DEFAULT_COMBINED:
            _add(notes, f"{combined} {said[:40]!r} dropped: the explanation holds the feedback")
    hints = [h.findtext("text") or "" for h in question.findall("hint")]
    if any(h.strip() for h in hints):
        _add(notes, f"{sum(1 for h in hints if h.strip())} hints dropped")
    fields = _TYPES[kind](reader, question, prompt, general, notes)
    if fields is None:
        builder.skip(where, label, "; ".join(notes) or "it holds no answer crisisquiz can grade")
        return
    image, alt = reader.picture(text_el, notes)
    if image:
        fields.update(image=image, image_alt=alt)
    tags = [t.findtext("text") or "" for t in question.findall("tags/tag")]
    builder.add(
        where=where,
        title=label,
        fields=fields,
        notes=notes,
        own_id=idnumber or None,
        key=name or prompt,
        topic=topic,
        tags=[t for t in tags if t.strip()],
        prefix="moodle",
        id_text=name or None,
    )


def _multichoice(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    answers = reader.answers(question, notes)
    single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
    texts = [text for _f, text, _fb in answers]
    if single:
        right = [text for fraction, text, _fb in answers if fraction >= 100]
        for fraction, text, _fb in answers:
            if 0 < fraction < 100:
                notes.append(f"partial-credit answer {text!r} ({_pct(fraction)}) counted as wrong")
        if len(right) > 1:
            notes.append(
                "several answers are worth 100 %: in Moodle any one is enough; here the learner "
                "picks all of them"
            )
    else:
        right = [text for fraction, text, _fb in answers if fraction > 0]
        weights = {round(f, 3) for f, _t, _fb in answers if f > 0}
        if len(weights) > 1:
            notes.append(
                "unequal weights of the right choices dropped: every right choice counts the same"
            )
    if not right:
        notes.append("no answer is marked right")
        return None
    lines = [f"“{text}”: {fb}" for _f, text, fb in answers if fb]
    fields: dict[str, Any] = {
        "prompt": prompt,
        "choices": texts,
        "explanation": _explain(general, lines),
    }
    if len(right) == 1:
        fields.update(type="multiple_choice", answer=right[0])
    else:
        fields.update(type="multi_select", answers=right)
    return fields


def _truefalse(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    answers = reader.answers(question, notes)
    truth = next((text.lower() == "true" for f, text, _fb in answers if f >= 100), None)
    if truth is None:
        notes.append("neither true nor false is marked right")
        return None
    lines = [f"If answered {text.lower()}: {fb}" for _f, text, fb in answers if fb]
    return {
        "type": "true_false",
        "statement": prompt,
        "answer": truth,
        "explanation": _explain(general, lines),
    }


def _shortanswer(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    answers = reader.answers(question, notes)
    if (question.findtext("usecase") or "0").strip() == "1":
        notes.append("case-sensitive matching dropped: crisisquiz ignores capitals")
    accepted, rejected = [], []
    for fraction, text, _fb in answers:
        if "*" in text:
            notes.append(f"wildcard answer {text!r} dropped")
        elif fraction >= 100:
            accepted.append(text)
        elif fraction <= 0:
            rejected.append(text)
        else:
            notes.append(f"partial-credit answer {text!r} ({_pct(fraction)}) dropped")
    if not accepted:
        notes.append("no answer is worth 100 %")
        return None
    lines = [f"“{text}”: {fb}" for _f, text, fb in answers if fb]
    fields: dict[str, Any] = {
        "type": "short_answer",
        "prompt": prompt,
        "answer": accepted[0],
        "accept": accepted[1:],
        "explanation": _explain(general, lines),
    }
    if rejected:
        fields["reject"] = rejected
    return fields


def _number_fields(prompt: str, answer: float, tolerance: float) -> dict[str, Any]:
    whole = answer.is_integer() and tolerance.is_integer()
    if whole and tolerance <= 100 and (1000 <= abs(answer) <= 2999 or _YEAR_WORDS.search(prompt)):
        fields: dict[str, Any] = {"type": "year", "answer": int(answer)}
        if tolerance:
            fields["tolerance"] = int(tolerance)
        return fields
    value = int(answer) if answer.is_integer() else answer
    fields = {"type": "number", "answer": value}
    if tolerance:
        fields["tolerance"] = int(tolerance) if tolerance.is_integer() else tolerance
    return fields


def _numerical(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    chosen: tuple[float, float] | None = None
    lines = []
    for answer in question.findall("answer"):
        fraction = float(answer.get("fraction", "0") or 0)
        text = (answer.findtext("text") or "").strip()
        feedback = reader.text_of(answer.find("feedback"), notes)
        if feedback:
            lines.append(f"“{text}”: {feedback}")
        try:
            value = float(text)
            tolerance = abs(float(answer.findtext("tolerance") or 0))
        except ValueError:
            if text != "*":
                notes.append(f"answer {text!r} is not a number and was dropped")
            continue
        if fraction >= 100 and chosen is None:
            chosen = (value, tolerance)
        elif fraction >= 100:
            notes.append(f"another accepted answer {text} dropped")
        elif fraction > 0:
            notes.append(f"partial-credit answer {text} ({_pct(fraction)}) dropped")
    units = [u.findtext("unit_name") or "" for u in question.findall("units/unit")]
    if any(units):
        notes.append(f"units ({', '.join(u for u in units if u)}) dropped: type the number alone")
    if chosen is None:
        notes.append("no numerical answer is worth 100 %")
        return None
    fields = _number_fields(prompt, *chosen)
    fields.update(prompt=prompt, explanation=_explain(general, lines))
    return fields


def _matching(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    pairs, extra = [], []
    for sub in question.findall("subquestion"):
        left = reader.text_of(sub, notes)
        right = (sub.findtext("answer/text") or "").strip()
        if left:
            pairs.append([left, right])
        elif right:
            extra.append(right)
    fields: dict[str, Any] = {
        "type": "matching",
        "prompt": prompt,
        "pairs": pairs,
        "explanation": general,
    }
    if extra:
        fields["extra"] = extra
    return fields


def _ordering(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    answers = reader.answers(question, notes)
    items = [text for _f, text, _fb in sorted(answers, key=lambda a: a[0])]
    count = (question.findtext("selectcount") or "0").strip()
    if count.isdigit() and 0 < int(count) < len(items):
        notes.append(
            f"Moodle shows {count} of the {len(items)} items at a time; here every item is ordered"
        )
    return {"type": "ordering", "prompt": prompt, "items": items, "explanation": general}


def _unescape_cloze(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _cloze_parts(spec: str) -> list[tuple[float, str, str]]:
    """(weight, answer, feedback) of each answer in an embedded gap."""
    out = []
    for raw in re.split(r"(?<!\\)~", spec):
        raw = raw.strip()
        if not raw:
            continue
        weight = 0.0
        if raw.startswith("="):
            weight, raw = 100.0, raw[1:]
        elif raw.startswith("%"):
            found = re.match(r"%(-?\d+(?:\.\d+)?)%", raw)
            if found:
                weight, raw = float(found.group(1)), raw[found.end() :]
        pieces = re.split(r"(?<!\\)#", raw, maxsplit=1)
        answer, feedback = pieces[0], pieces[1] if len(pieces) > 1 else ""
        out.append((weight, _unescape_cloze(answer.strip()), _unescape_cloze(feedback.strip())))
    return out


def _multianswer(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    raw = question.findtext("questiontext/text") or ""
    accept: list[list[str]] = []
    problems: list[str] = []

    def blank(found: re.Match[str]) -> str:
        kind = found.group(2).upper()
        number = len(accept) + 1
        parts = _cloze_parts(found.group(3))
        right = [answer for weight, answer, _fb in parts if weight >= 100]
        if kind in (
            "MULTIRESPONSE",
            "MR",
            "MRS",
            "MULTIRESPONSE_H",
            "MULTIRESPONSE_S",
            "MRH",
            "MRHS",
        ):
            problems.append(f"gap {number} wants several choices ticked, which a blank cannot hold")
        elif not right:
            problems.append(f"gap {number} has no answer worth 100 %")
        if kind.startswith(("MULTICHOICE", "MC")):
            notes.append(f"gap {number} offered choices; here the learner types the answer")
        if kind in ("SHORTANSWER_C", "SAC"):
            notes.append(f"case-sensitive matching of gap {number} dropped")
        for weight, answer, _fb in parts:
            if 0 < weight < 100:
                notes.append(
                    f"partial-credit answer {answer!r} ({_pct(weight)}) of gap {number} dropped"
                )
        if kind.startswith(("NUMERICAL", "NM")) and right:
            value = right[0].split(":", 1)[0]
            if ":" in right[0] and right[0].split(":", 1)[1].strip() not in ("", "0"):
                notes.append(f"tolerance of gap {number} dropped: the blank takes {value} exactly")
            right = [value] + [r.split(":", 1)[0] for r in right[1:]]
        accept.append(right[1:] if right else [])
        key = right[0] if right else "?"
        return "{{" + key.replace("}", ")") + "}}"

    text = _CLOZE_GAP.sub(blank, raw)
    if problems:
        notes.extend(problems)
        return None
    flat = html_to_text(text) if looks_like_html(text) else text.strip()
    if flat != text.strip():
        _add(notes, "HTML removed")
    fields: dict[str, Any] = {"type": "cloze", "text": flat, "explanation": general}
    if any(accept):
        fields["accept"] = accept
    return fields


def _essay(
    reader: _Reader, question: Element, prompt: str, general: str, notes: list[str]
) -> dict[str, Any] | None:
    back = general or reader.text_of(question.find("graderinfo"), notes)
    if not back:
        notes.append("an essay is marked by a teacher; there is nothing to grade")
        return None
    notes.append("essay became a flashcard: the general feedback is its back")
    return {"type": "flashcard", "prompt": prompt, "answer": back}


_TYPES: Final = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "match": _matching,
    "matching": _matching,
    "ordering": _ordering,
    "multianswer": _multianswer,
    "essay": _essay,
}


# -- writing --------------------------------------------------------------------------------


def _text(parent: Element, tag: str, value: str, *, fmt: str | None = "html") -> Element:
    element = SubElement(parent, tag)
    if fmt:
        element.set("format", fmt)
    SubElement(element, "text").text = value
    return element


def _html(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def _grade(fraction: float) -> str:
    return f"{fraction:.7f}".rstrip("0").rstrip(".")


def _answer(
    parent: Element, fraction: float, text: str, fmt: str = "moodle_auto_format"
) -> Element:
    answer = SubElement(parent, "answer", fraction=_grade(fraction), format=fmt)
    SubElement(answer, "text").text = text
    return answer


def _cloze_escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\])", r"\\\1", text)


def _question_xml(question: Question, media: dict[str, bytes], notes: list[str]) -> Element:
    kinds = {
        Flashcard: "essay",
        MultipleChoice: "multichoice",
        MultiSelect: "multichoice",
        TrueFalse: "truefalse",
        ShortAnswer: "shortanswer",
        Cloze: "multianswer",
        Ordering: "ordering",
        Matching: "matching",
        Year: "numerical",
        Number: "numerical",
    }
    kind = next(name for cls, name in kinds.items() if isinstance(question, cls))
    element = Element("question", type=kind)
    _text(element, "name", question.id, fmt=None)
    if isinstance(question, Cloze):
        counter = iter(range(len(question.blanks)))

        def gap(found: re.Match[str]) -> str:
            n = next(counter)
            others = question.accept[n] if n < len(question.accept) else ()
            key = html.unescape(found.group(1)).strip()
            answers = "~".join("=" + html.escape(_cloze_escape(a)) for a in (key, *others))
            return "{1:SHORTANSWER:" + answers + "}"

        body = re.sub(r"\{\{(.+?)\}\}", gap, html.escape(question.text)).replace("\n", "<br>")
        if question.prompt:
            body = html.escape(question.prompt) + "<br>" + body
        text = "<p>" + body + "</p>"
    elif isinstance(question, TrueFalse):
        text = _html(question.statement)
        if question.prompt:
            notes.append(f"instruction {question.prompt!r} dropped: Moodle shows the statement")
    else:
        text = _html(question.prompt)
    qtext = _text(element, "questiontext", text)
    if question.image and question.image in media:
        name = Path(question.image).name
        alt = html.escape(question.image_alt)
        img = f'<p><img src="@@PLUGINFILE@@/{html.escape(name)}" alt="{alt}"></p>'
        qtext.find("text").text = text + img  # type: ignore[union-attr]
        file_el = SubElement(qtext, "file", name=name, path="/", encoding="base64")
        file_el.text = base64.b64encode(media[question.image]).decode("ascii")
    _text(element, "generalfeedback", _html(question.explanation) if question.explanation else "")
    SubElement(element, "defaultgrade").text = "1"
    SubElement(element, "idnumber").text = question.id
    if isinstance(question, Flashcard):
        notes.append("flashcard written as an essay with the back as general feedback")
        element.find("generalfeedback/text").text = _html(question.answer)  # type: ignore[union-attr]
        _text(element, "graderinfo", _html(question.answer))
    elif isinstance(question, MultipleChoice):
        SubElement(element, "single").text = "true"
        SubElement(element, "shuffleanswers").text = "true"
        for choice in question.choices:
            _answer(element, 100 if choice == question.answer else 0, choice)
    elif isinstance(question, MultiSelect):
        SubElement(element, "single").text = "false"
        SubElement(element, "shuffleanswers").text = "true"
        right = round(100 / len(question.answers), 5)
        for choice in question.choices:
            _answer(element, right if choice in question.answers else -100, choice)
    elif isinstance(question, TrueFalse):
        _answer(element, 100 if question.answer else 0, "true")
        _answer(element, 0 if question.answer else 100, "false")
    elif isinstance(question, ShortAnswer):
        SubElement(element, "usecase").text = "0"
        for accepted in (question.answer, *question.accept):
            _answer(element, 100, accepted)
        for rejected in question.reject:
            _answer(element, 0, rejected)
    elif isinstance(question, Ordering):
        for selector, value in (
            ("layouttype", "VERTICAL"),
            ("selecttype", "ALL"),
            ("selectcount", "0"),
        ):
            SubElement(element, selector).text = value
        SubElement(element, "gradingtype").text = "RELATIVE_TO_CORRECT"
        for position, entry in enumerate(question.items, 1):
            _answer(element, position, entry)
    elif isinstance(question, Matching):
        SubElement(element, "shuffleanswers").text = "true"
        for left, partner in question.pairs:
            sub = _text(element, "subquestion", _html(left))
            SubElement(SubElement(sub, "answer"), "text").text = partner
        for extra in question.extra:
            sub = _text(element, "subquestion", "")
            SubElement(SubElement(sub, "answer"), "text").text = extra
    elif isinstance(question, Year | Number):
        answer = _answer(element, 100, format_number(question.answer))
        SubElement(answer, "tolerance").text = format_number(question.tolerance)
    if question.tags:
        tags = SubElement(element, "tags")
        for tag in question.tags:
            SubElement(SubElement(tags, "tag"), "text").text = tag
    return element


def write_moodle_xml(pack: Pack, path: Path) -> ConversionReport:
    """Write ``pack`` as a Moodle XML question bank, one category per topic."""
    root = Element("quiz")
    entries: list[ReportEntry] = []
    topics = {t.id: t for t in pack.topics}
    current = None
    for question in pack.questions:
        if question.topic != current:
            current = question.topic
            topic = topics.get(current)
            category = SubElement(root, "question", type="category")
            title = topic.title if topic else current
            _text(category, "category", f"$course$/top/{title.replace('/', '-')}", fmt=None)
            _text(category, "info", topic.description if topic else "", fmt="moodle_auto_format")
        notes: list[str] = []
        root.append(_question_xml(question, dict(pack.media), notes))
        entries.append(
            ReportEntry(
                question.id,
                title_of(question.display_prompt),
                Outcome.CHANGED if notes else Outcome.CONVERTED,
                question.id,
                str(question.type),
                tuple(notes),
            )
        )
    body = tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", encoding="utf-8")
    return ConversionReport(path.name, FORMAT_NAME, tuple(entries), lost_fields(pack, "Moodle XML"))
