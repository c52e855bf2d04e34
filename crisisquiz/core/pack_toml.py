"""Read a pack's TOML text, explaining each slip of a hand-written pack in plain words.

The TOML parser stops at the first mistake and names it in its own terms ("Illegal
character '\\n'", "Invalid value"). A teacher needs to hear what is wrong and what to
type instead: a quote never closed and where the text began, typographic quotes
pasted from a word processor, ``[questions]`` written for ``[[questions]]``.

When a mistake is understood well enough to mend it exactly (a closing quote, straight
quotes for curly ones, double brackets), the text is mended on that line and read
again, so one pass lists every such mistake of a file instead of only the first.
Mending never adds or removes a line, so every line number stays the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tomli

# Past this many slips the file is probably not a pack at all; more messages would not help.
MAX_SYNTAX_PROBLEMS = 30
LIST_TABLES = ("sources", "topics", "questions")
SINGLE_TABLES = ("pack",)

# Quote marks a word processor puts in place of the straight ones ("smart quotes").
_CURLY_DOUBLE = "“”„‟«»″"
_CURLY_SINGLE = "‘’‚‛′"
_CURLY = _CURLY_DOUBLE + _CURLY_SINGLE
_KEY_LINE = re.compile(r"^[ \t]*([A-Za-z0-9_.-]+|\"[^\"\n]*\")[ \t]*=")
_HEADER_LINE = re.compile(r"^[ \t]*\[")
_ONE_BRACKET = re.compile(
    rf"^[ \t]*\[[ \t]*({'|'.join(LIST_TABLES)})[ \t]*\][ \t]*(#.*)?$", re.MULTILINE
)
_TWO_BRACKETS = re.compile(
    rf"^[ \t]*\[\[[ \t]*({'|'.join(SINGLE_TABLES)})[ \t]*\]\][ \t]*(#.*)?$", re.MULTILINE
)
_WORD = re.compile(r"[^\s,\]\}#]+")
_BOOLEAN_WORDS = {"true", "false", "yes", "no"}


@dataclass(frozen=True)
class TomlProblem:
    """One mistake in the text: its line (1-based), column when known, and what to do."""

    line: int
    column: int | None
    message: str


@dataclass(frozen=True)
class TomlReading:
    """What reading gave: the tables (None when the text could not be read) and the mistakes.

    ``text`` is the text the tables were read from: the file's own, or the file with
    its understood mistakes mended on their lines (same line numbers).
    """

    data: dict[str, Any] | None
    problems: tuple[TomlProblem, ...]
    text: str


def read_pack_toml(text: str) -> TomlReading:
    """Parse ``text``; on mistakes, explain each one and read on past those it can mend."""
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError:
        pass
    else:
        if _well_shaped(data):
            # The usual case costs one parse and nothing more.
            return TomlReading(data, (), text)
    return _diagnose(text)


def _well_shaped(data: dict[str, Any]) -> bool:
    if not all(isinstance(data.get(table, {}), dict) for table in SINGLE_TABLES):
        return False
    return all(isinstance(data.get(table, []), list) for table in LIST_TABLES)


def _diagnose(text: str) -> TomlReading:
    problems: list[TomlProblem] = []
    text = _mend_brackets(text, problems)
    mended_lines: set[int] = set()
    while len(problems) < MAX_SYNTAX_PROBLEMS:
        try:
            data = tomli.loads(text)
        except tomli.TOMLDecodeError as error:
            problem, mended = _explain(text, error)
            problems.append(problem)
            # A line mended once that still fails was not understood: stop there rather
            # than guess again.
            if mended is None or mended == text or problem.line in mended_lines:
                return TomlReading(None, tuple(problems), text)
            mended_lines.add(problem.line)
            text = mended
        else:
            return TomlReading(data, tuple(problems), text)
    problems.append(
        TomlProblem(
            problems[-1].line,
            None,
            f"more than {MAX_SYNTAX_PROBLEMS} mistakes like these; fix these first and "
            "check the file again",
        )
    )
    return TomlReading(None, tuple(problems), text)


def _mend_brackets(text: str, problems: list[TomlProblem]) -> str:
    """``[questions]`` for ``[[questions]]`` (and ``[[pack]]`` for ``[pack]``), every line."""

    def one_to_two(found: re.Match[str]) -> str:
        table = found.group(1)
        problems.append(
            TomlProblem(
                _line_of(text, found.start()),
                None,
                f"write [[{table}]] with double square brackets, not [{table}]: "
                f"each entry of {table} starts with its own [[{table}]] line",
            )
        )
        return found.group(0).replace("[", "[[", 1).replace("]", "]]", 1)

    def two_to_one(found: re.Match[str]) -> str:
        table = found.group(1)
        problems.append(
            TomlProblem(
                _line_of(text, found.start()),
                None,
                f"write [{table}] with single square brackets, not [[{table}]]: "
                f"a pack has one [{table}] table",
            )
        )
        return found.group(0).replace("[[", "[", 1).replace("]]", "]", 1)

    text = _ONE_BRACKET.sub(one_to_two, text)
    text = _TWO_BRACKETS.sub(two_to_one, text)
    problems.sort(key=lambda p: p.line)
    return text


# -- explaining one parser error ----------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    text: str
    pos: int  # offset of the error in text

    @property
    def line_no(self) -> int:
        return _line_of(self.text, self.pos)

    @property
    def line_start(self) -> int:
        return self.text.rfind("\n", 0, self.pos) + 1

    @property
    def line_end(self) -> int:
        end = self.text.find("\n", self.pos)
        return len(self.text) if end < 0 else end

    @property
    def line(self) -> str:
        return self.text[self.line_start : self.line_end]

    @property
    def column(self) -> int:
        return self.pos - self.line_start + 1

    @property
    def char(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def with_line(self, new_line: str) -> str:
        return self.text[: self.line_start] + new_line + self.text[self.line_end :]


Explained = tuple[TomlProblem, str | None]


def _explain(text: str, error: tomli.TOMLDecodeError) -> Explained:
    place = _Place(text, min(error.pos, len(text)))
    message = error.msg
    for starts, explain in _EXPLAINERS:
        if message.startswith(starts):
            found = explain(place)
            if found is not None:
                return found
    return (
        TomlProblem(
            place.line_no,
            place.column,
            "this line is not written the way a pack needs "
            f"(the reader says: {message}); check its quotes, brackets and = sign",
        ),
        None,
    )


def _unclosed_text(place: _Place) -> Explained | None:
    if place.char and place.char != "\n" and not place.text.startswith("\r\n", place.pos):
        return _control_character(place)
    opened = open_string_at(place.text, place.pos)
    if opened is None:
        return None
    start, quote = opened
    line_no = _line_of(place.text, start)
    column = start - (place.text.rfind("\n", 0, start) + 1) + 1
    body = place.text[start + len(quote) : place.pos].split("\n", 1)[0]
    preview = quote + _preview(body)
    if len(quote) == 3:
        return (
            TomlProblem(
                line_no,
                column,
                f"the text that starts with {quote} on line {line_no} ({preview}) is never "
                f"closed: end it with {quote}",
            ),
            None,
        )
    lines = place.text.split("\n")
    closing = _continued_to(lines, line_no - 1, quote)
    if closing is not None:
        lines[line_no - 1] = _replace_at(lines[line_no - 1], column - 1, quote, quote * 3)
        last = lines[closing].rstrip()
        lines[closing] = last[:-1] + quote * 3 + lines[closing][len(last) :]
        return (
            TomlProblem(
                line_no,
                column,
                f"the text that starts on line {line_no} ({preview}) goes on over several "
                f"lines: put it on one line, or use three quotes at each end ({quote * 3} "
                f"at the start and {quote * 3} at the end) for text over several lines",
            ),
            "\n".join(lines),
        )
    return (
        TomlProblem(
            line_no,
            column,
            f"the text that starts at line {line_no}, column {column} ({preview}) has no "
            f"closing quote: end it with {quote} on the same line",
        ),
        place.text[: place.pos] + quote + place.text[place.pos :],
    )


def _control_character(place: _Place) -> Explained:
    code = f"U+{ord(place.char):04X}"
    return (
        TomlProblem(
            place.line_no,
            place.column,
            f"an invisible control character ({code}) is in the text here, probably pasted "
            "along with it: delete it",
        ),
        place.text[: place.pos] + place.text[place.pos + 1 :],
    )


def _invalid_value(place: _Place) -> Explained | None:
    if place.char in _CURLY:
        return _curly_quotes(place)
    key = _key_of(place.line)
    word_match = _WORD.match(place.text, place.pos)
    if word_match is None:
        name = f"'{key}'" if key else "this field"
        return (
            TomlProblem(
                place.line_no,
                place.column,
                f"{name} has no value after =: write its text between straight quotes, "
                f'as in title = "My pack"',
            ),
            None,
        )
    word = word_match.group(0)
    if word.lower() in _BOOLEAN_WORDS and word not in ("true", "false"):
        meant = "true" if word.lower() in ("true", "yes") else "false"
        line = place.line
        column = place.column - 1
        return (
            TomlProblem(
                place.line_no,
                place.column,
                f"write true or false in small letters and without quotes, so {meant} "
                f"here, not {word}",
            ),
            place.with_line(line[:column] + meant + line[column + len(word) :]),
        )
    return _unquoted_text(place)


def _unquoted_text(place: _Place) -> Explained:
    key = _key_of(place.line)
    line = place.line
    column = place.column - 1
    value = line[column:].rstrip()
    # Inside a list only this item is quoted; a bare value takes the rest of the line.
    in_list = "[" in line[:column] and key is not None
    if in_list:
        item = re.match(r"[^,\]]*", value)
        value = item.group(0).rstrip() if item else value
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    example = f"{key} = {quoted}" if key and not in_list else quoted
    return (
        TomlProblem(
            place.line_no,
            place.column,
            f"text must be between straight quotes: {example}",
        ),
        place.with_line(line[:column] + quoted + line[column + len(value) :]),
    )


def _curly_quotes(place: _Place) -> Explained:
    line = place.line
    mended = straighten_quotes(line)
    marks = "".join(dict.fromkeys(ch for ch in line if ch in _CURLY))
    return (
        TomlProblem(
            place.line_no,
            place.column,
            f"line {place.line_no} uses typographic quotes ({' '.join(marks)}), as a word "
            'processor types them, around its text: a pack needs straight quotes " " '
            "(turn off smart quotes, or retype them in a plain text editor)",
        ),
        place.with_line(mended) if mended != line else None,
    )


def _after_value(place: _Place) -> Explained | None:
    line = place.line
    column = place.column - 1
    key = _key_of(line)
    before = line[:column].rstrip()
    value_start = _value_start(line)
    if value_start is None:
        return None
    first = line[value_start : value_start + 1]
    if first in "\"'" and before.endswith(first) and first in line[column:]:
        # A quote mark inside the text closed it early.
        last = line.rstrip().rfind(first)
        inner = line[value_start + 1 : last]
        escaped = re.sub(r'(?<!\\)"', r"\"", inner) if first == '"' else inner
        if first == "'":
            # A literal string cannot hold its own quote; turn it into a basic one.
            escaped = inner.replace("\\", "\\\\").replace('"', '\\"')
        mended = line[:value_start] + '"' + escaped + '"' + line[last + 1 :]
        return (
            TomlProblem(
                place.line_no,
                value_start + 1,
                f"the text of '{key or 'this field'}' has a quote mark {first} inside it, "
                'which ends the text too early: write \\" for a quote mark inside text, '
                "or use typographic quotes “ ” inside it",
            ),
            place.with_line(mended),
        )
    if first not in "\"'[{" and key is not None:
        value = line[value_start:].split(" #", 1)[0].rstrip()
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return (
            TomlProblem(
                place.line_no,
                value_start + 1,
                f"text must be between straight quotes: {key} = {quoted}",
            ),
            place.with_line(line[:value_start] + quoted + line[value_start + len(value) :]),
        )
    return (
        TomlProblem(
            place.line_no,
            place.column,
            "there is more on this line after its value: give one field per line, "
            "and put text between quotes",
        ),
        None,
    )


def _expected_equals(place: _Place) -> Explained | None:
    line = place.line
    column = place.column - 1
    rest = line[column:].lstrip()
    if rest.startswith(":"):
        colon = line.index(":", column)
        return (
            TomlProblem(
                place.line_no,
                colon + 1,
                "use = between a field's name and its value, not a colon",
            ),
            place.with_line(line[:colon] + " =" + line[colon + 1 :]),
        )
    if "=" not in line:
        return (
            TomlProblem(
                place.line_no,
                1,
                "this line is not a field: write name = value (text between quotes), "
                "or start the line with # to make it a note",
            ),
            None,
        )
    return (
        TomlProblem(
            place.line_no,
            place.column,
            "a field's name is one word (letters, digits, - and _) followed by =",
        ),
        None,
    )


def _twice(place: _Place) -> Explained | None:
    key = _key_of(place.line)
    if key is not None:
        return (
            TomlProblem(
                place.line_no,
                1,
                f"'{key}' is given a second time in the same table or question: keep one of them",
            ),
            place.with_line("# " + place.line),
        )
    header = place.line.strip()
    return (
        TomlProblem(
            place.line_no,
            1,
            f"{header} appears a second time: a pack has one [pack] table, and each "
            "question, topic and source starts with a double-bracket line such as "
            "[[questions]]",
        ),
        None,
    )


def _unclosed_list(place: _Place) -> Explained | None:
    start = _unclosed_bracket(place.text, place.pos)
    line_no = _line_of(place.text, start) if start is not None else place.line_no
    return (
        TomlProblem(
            line_no,
            None,
            f"the list that starts with [ on line {line_no} is never closed: end it with ]",
        ),
        None,
    )


_EXPLAINERS: tuple[tuple[str, Callable[[_Place], Explained | None]], ...] = (
    ("Illegal character", _unclosed_text),
    ("Unterminated string", _unclosed_text),
    ("Invalid value", _invalid_value),
    ("Expected newline or end of document after a statement", _after_value),
    ("Expected '=' after a key", _expected_equals),
    ("Cannot overwrite a value", _twice),
    ("Cannot declare", _twice),
    ("Unclosed array", _unclosed_list),
)


# -- small scanners -----------------------------------------------------------------------


def open_string_at(text: str, pos: int) -> tuple[int, str] | None:
    """Where the string still open at ``pos`` begins (its offset and quote), if one is open.

    Reads from the start as TOML does: comments, basic strings with their escapes,
    literal strings, and both kinds of multi-line strings.
    """
    i = 0
    end = min(pos, len(text))
    while i < end:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
            continue
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            close = _string_end(text, i + len(quote), quote)
            if close is None or close > pos:
                return i, quote
            i = close
            continue
        i += 1
    return None


def _string_end(text: str, i: int, quote: str) -> int | None:
    """The offset just past the closing ``quote`` of a string whose body starts at ``i``."""
    escapes = quote[0] == '"'
    multiline = len(quote) == 3
    while i < len(text):
        char = text[i]
        if escapes and char == "\\":
            i += 2
            continue
        if char == "\n" and not multiline:
            return None
        if text.startswith(quote, i):
            end = i + len(quote)
            # """a"""" holds a quote at its end: up to two more quotes belong to the string.
            while multiline and end < len(text) and text[end] == quote[0] and end - i < 5:
                end += 1
            return end
        i += 1
    return None


def _unclosed_bracket(text: str, pos: int) -> int | None:
    """The offset of the last ``[`` of a value still open at ``pos``, outside strings."""
    opened: list[int] = []
    i = 0
    at_line_start = True
    while i < min(pos, len(text)):
        char = text[i]
        if char == "\n":
            at_line_start = True
            i += 1
            continue
        if char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, i) else char
            close = _string_end(text, i + len(quote), quote)
            i = len(text) if close is None else close
            at_line_start = False
            continue
        if char == "[" and not (at_line_start and not opened):
            opened.append(i)
        elif char == "]" and opened:
            opened.pop()
        if not char.isspace() and not (char == "[" and at_line_start and not opened):
            at_line_start = False
        i += 1
    return opened[-1] if opened else None


def straighten_quotes(line: str) -> str:
    """``line`` with typographic quotes used around values turned into straight ones.

    Text already between straight quotes is left alone, so an apostrophe typed as ’
    inside "Kennedy’s speech" stays as it is.
    """
    out: list[str] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == "#":
            out.append(line[i:])
            break
        if char in "\"'":
            close = _string_end(line, i + 1, char)
            stop = len(line) if close is None else close
            out.append(line[i:stop])
            i = stop
            continue
        if char in _CURLY:
            family = _CURLY_DOUBLE if char in _CURLY_DOUBLE else _CURLY_SINGLE
            close_at = next((j for j in range(i + 1, len(line)) if line[j] in family), None)
            if close_at is None:
                close_at = len(line)
            inner = line[i + 1 : close_at]
            out.append('"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"')
            i = close_at + 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _continued_to(lines: list[str], start: int, quote: str) -> int | None:
    """The line closing a one-line string that was carried on over the next lines, if any."""
    for index in range(start + 1, min(len(lines), start + 40)):
        line = lines[index]
        if _KEY_LINE.match(line) or _HEADER_LINE.match(line):
            return None
        if line.rstrip().endswith(quote):
            return index
    return None


def _value_start(line: str) -> int | None:
    found = _KEY_LINE.match(line)
    if found is None:
        return None
    start = found.end()
    while start < len(line) and line[start] in " \t":
        start += 1
    return start


def _key_of(line: str) -> str | None:
    found = _KEY_LINE.match(line)
    return found.group(1).strip('"') if found else None


def _replace_at(line: str, index: int, old: str, new: str) -> str:
    return line[:index] + new + line[index + len(old) :]


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _preview(text: str, limit: int = 30) -> str:
    """The start of a text as typed, on one line, for naming it in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
