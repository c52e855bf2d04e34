"""Reading a file in bulk gives exactly what checking each question on arrival gives.

A file's questions are validated together, in one call, and checked one by one only
when something is wrong (see crisisquiz.interop.build). These tests read the same
files both ways and compare everything a teacher sees: the pack, every report line,
and every problem with its place. Text helpers written for speed are compared with
the plain form they replace.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from samples import SAMPLES, need_samples

from crisisquiz.core.pack_loader import PackError
from crisisquiz.interop.build import PackBuilder
from crisisquiz.interop.registry import ReadOptions, read_pack
from crisisquiz.interop.report import Converted, Outcome, ReportLines, title_of
from crisisquiz.interop.text import content_id, slugify


@pytest.fixture
def together_calls(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, per pack built, whether the bulk path gave it (True) or fell back."""
    calls: list[bool] = []
    bulk = PackBuilder._built_together

    def recorded(self: PackBuilder) -> Converted | None:
        built = bulk(self)
        calls.append(built is not None)
        return built

    monkeypatch.setattr(PackBuilder, "_built_together", recorded)
    return calls


def read_one_by_one(path: Path, options: ReadOptions | None = None) -> Converted:
    """``read_pack`` with every question checked on its own, as before the bulk path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PackBuilder, "_built_together", lambda self: None)
        return read_pack(path, options)


def assert_same(bulk: Converted, checked: Converted) -> None:
    assert bulk.pack == checked.pack
    assert bulk.pack.media == checked.pack.media
    assert list(bulk.report.entries) == list(checked.report.entries)
    assert (bulk.report.source, bulk.report.format, bulk.report.notes) == (
        checked.report.source,
        checked.report.format,
        checked.report.notes,
    )
    assert bulk.report.summary() == checked.report.summary()
    assert bulk.report.problems() == checked.report.problems()
    assert bulk.report.to_csv() == checked.report.to_csv()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


QUIZLET = """\
Havana\tCapital of Cuba
Moscow\tCapital of the Soviet Union
Havana\tWhere Castro's government sat
  Kennedy  \t  President of the United States in 1962\x20\x20
\t
Khrushchev\tFirst Secretary, who sent the missiles; a very long definition that goes on \
and on, longer than a report line holds
"""

CSV = """\
type,id,topic,prompt,answer,choice 1,choice 2,choice 3,accept,tags,sources
multiple_choice,,People,Who led the USSR in 1962?,2,Kennedy,Khrushchev,Castro,,Leaders;  Cold War,
short_answer,sa-1,People,Who was the US Attorney General?,Robert Kennedy,,,,RFK|Bobby Kennedy,,
true_false,,Events,The quarantine line was first set at 800 nautical miles.,yes,,,,,,
ordering,,Events,Earliest first.,,Revolution,Bay of Pigs,Missile crisis,,,
matching,,People,Match each to a role.,,McNamara -> Defense,Rusk -> State,-> Treasury,,,
year,,Events,When did the crisis take place?,1962,,,,,,
cloze,,Events,Kennedy called it a {{quarantine}}.,,,,,,,notes:2
,,,A flashcard front,Its back,,,,,,
"""

GIFT = """\
$CATEGORY: $course$/top/Cold War

::Leader::Who led the Soviet Union in 1962? {=Khrushchev ~Kennedy ~Castro}

::Leader::Name the Soviet leader in 1962. {=Khrushchev =Nikita Khrushchev}

::Pairs::Match one thing. {
    =Kennedy -> United States
}

::Pairs::Which country sent the missiles? {=Soviet Union ~United States}

::Essay::Write about the crisis. {}

The blockade was called a {=quarantine} by Kennedy.
"""


@pytest.mark.parametrize(
    ("name", "text", "options"),
    [
        ("set.txt", QUIZLET, ReadOptions()),
        ("set.txt", QUIZLET, ReadOptions(quizlet_as="short_answer")),
        (
            "set.txt",
            "Havana - Capital;Moscow - Capital of the USSR;Havana - again",
            ReadOptions(term_separator=" - ", row_separator=";", title="Capitals"),
        ),
        ("class.csv", CSV, ReadOptions(pack_id="class-pack", version="2.0.0")),
    ],
)
def test_clean_files_take_the_bulk_path_and_read_as_one_by_one(
    tmp_path: Path, together_calls: list[bool], name: str, text: str, options: ReadOptions
) -> None:
    path = write(tmp_path, name, text)
    bulk = read_pack(path, options)
    assert together_calls == [True]
    assert_same(bulk, read_one_by_one(path, options))


def test_a_question_skipped_gives_the_next_one_its_id_as_one_by_one(
    tmp_path: Path, together_calls: list[bool]
) -> None:
    path = write(tmp_path, "bank.gift", GIFT)
    bulk = read_pack(path)
    assert together_calls == [False]
    assert_same(bulk, read_one_by_one(path))
    entries = {entry.where: entry for entry in bulk.report.entries}
    # Both "Leader" questions are kept: the second id takes a suffix.
    ids = [q.id for q in bulk.pack.questions]
    assert len(ids) == len(set(ids)) == 4
    # The one-pair matching is skipped with the rule it breaks, so the next "Pairs"
    # question gets the id without a suffix, as if the skipped one had never come.
    skipped = [e for e in entries.values() if e.outcome is Outcome.SKIPPED]
    assert any("at least 2 pairs" in "; ".join(e.notes) for e in skipped)
    pairs = next(e for e in entries.values() if e.title.startswith("Pairs") and e.question_id)
    assert pairs.question_id is not None
    assert not pairs.question_id.endswith("-2")


@pytest.mark.parametrize(
    ("name", "text", "options"),
    [
        ("set.txt", "Havana\tCapital\nMoscow\n\nKyiv\t\n", ReadOptions()),
        ("set.txt", "Havana\tCapital\n" + "x" * 5000 + "\tToo long a term\n", ReadOptions()),
        (
            "class.csv",
            "type,topic,prompt,answer,choice 1,choice 2\n"
            "multiple_choice,People,Who?,Brezhnev,Kennedy,Khrushchev\n"
            "shape,People,What?,x,,\n"
            "year,Events,When?,1962.5,,\n"
            "flashcard,Events,Front,Back,,\n",
            ReadOptions(),
        ),
        ("set.txt", "Havana\tCapital\n", ReadOptions(version="one")),
        ("set.txt", "Havana\tCapital\n", ReadOptions(pack_id="Not An Id")),
    ],
)
def test_problems_are_the_same_and_in_the_same_order(
    tmp_path: Path, name: str, text: str, options: ReadOptions
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(PackError) as bulk:
        read_pack(path, options)
    with pytest.raises(PackError) as checked:
        read_one_by_one(path, options)
    assert [str(issue) for issue in bulk.value.issues] == [
        str(issue) for issue in checked.value.issues
    ]


@need_samples
@pytest.mark.parametrize(
    "sample",
    sorted(
        path
        for folder in ("gift", "moodle_xml", "aiken", "anki")
        for path in (SAMPLES / folder).glob("*")
        if path.is_file() and path.suffix != ".json"
    )
    if SAMPLES.is_dir()
    else [],
    ids=lambda path: path.name,
)
def test_files_from_other_apps_read_as_one_by_one(sample: Path) -> None:
    def outcome(read: Callable[[Path], Converted]) -> Converted | list[str]:
        try:
            return read(sample)
        except PackError as error:
            return [str(issue) for issue in error.issues]

    bulk, checked = outcome(read_pack), outcome(read_one_by_one)
    if isinstance(bulk, Converted) and isinstance(checked, Converted):
        assert_same(bulk, checked)
    else:
        assert bulk == checked


# -- the report's lines ------------------------------------------------------------------


def test_report_lines_read_as_the_entries_they_stand_for() -> None:
    skipped = ("line 2", "An essay", Outcome.SKIPPED, None, None, ("an essay is marked",))
    from crisisquiz.interop.report import ReportEntry

    rows = [
        ("line 1", "  Havana\tand   more\nsecond line", "havana-1", "flashcard", ()),
        ReportEntry(*skipped),
        ("line 3", "Moscow", "moscow-1", "short_answer", ("tag 'A' written as 'a'",)),
    ]
    lines = ReportLines(rows)
    expected = (
        ReportEntry("line 1", "Havana and more", Outcome.CONVERTED, "havana-1", "flashcard"),
        ReportEntry(*skipped),
        ReportEntry("line 3", "Moscow", Outcome.CHANGED, "moscow-1", "short_answer", rows[2][4]),
    )
    assert lines.problems() == list(expected[1:])
    assert lines.counts() == {Outcome.CONVERTED: 1, Outcome.SKIPPED: 1, Outcome.CHANGED: 1}
    assert tuple(lines) == expected
    assert lines == expected
    assert lines[1:] == expected[1:]
    assert len(lines) == 3


# -- text helpers written for speed --------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def slugify_by_pattern(text: str, *, max_words: int = 8, max_length: int = 48) -> str:
    """slugify as first written, with a regular expression."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = "-".join(_WORD.findall(flat.lower())[:max_words])
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def title_by_splitting(text: str) -> str:
    """title_of as first written: first line, spaces made single, cut to 70."""
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= 70 else line[:69] + "…"


texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000-_.Éé0Z"),
    max_size=120,
)


@given(texts, st.integers(1, 12), st.integers(1, 80))
def test_slugify_is_the_pattern_it_replaced(text: str, words: int, length: int) -> None:
    assert slugify(text, max_words=words, max_length=length) == slugify_by_pattern(
        text, max_words=words, max_length=length
    )


@given(texts)
def test_title_of_is_the_splitting_it_replaced(text: str) -> None:
    assert title_of(text) == title_by_splitting(text)


@given(texts)
def test_content_ids_are_the_documented_slug_and_digest(text: str) -> None:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    assert (
        content_id(text, text, "card")
        == f"{slugify(text, max_words=6, max_length=40) or 'card'}-{digest}"
    )
