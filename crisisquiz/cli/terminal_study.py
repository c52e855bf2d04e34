"""``crisisquiz study`` and ``crisisquiz quiz``: retrieval practice in the terminal.

One answer per line, so a session runs the same in a terminal and from a
pipe (``printf '1\\nt\\n' | crisisquiz study --learner Sam``). The input forms
are described in :mod:`crisisquiz.cli.answer_input`; at any answer prompt
``u`` takes back the last answer (study only), ``q`` stops with the summary
and ``?`` shows help. End of input stops like ``q``.

Time comes from ``ctx.clock()``, the local time zone is read here at the
boundary (:func:`local_zone`) and the random generator is made here
(:func:`make_rng`), so tests can replace all three.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sqlite3
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import partial
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from crisisquiz.cli.answer_input import (
    RATING_HINT,
    Answer,
    Command,
    Problem,
    expected_form,
    left_label,
    parse_answer,
    parse_command,
    parse_rating,
)
from crisisquiz.cli.context import UserError
from crisisquiz.core.app_context import AppContext
from crisisquiz.core.citations import group_citations, sentence_lines
from crisisquiz.core.grading import GradeResult, Response, Verdict, correct_answer_text
from crisisquiz.core.items import Citation, ItemKind, StudyItem
from crisisquiz.core.learners import Learner, LearnerService
from crisisquiz.core.local_zone import SYSTEM_ZONE
from crisisquiz.core.pack_schema import (
    CLOZE_BLANK,
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultiSelect,
    Ordering,
    ShortAnswer,
    TrueFalse,
)
from crisisquiz.core.quiz import Feedback, Quiz, QuizResult, QuizService, QuizSettings
from crisisquiz.core.removed import LearnerRemovedError, QuestionRemovedError
from crisisquiz.core.study import LEARN_AHEAD, StudyService, StudySession, StudySummary
from crisisquiz.core.text_match import normalise
from crisisquiz.core.topic_keys import (
    TopicError,
    TopicKey,
    installed_topics,
    resolve_topics,
    short_refs,
)
from crisisquiz.storage import sqlite_health

T = TypeVar("T")
PROMPT = "> "
MAX_WIDTH = 100
MIN_WIDTH = 40
SEED_RANGE = 1_000_000


def local_zone() -> tzinfo:
    """The computer's local time zone with its summer-time rules, for the command line."""
    return SYSTEM_ZONE


def make_rng() -> random.Random:
    """The random generator for a session (option order, schedule fuzz)."""
    return random.Random()


# --- command line ----------------------------------------------------------------------------


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``study`` and ``quiz`` commands."""
    answers = (
        "Answer forms: a number for a choice; numbers for several choices (1 3) or an "
        "order (3 1 2); t or f; typed text; cloze blanks separated by | ; matching as "
        "a2 b1 c3 or 2 1 3; a year; flashcards: Enter, then 1-4. At any prompt: ? help, "
        "q stop (end of input too)."
    )
    study = commands.add_parser(
        "study",
        help="study due and new questions in the terminal",
        description="Study in the terminal: due reviews first, then new questions up to the "
        "learner's daily limit. One answer per line, so input can come from a pipe. "
        + answers
        + " In study, u takes back the last answer.",
    )
    study.add_argument("--learner", required=True, metavar="NAME", help="who is studying")
    study.add_argument(
        "--topic",
        "--topics",
        dest="topics",
        nargs="+",
        action="extend",
        default=[],
        metavar="TOPIC",
        help="study only these topics, as PACK:TOPIC or a topic id found in one pack only "
        "(default: every topic; an unknown one lists them)",
    )
    study.add_argument(
        "--more",
        type=int,
        default=0,
        metavar="N",
        help="start N new questions beyond today's limit, for today only (study more)",
    )
    study.set_defaults(handler=_study)

    quiz = commands.add_parser(
        "quiz",
        help="take a scored quiz in the terminal",
        description="Take a scored quiz over some topics, then see the score overall and per "
        "topic. A quiz does not move the study schedule unless the learner's "
        "'quiz counts as review' setting is on. " + answers,
    )
    quiz.add_argument("--learner", required=True, metavar="NAME", help="who takes the quiz")
    quiz.add_argument(
        "--topics",
        "--topic",
        dest="topics",
        nargs="+",
        action="extend",
        default=[],
        metavar="TOPIC",
        help="quiz only these topics, as PACK:TOPIC or a topic id found in one pack only "
        "(default: every topic; an unknown one lists them)",
    )
    quiz.add_argument(
        "-n", "--count", type=int, default=20, metavar="N", help="number of questions (default 20)"
    )
    quiz.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="pick the questions from this seed: the same seed gives the same quiz "
        "(default: a new one, printed)",
    )
    quiz.add_argument(
        "--feedback",
        choices=["each", "end"],
        default="each",
        help="show right and wrong after each answer (default) or only at the end",
    )
    quiz.set_defaults(handler=_quiz)


def _learner(ctx: AppContext, name: str) -> Learner:
    return LearnerService(ctx.database).by_name(name)


def _check_topics(ctx: AppContext, topics: Sequence[str]) -> tuple[TopicKey, ...]:
    """The topics asked for (``PACK:TOPIC`` or a bare id unique among the installed packs)."""
    if not topics:
        return ()
    try:
        return resolve_topics(topics, installed_topics(ctx.database))
    except TopicError as exc:
        raise UserError(str(exc)) from None


def _study(args: argparse.Namespace, ctx: AppContext) -> int:
    learner = _learner(ctx, args.learner)
    topics = _check_topics(ctx, args.topics)
    tz = local_zone()
    service = StudyService(ctx.database, tz=tz, rng=make_rng())
    now = ctx.clock()
    if args.more < 0:
        raise UserError("--more takes a number of new questions, 0 or more")
    session = service.start(learner.id, now=now, topics=topics, extra_new=args.more)
    console = Console()
    console.on_idle = ctx.idle
    if session.counts(now).total == 0:
        scope = f" in {short_refs(topics, installed_topics(ctx.database))}" if topics else ""
        if service.new_left_today(learner, now) == 0:
            why = (
                f"today's {_plural(learner.new_per_day, 'new question')} are done "
                "(--more N starts N more today)"
            )
        else:
            why = "no new questions are left"
        console.say(
            f"Nothing to study for {learner.name}{scope} right now: no question is due and {why}."
        )
        return 0
    status = _run_guarded(lambda: run_study(session, console, ctx.clock, tz), console)
    console.lines(render_study_summary(session.summary(ctx.clock()), console.width))
    return status


def _quiz(args: argparse.Namespace, ctx: AppContext) -> int:
    learner = _learner(ctx, args.learner)
    topics = _check_topics(ctx, args.topics)
    tz = local_zone()
    seed = args.seed if args.seed is not None else make_rng().randrange(SEED_RANGE)
    feedback = Feedback.AFTER_EACH if args.feedback == "each" else Feedback.AT_END
    settings = QuizSettings(count=args.count, topics=topics, seed=seed, feedback=feedback)
    quiz = QuizService(ctx.database, tz=tz).start(learner.id, settings, now=ctx.clock())
    console = Console()
    console.on_idle = ctx.idle
    status = _run_guarded(lambda: run_quiz(quiz, console, ctx.clock, tz), console)
    if status == 1:
        return status  # the session ended, saying why: nothing more can be saved
    now = ctx.clock()
    left = len(quiz.items) - quiz.answered_count
    timed_out = quiz.deadline is not None and now > quiz.deadline
    try:
        if left and not timed_out:
            # Stopped early: kept as abandoned, so a half-done quiz never shows as a score.
            save_patiently(console, partial(quiz.abandon, now))
            console.lines(render_stopped_quiz(quiz, console.width))
        else:
            result = save_patiently(console, partial(quiz.finish, now))
            console.lines(render_quiz_result(quiz, result, console.width))
    except SessionEnded as ended:
        console.lines(wrap(str(ended), console.width))
        return 1
    return status


class SessionEnded(Exception):
    """The session cannot go on (the learner was removed, the disk is full); says why."""


# Each try waits for the database up to its busy timeout (5 s): about a minute in all.
BUSY_TRIES = 12


def save_patiently(console: Console, save: Callable[[], T]) -> T:
    """``save()``, tried again while another program holds the database.

    The answer being saved is kept in hand meanwhile, and the person is told once why
    it takes long. A database busy for longer, a full disk or a read-only file end the
    session with :class:`SessionEnded`, saying so; a removed learner too.
    """
    told = False
    for attempt in range(1, BUSY_TRIES + 1):
        try:
            return save()
        except LearnerRemovedError as gone:
            said = str(gone)
            raise SessionEnded(
                f"{said[:1].upper()}{said[1:]}, with all of their answers, so nothing more "
                "can be saved. The session ends here."
            ) from None
        except Exception as error:
            problem = sqlite_health.storage_problem(error)
            if problem is None or problem is sqlite_health.Problem.OTHER:
                raise
            if problem is sqlite_health.Problem.BUSY and attempt < BUSY_TRIES:
                if not told:
                    console.lines(wrap(BUSY_NOTE, console.width))
                    told = True
                continue
            raise SessionEnded(
                sqlite_health.describe_problem(problem)
                + " The last answer was not saved; every answer before it is. The session "
                "ends here."
            ) from None
    raise AssertionError("unreachable: the last try returns or raises")


BUSY_NOTE = (
    "The database is busy: another crisisquiz (a pack import, perhaps) is writing to it. "
    "Your answer is kept and will be saved as soon as it is free..."
)


def _run_guarded(run: Callable[[], object], console: Console) -> int:
    """Run a session; its exit status (answers given so far are already saved).

    130 if Ctrl-C stopped it, 1 if it had to end (the message says why), else 0.
    """
    try:
        run()
    except KeyboardInterrupt:
        console.say()
        console.say("Stopped.")
        return 130
    except SessionEnded as ended:
        console.say()
        console.lines(wrap(str(ended), console.width))
        return 1
    return 0


# --- input and output ------------------------------------------------------------------------


class Console:
    """Reads answer lines and writes text, in a terminal or through pipes.

    Standard input and output are looked up on every call, so tests can
    replace them. When input is not a terminal, each line read is echoed
    after the prompt so that a transcript reads like a session.
    """

    def __init__(self, width: int | None = None) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        self.width = width or max(MIN_WIDTH, min(MAX_WIDTH, columns - 1))
        self.interactive = sys.stdin.isatty()
        self.on_idle: Callable[[], object] | None = None
        if self.interactive:
            # Line editing with the arrow keys, where the platform has it (not Windows).
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401

    def say(self, text: str = "") -> None:
        """Write one line."""
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def lines(self, lines: Iterable[str]) -> None:
        """Write several lines."""
        for line in lines:
            self.say(line)

    def ask(self, prompt: str = PROMPT) -> str | None:
        """Read one line after ``prompt``; None at the end of input.

        While the person reads and types, :attr:`on_idle` does the database's quiet
        work first (a log checkpoint, a backup when one is due).
        """
        if self.on_idle is not None:
            # The next answer's save reports a storage problem; a quiet moment stays quiet.
            with contextlib.suppress(SQLAlchemyError, sqlite3.Error, OSError):
                self.on_idle()
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                self.say()
                return None
        sys.stdout.write(prompt)
        line = sys.stdin.readline()
        if not line:
            self.say()
            return None
        line = line.rstrip("\r\n")
        self.say(line)
        return line


def wrap(text: str, width: int, indent: str = "", hang: str | None = None) -> list[str]:
    """``text`` wrapped to ``width``, paragraph by paragraph (line breaks are kept).

    The first line starts with ``indent``, every later line with ``hang``
    (default: ``indent``).
    """
    hang = indent if hang is None else hang
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        first = hang if lines else indent
        lines.extend(
            textwrap.wrap(
                paragraph,
                width=width,
                initial_indent=first,
                subsequent_indent=hang,
                break_on_hyphens=False,
            )
            or [first.rstrip()]
        )
    return lines


def _numbered(options: Sequence[str], width: int, indent: str = "  ") -> list[str]:
    digits = len(str(len(options)))
    lines: list[str] = []
    for number, option in enumerate(options, 1):
        label = f"{indent}{number:>{digits}}. "
        lines.extend(wrap(option, width, label, " " * len(label)))
    return lines


def _matching_lines(question: Matching, options: Sequence[str], width: int) -> list[str]:
    lefts = [f"  {left_label(i)}. {left}" for i, (left, _right) in enumerate(question.pairs)]
    digits = len(str(len(options)))
    rights = [f"{n:>{digits}}. {right}" for n, right in enumerate(options, 1)]
    column = max(len(left) for left in lefts) + 4
    if column + max(len(right) for right in rights) <= width:
        return [f"{left:<{column}}{right}" for left, right in zip(lefts, rights, strict=True)]
    lines: list[str] = []
    for i, (left, _right) in enumerate(question.pairs):
        label = f"  {left_label(i)}. "
        lines.extend(wrap(left, width, label, " " * len(label)))
    lines.append("  matched with:")
    lines.extend(_numbered(options, width, "    "))
    return lines


def rule(left: str, right: str, width: int) -> str:
    """A header line: ``── left ───── right ──``, cut to ``width``."""
    right_part = f" {right} ──" if right else ""
    head = f"── {left} "
    fill = width - len(head) - len(right_part)
    if fill < 2 and right_part:
        # Shorten the left text rather than lose the right, while enough of it stays.
        room = width - len(right_part) - 3 - 4
        if room >= 24:
            head = f"── {left[: room - 1].rstrip()}… "
        else:
            right_part = ""
        fill = width - len(head) - len(right_part)
    if fill < 2:
        return head.rstrip() if len(head) <= width else head[: width - 1] + "…"
    return head + "─" * fill + right_part


def render_question(item: StudyItem, width: int) -> list[str]:
    """The question as shown: its text, then its numbered (or lettered) options."""
    question = item.question
    lines = render_quote(item, width)
    lines.extend(wrap(question.display_prompt, width))
    if isinstance(question, TrueFalse) and not question.prompt:
        lines.append("True or false?")
    if question.image:
        lines.extend(wrap(f"[picture: {question.image_alt or question.image}]", width))
    if isinstance(question, MultipleChoice | MultiSelect | Ordering):
        lines.extend(_numbered(item.options, width))
    elif isinstance(question, Matching):
        lines.extend(_matching_lines(question, item.options, width))
    return lines


def render_quote(item: StudyItem, width: int) -> list[str]:
    """The quotation a question is about, set off by a bar, with its document beneath."""
    if item.quote is None:
        return []
    lines = wrap(f"“{item.quote.text}”", width, "  | ", "  | ")
    lines.extend(wrap(f"— {item.quote.attribution()}", width, "  | ", "  |   "))
    return lines


def _number_of(options: Sequence[str], option: str) -> str:
    return str(options.index(option) + 1) if option in options else "?"


def render_correct(item: StudyItem, width: int) -> list[str]:
    """The right answer, numbered as the options were shown."""
    question, options = item.question, item.options
    if isinstance(question, MultipleChoice):
        return wrap(
            f"{_number_of(options, question.answer)}. {question.answer}", width, "  Answer: "
        )
    if isinstance(question, MultiSelect):
        picks = sorted(question.answers, key=options.index)
        text = "; ".join(f"{_number_of(options, pick)}. {pick}" for pick in picks)
        return wrap(text, width, "  Right choices: ", "    ")
    if isinstance(question, TrueFalse):
        return [f"  Answer: {'true' if question.answer else 'false'}"]
    if isinstance(question, Cloze):
        filled = CLOZE_BLANK.sub(lambda m: f"[{m.group(1).strip()}]", question.text)
        return wrap(filled, width, "  Answer: ", "    ")
    if isinstance(question, Ordering):
        numbers = " ".join(_number_of(options, entry) for entry in question.items)
        lines = [f"  Right order: {numbers}"]
        for entry in question.items:
            label = f"    {_number_of(options, entry)}. "
            lines.extend(wrap(entry, width, label, " " * len(label)))
        return lines
    if isinstance(question, Matching):
        pairs = " ".join(
            f"{left_label(i)}{_number_of(options, right)}"
            for i, (_left, right) in enumerate(question.pairs)
        )
        lines = [f"  Right pairs: {pairs}"]
        for i, (left, right) in enumerate(question.pairs):
            text = f"{left} → {_number_of(options, right)}. {right}"
            lines.extend(wrap(text, width, f"    {left_label(i)}. ", "       "))
        return lines
    return wrap(correct_answer_text(question), width, "  Answer: ", "    ")


def _verdict_line(item: StudyItem, result: GradeResult) -> str:
    if isinstance(item.question, Flashcard):
        # The learner rated this one themself: it is not right or wrong, and a quiz does
        # not score it.
        if item.kind is ItemKind.QUIZ:
            return f"You rated it {result.rating.name} (a flashcard is not scored)."
        return f"You rated it {result.rating.name}."
    if result.verdict is Verdict.RIGHT:
        return "Right, with a spelling slip." if result.slip else "Right."
    if result.verdict is Verdict.PARTLY:
        return f"Partly right ({round(result.score * 100)}%)."
    return "Wrong."


def _show_feedback(item: StudyItem, result: GradeResult, response: Response | None) -> bool:
    """Whether the grader's sentences add anything to the verdict."""
    question = item.question
    if isinstance(question, Flashcard):
        return False
    if isinstance(question, MultipleChoice | TrueFalse):
        return False  # their one sentence only restates the right answer shown above
    if result.verdict is not Verdict.RIGHT or result.slip:
        return True
    # A right typed answer given as an alias: say how the answer is usually written.
    return (
        isinstance(question, ShortAnswer)
        and isinstance(response, str)
        and normalise(response) != normalise(question.answer)
    )


def render_outcome(
    item: StudyItem,
    result: GradeResult,
    width: int,
    *,
    response: Response | None = None,
    comes_back: str | None = None,
) -> list[str]:
    """The verdict in words, the right answer, what was wrong, why, the source, what next."""
    lines = [_verdict_line(item, result)]
    if result.verdict is not Verdict.RIGHT and not isinstance(item.question, Flashcard):
        lines.extend(render_correct(item, width))
    if _show_feedback(item, result, response):
        for sentence in result.feedback:
            if isinstance(item.question, ShortAnswer) and sentence.startswith("Expected "):
                continue  # the right answer is shown above
            lines.extend(wrap(sentence, width, "  - ", "    "))
    if item.question.explanation:
        lines.extend(wrap(item.question.explanation, width, "  Why: ", "    "))
    if item.citations:
        lines.extend(render_sources(item.citations, width))
    if comes_back:
        lines.append(f"  Comes back {comes_back}.")
    return lines


def describe_sources(citations: Iterable[Citation]) -> str:
    """Citations grouped by source, on one line: "“Class notes”, sentences 4, 7; “Essay”".

    Sentence notes are left out; :func:`render_sources` shows them.
    """
    parts = []
    for source in group_citations(citations):
        lines = [note.line for note in source.sentences]
        if not lines:
            parts.append(source.name())
        else:
            word = "sentence" if len(lines) == 1 else "sentences"
            parts.append(f"{source.name()}, {word} {', '.join(str(n) for n in sorted(lines))}")
    return "; ".join(parts)


def render_sources(citations: Sequence[Citation], width: int) -> list[str]:
    """Each source named properly, then what each cited sentence claims and what is wrong.

    A reference reads as a bibliographic reference. A sentence the pack has no note for
    is shown by its number, the only thing known about it.
    """
    groups = group_citations(citations)
    references = all(group.is_reference for group in groups)
    noun = "Reference" if references else "Source"
    label = f"  {noun}: " if len(groups) == 1 else f"  {noun}s: "
    lines: list[str] = []
    for index, source in enumerate(groups):
        first = label if index == 0 else "    "
        notes = source.sentences
        if notes and not any(note.claim for note in notes):
            numbers = ", ".join(str(note.line) for note in notes)
            word = "sentence" if len(notes) == 1 else "sentences"
            lines.extend(wrap(f"{source.name()}, {word} {numbers}", width, first, "    "))
            continue
        lines.extend(wrap(source.name(), width, first, "    "))
        for note in notes:
            for caption, text in sentence_lines(note):
                body = f"{caption} {text}" if caption else text
                lines.extend(wrap(body, width, "      ", "        "))
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe_wait(now: datetime, due: datetime, tz: tzinfo) -> str:
    """When a question comes back, in words: "in 10 minutes", "in 3 days (Thu 5 Mar)"."""
    wait = due - now
    if wait < timedelta(minutes=1):
        text = "in under a minute"
    elif wait < timedelta(hours=1):
        text = f"in {_plural(round(wait / timedelta(minutes=1)), 'minute')}"
    elif wait < timedelta(hours=23, minutes=30):
        text = f"in {_plural(round(wait / timedelta(hours=1)), 'hour')}"
    else:
        local, today = due.astimezone(tz), now.astimezone(tz)
        day = f"{local:%a} {local.day} {local:%b}"
        if local.year != today.year:
            day += f" {local.year}"
        text = f"in {_plural(max(1, round(wait / timedelta(days=1))), 'day')} ({day})"
    if wait <= LEARN_AHEAD:
        text += ", later in this session"
    return text


def describe_time(ms: int) -> str:
    """A duration in words: "45 s", "2 min 5 s", "1 h 3 min"."""
    seconds = max(0, round(ms / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


HELP_COMMANDS = (
    "Commands at any answer prompt:",
    "  u   take back your last answer and answer that question again",
    "  q   stop and see the summary (so does Ctrl-D, the end of input)",
    "  ?   this help",
)


def render_help(item: StudyItem, width: int, *, undo: bool, revealed: bool = False) -> list[str]:
    """Help for the current prompt: the commands, then the form of answer expected."""
    lines = [line for line in HELP_COMMANDS if undo or not line.startswith("  u ")]
    if not undo:
        lines.append("  (there is no undo in a quiz: each answer counts as given)")
    form = RATING_HINT if revealed else expected_form(item.question, item.options)
    lines.extend(wrap(form, width, "This question: ", "  "))
    return lines


# --- asking one question ---------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """A readable answer and the moment it was read."""

    response: Response
    at: datetime


def _command_reply(
    command: Command,
    console: Console,
    item: StudyItem,
    *,
    can_undo: Callable[[], bool] | None,
    revealed: bool,
) -> Command | None:
    """Act on a command; return it if it ends the question, None to ask again."""
    if command is Command.HELP:
        undo = can_undo is not None
        console.lines(render_help(item, console.width, undo=undo, revealed=revealed))
        return None
    if command is Command.UNDO:
        if can_undo is None:
            console.say("There is no undo in a quiz: each answer counts as given.")
            return None
        if not can_undo():
            console.say("Nothing to undo yet.")
            return None
    return command


def ask_item(
    console: Console,
    item: StudyItem,
    clock: Callable[[], datetime],
    *,
    can_undo: Callable[[], bool] | None,
) -> Given | Command:
    """Ask until a readable answer or a command that ends the question (undo, quit, EOF).

    ``can_undo`` says whether there is an answer to take back; None means undo
    does not exist here (a quiz).
    Unreadable lines get the expected form as a hint and the question is asked again.
    """
    question = item.question
    revealed = False
    if isinstance(question, Flashcard):
        console.say("(Press Enter to see the back of the card.)")
    else:
        console.lines(wrap(expected_form(question, item.options), console.width))
    while True:
        line = console.ask()
        if line is None:
            return Command.QUIT
        command = parse_command(line)
        if command is not None:
            done = _command_reply(command, console, item, can_undo=can_undo, revealed=revealed)
            if done is not None:
                return done
            continue
        if isinstance(question, Flashcard) and not revealed:
            revealed = True
            if line.strip():
                console.lines(wrap(line.strip(), console.width, "You said: ", "  "))
            console.lines(wrap(question.answer, console.width, "Back: ", "  "))
            console.say(RATING_HINT)
            continue
        parsed: Answer | Problem = (
            parse_rating(line) if revealed else parse_answer(question, item.options, line)
        )
        if isinstance(parsed, Answer):
            return Given(parsed.response, clock())
        console.lines(wrap(parsed.hint + " (? for help)", console.width))


def _elapsed_ms(start: datetime, end: datetime) -> int:
    return max(0, round((end - start) / timedelta(milliseconds=1)))


# --- study -----------------------------------------------------------------------------------


_KIND_WORDS = {
    ItemKind.NEW: "new",
    ItemKind.LEARNING: "learning",
    ItemKind.REVIEW: "review",
    ItemKind.QUIZ: "quiz",
}


def run_study(
    session: StudySession, console: Console, clock: Callable[[], datetime], tz: tzinfo
) -> None:
    """Run a study session until it is done, the learner quits, or input ends."""
    counts = session.counts(clock())
    chosen = sorted(session.topics)
    topics = f" in {short_refs(chosen, installed_topics(session.database))}" if chosen else ""
    console.lines(
        wrap(
            f"Studying as {session.learner.name}{topics}: {counts.new} new, {counts.due} due, "
            f"{counts.learning} in learning. Type ? for help, q to stop.",
            console.width,
        )
    )
    again: StudyItem | None = None
    removed = session.removed_questions
    while True:
        shown_at = clock()
        item = again or session.next_item(shown_at)
        again = None
        if session.removed_questions > removed:
            skipped = session.removed_questions - removed
            removed = session.removed_questions
            console.lines(
                wrap(
                    f"{_plural(skipped, 'question')} of this session "
                    f"{'was' if skipped == 1 else 'were'} removed (a pack was removed while "
                    "you studied); skipped.",
                    console.width,
                )
            )
        if item is None:
            console.say()
            console.say("That's all for now: nothing else is due.")
            return
        number = session.summary(shown_at).answered + 1
        left = session.counts(shown_at)
        console.say()
        console.say(
            rule(
                f"{number} · {_KIND_WORDS[item.kind]} · {item.topic_title}",
                f"left: {left.new} new, {left.due} due, {left.learning} learning",
                console.width,
            )
        )
        console.lines(render_question(item, console.width))
        reply = ask_item(console, item, clock, can_undo=lambda: session.can_undo)
        if reply is Command.QUIT:
            return
        if reply is Command.UNDO:
            again = session.undo()
            console.say("Took back your last answer; here is that question again.")
            continue
        assert isinstance(reply, Given)
        try:
            outcome = save_patiently(
                console,
                partial(
                    session.answer,
                    item,
                    reply.response,
                    now=reply.at,
                    response_ms=_elapsed_ms(shown_at, reply.at),
                ),
            )
        except QuestionRemovedError:
            removed = session.removed_questions
            console.lines(
                wrap(
                    "This question was removed (its pack was removed) while you answered, so "
                    "your answer could not be kept. On to the next one.",
                    console.width,
                )
            )
            continue
        console.lines(
            render_outcome(
                item,
                outcome.grade,
                console.width,
                response=reply.response,
                comes_back=describe_wait(reply.at, outcome.next_due, tz),
            )
        )


def render_study_summary(summary: StudySummary, width: int) -> list[str]:
    """The totals of a study session."""
    lines = ["", "Session summary"]
    if summary.answered == 0:
        lines.append("  No questions answered.")
        return lines
    lines += [
        f"  Answered: {summary.answered}",
        f"  Right:    {summary.right}",
        f"  Partly:   {summary.partly}",
        f"  Wrong:    {summary.wrong}",
        f"  New:      {summary.new}",
        f"  Time:     {describe_time(summary.time_ms)}",
    ]
    if summary.still_learning:
        lines.extend(
            wrap(
                f"{_plural(summary.still_learning, 'question')} still in learning: they come "
                "back within minutes, so study again soon.",
                width,
                "  ",
            )
        )
    return lines


# --- quiz ------------------------------------------------------------------------------------


def run_quiz(quiz: Quiz, console: Console, clock: Callable[[], datetime], tz: tzinfo) -> None:
    """Ask the quiz's questions in order until the end, ``q`` or the end of input."""
    settings = quiz.settings
    scope = (
        short_refs(settings.topics, installed_topics(quiz.database))
        if settings.topics
        else "all topics"
    )
    when = "after each answer" if settings.feedback is Feedback.AFTER_EACH else "at the end"
    console.lines(
        wrap(
            f"Quiz for {quiz.learner.name}: {_plural(len(quiz.items), 'question')} from {scope}, "
            f"seed {settings.seed} (repeat it with --seed {settings.seed}). Right and wrong "
            f"are shown {when}. Type ? for help, q to stop.",
            console.width,
        )
    )
    total = len(quiz.items)
    for position, item in enumerate(quiz.items):
        shown_at = clock()
        console.say()
        console.say(rule(f"{position + 1} of {total} · {item.topic_title}", "", console.width))
        console.lines(render_question(item, console.width))
        reply = ask_item(console, item, clock, can_undo=None)
        if not isinstance(reply, Given):
            return
        try:
            answer = save_patiently(
                console,
                partial(
                    quiz.answer,
                    position,
                    reply.response,
                    now=reply.at,
                    response_ms=_elapsed_ms(shown_at, reply.at),
                ),
            )
        except QuestionRemovedError:
            console.lines(
                wrap(
                    "This question was removed (its pack was removed) during the quiz, so "
                    "your answer could not be kept; it counts as not answered.",
                    console.width,
                )
            )
            continue
        if settings.feedback is Feedback.AFTER_EACH:
            console.lines(
                render_outcome(item, answer.grade, console.width, response=reply.response)
            )


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def render_stopped_quiz(quiz: Quiz, width: int) -> list[str]:
    """What a quiz stopped before its end says: no score, kept as abandoned."""
    return [
        "",
        "Quiz stopped",
        *wrap(
            f"You answered {quiz.answered_count} of {len(quiz.items)}. A quiz stopped early "
            "is kept as abandoned: it gets no score and stays out of your figures. The "
            "answers you gave are kept.",
            width,
            "  ",
            "  ",
        ),
    ]


def render_quiz_result(quiz: Quiz, result: QuizResult, width: int) -> list[str]:
    """The score overall and per topic; with feedback at the end, every answer first."""
    lines: list[str] = []
    if quiz.settings.feedback is Feedback.AT_END and result.answers:
        lines += ["", "Your answers"]
        for answer in result.answers:
            lines.append("")
            title = f"{answer.position + 1}. "
            for line in render_quote(answer.item, width - 3):
                lines.append("   " + line)
            lines.extend(wrap(answer.item.question.display_prompt, width, title, "   "))
            for line in render_outcome(answer.item, answer.grade, width - 3):
                lines.append("   " + line)
    lines += ["", "Quiz result"]
    if result.questions:
        lines.append(
            f"  Score: {_points(result.score)} of {result.questions} ({round(result.percent)}%)"
        )
    else:
        lines.append("  Not scored: every question was a flashcard you rated yourself.")
    missing = result.questions - result.answered
    if missing:
        lines.append(f"  Not answered: {missing} (they count as 0)")
    if result.self_rated:
        lines.append(
            f"  Rated by you: {_plural(result.self_rated, 'flashcard')} (not part of the score)"
        )
    if result.per_topic:
        lines.append("  By topic:")
        names = [score.title for score in result.per_topic]
        column = min(max(len(name) for name in names), width // 2)
        for score in result.per_topic:
            name = score.title if len(score.title) <= column else score.title[: column - 1] + "…"
            points = f"{_points(score.score)} of {score.questions}"
            lines.append(f"    {name:<{column}}  {points:>9}  {round(score.percent):>3}%")
    return lines
