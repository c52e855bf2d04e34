"""The pack format's second edition: documents and references, quotations, guides, timeline.

Every rule a teacher can break is reported with the entry, the field and the line.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crisisquiz.core.pack_loader import PackError, PackIssue, load_pack, parse_pack_text
from crisisquiz.core.pack_schema import SourceKind, TrueFalse
from crisisquiz.core.packs import PackService, pack_to_dict, pack_to_json, pack_to_toml
from crisisquiz.storage.database import Database


def issues_of(text: str) -> tuple[PackIssue, ...]:
    with pytest.raises(PackError) as caught:
        parse_pack_text(text, name="pack.toml")
    return caught.value.issues


def only_issue(text: str) -> PackIssue:
    issues = issues_of(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def line_of(text: str, issue: PackIssue) -> str:
    assert issue.line is not None, str(issue)
    return text.splitlines()[issue.line - 1].strip()


def test_the_additions_load(cited_pack_text: str) -> None:
    pack = parse_pack_text(cited_pack_text)
    essay, notes, dobbs = pack.sources
    assert (essay.kind, essay.publisher, essay.date) == (
        SourceKind.DOCUMENT,
        "The Moscow Times",
        "2022-10",
    )
    note = essay.sentence(3)
    assert note is not None
    assert note.error.startswith("The Bulgaria visit")
    assert essay.sentence(4) is None
    # A source without a kind is a document, as every earlier pack's sources were.
    assert notes.kind is SourceKind.DOCUMENT
    assert (dobbs.kind, dobbs.author, dobbs.date) == (SourceKind.REFERENCE, "Michael Dobbs", "2008")
    question = pack.questions[0]
    assert question.quote is not None
    assert (question.quote.ref, question.quote.text) == (
        "essay:3",
        "In March 1962, during a visit to Bulgaria",
    )
    assert pack.topics[0].guide.startswith("Khrushchev chose")
    assert "\n\n" in pack.topics[0].guide
    assert [e.date for e in pack.timeline] == ["1959", "1962-05", "1962-10-14"]
    assert pack.timeline[1].topic == "alpha"


def test_earlier_packs_need_none_of_it(small_pack_text: str) -> None:
    pack = parse_pack_text(small_pack_text)
    assert pack.timeline == ()
    assert all(t.guide == "" for t in pack.topics)
    assert pack.sources[0].kind is SourceKind.DOCUMENT


def test_a_reference_is_cited_without_a_line(cited_pack_text: str) -> None:
    text = cited_pack_text.replace(
        'sources = ["dobbs-2008", "notes"]', 'sources = ["dobbs-2008:12"]'
    )
    issue = only_issue(text)
    assert (issue.question, issue.field) == ("'ships-turned' (#2)", "sources")
    assert "'dobbs-2008' is a reference, cited by its id alone" in issue.message
    assert line_of(text, issue).startswith("sources =")


def test_a_quotation_comes_from_a_cited_sentence_of_a_document(cited_pack_text: str) -> None:
    cases = {
        'ref = "dobbs-2008"': "a quotation comes from a sentence of a document",
        'ref = "essay"': "'essay' names no sentence: write essay:LINE",
        'ref = "essay:7"': "'essay:7' must also be listed in the question's sources",
        'ref = "diary:2"': "source 'diary' is not declared",
    }
    for replacement, message in cases.items():
        text = cited_pack_text.replace('ref = "essay:3"', replacement)
        issue = only_issue(text)
        assert (issue.question, issue.field) == ("'decision-month' (#1)", "quote.ref")
        assert message in issue.message
        assert line_of(text, issue).startswith("quote =")


def test_a_quotation_has_text_of_quotation_length(cited_pack_text: str) -> None:
    text = cited_pack_text.replace('text = "In March 1962', 'text = "' + "word " * 130 + "In March")
    issue = only_issue(text)
    assert issue.field == "quote.text"
    assert "600 characters" in issue.message
    text = cited_pack_text.replace(
        'quote = { ref = "essay:3", text = "In March 1962, during a visit to Bulgaria" }',
        'quote = { ref = "essay:3" }',
    )
    assert (only_issue(text).field, only_issue(text).message) == ("quote.text", "is required")


def test_sentence_notes_belong_to_documents(cited_pack_text: str) -> None:
    text = cited_pack_text.replace(
        'date = "2008"\n', 'date = "2008"\n\n[[sources.sentences]]\nline = 1\nclaim = "Says so."\n'
    )
    issue = only_issue(text)
    assert issue.field == "sources[3].sentences"
    assert issue.message.startswith("source 'dobbs-2008': a reference is cited whole")
    assert line_of(text, issue) == "[[sources.sentences]]"


def test_each_sentence_is_described_once_with_a_claim(cited_pack_text: str) -> None:
    text = cited_pack_text.replace("line = 7", "line = 3")
    issue = only_issue(text)
    assert (issue.field, issue.message) == (
        "sources[1].sentences",
        "source 'essay': sentence 3 is described twice",
    )
    text = cited_pack_text.replace("line = 7", "line = 0")
    issue = only_issue(text)
    assert issue.field == "sources[1].sentences[2].line"
    assert issue.message.startswith("source 'essay' (#1): ")
    assert line_of(text, issue) == "line = 0"
    text = cited_pack_text.replace(
        'claim = "The essay says US missiles in Turkey and Italy could reach Soviet cities."\n', ""
    )
    issue = only_issue(text)
    assert (issue.field, issue.message) == (
        "sources[1].sentences[2].claim",
        "source 'essay' (#1): is required",
    )
    assert line_of(text, issue) == "[[sources.sentences]]"


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("Oct 1962", "'Oct 1962' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1962-10-14"),
        ("1962-13", "'1962-13' has no month 13: months run from 01 to 12"),
        ("1962-02-30", "'1962-02-30' is not a day of the calendar: that month has 28 days"),
        ("62-10-14", "'62-10-14' is not a date"),
    ],
)
def test_dates_are_real_and_written_the_one_way(
    cited_pack_text: str, date: str, message: str
) -> None:
    text = cited_pack_text.replace('date = "2022-10"', f'date = "{date}"')
    issue = only_issue(text)
    assert issue.field == "sources[1].date"
    assert message in issue.message
    assert line_of(text, issue).startswith("date =")
    text = cited_pack_text.replace('date = "1962-05"', f'date = "{date}"')
    issue = only_issue(text)
    assert issue.field == "timeline[2].date"
    assert issue.message.startswith(f"timeline entry #2: {message}")


def test_the_timeline_runs_in_date_order(cited_pack_text: str) -> None:
    text = cited_pack_text.replace('date = "1962-10-14"', 'date = "1962-04-30"')
    issue = only_issue(text)
    assert issue.field == "timeline[3].date"
    assert issue.message == (
        "1962-04-30 comes after entry #2 (1962-05) but is earlier: list the timeline in date order"
    )
    assert line_of(text, issue) == 'date = "1962-04-30"'
    # A date given to the month sorts before the days of that month.
    parse_pack_text(cited_pack_text.replace('date = "1962-10-14"', 'date = "1962-05-01"'))


def test_timeline_topics_and_fields_are_checked(cited_pack_text: str) -> None:
    text = cited_pack_text.replace(
        'topic = "beta"\n\n[[questions]]', 'topic = "gamma"\n\n[[questions]]'
    )
    issue = only_issue(text)
    assert (issue.field, issue.message) == (
        "timeline[3].topic",
        "topic 'gamma' is not declared in [[topics]]",
    )
    assert line_of(text, issue) == 'topic = "gamma"'
    text = cited_pack_text.replace('event = "Castro takes power."', 'what = "Castro takes power."')
    messages = {(i.field, i.message) for i in issues_of(text)}
    assert messages == {
        ("timeline[1].event", "timeline entry #1: is required"),
        (
            "timeline[1].what",
            "timeline entry #1: is not a field of a timeline entry (check the spelling)",
        ),
    }


def test_a_source_kind_is_document_or_reference(cited_pack_text: str) -> None:
    text = cited_pack_text.replace('kind = "reference"', 'kind = "book"')
    issue = only_issue(text)
    assert issue.field == "sources[3].kind"
    assert issue.message == (
        "source 'dobbs-2008' (#3): 'book' is not allowed here; use 'document' or 'reference'"
    )
    # The questions citing it are not reported again: the mistake is in the source.
    assert line_of(text, issue) == 'kind = "book"'


def test_guides_have_a_length_limit(cited_pack_text: str) -> None:
    text = cited_pack_text.replace(
        "The quarantine began on 24 October.", "The quarantine began. " * 1000
    )
    issue = only_issue(text)
    assert issue.field == "topics[1].guide"
    assert "20000 characters" in issue.message


def test_export_keeps_every_addition(
    database: Database, cited_pack_text: str, now: datetime, tmp_path: Path
) -> None:
    service = PackService(database)
    original = parse_pack_text(cited_pack_text)
    service.import_pack(original, now=now)
    stored = service.get_pack("cited-pack")
    assert pack_to_dict(stored) == pack_to_dict(original)
    assert stored.sources[0].sentences == original.sources[0].sentences
    assert stored.timeline == original.timeline
    assert '"timeline": [' in pack_to_json(stored)
    toml_text = pack_to_toml(stored)
    assert "[[sources.sentences]]" in toml_text
    assert 'quote = { ref = "essay:3", text = "In March 1962, during a visit to Bulgaria" }' in (
        toml_text
    )
    toml_file = tmp_path / "exported.toml"
    toml_file.write_text(toml_text, encoding="utf-8")
    assert pack_to_dict(load_pack(toml_file)) == pack_to_dict(original)


def test_a_new_version_replaces_notes_guides_and_timeline(
    database: Database, cited_pack_text: str, now: datetime
) -> None:
    service = PackService(database)
    service.import_pack(parse_pack_text(cited_pack_text), now=now)
    newer = (
        cited_pack_text.replace('version = "1.0.0"', 'version = "1.1.0"')
        .replace("line = 7", "line = 8")
        .replace("The quarantine began on 24 October.", "The quarantine began on 24 October 1962.")
        .replace('[[timeline]]\ndate = "1959"\nevent = "Castro takes power."\n\n', "")
    )
    service.import_pack(parse_pack_text(newer), now=now)
    stored = service.get_pack("cited-pack")
    assert [s.line for s in stored.sources[0].sentences] == [3, 8]
    assert stored.topics[0].guide.endswith("24 October 1962.")
    assert [e.date for e in stored.timeline] == ["1962-05", "1962-10-14"]
    tf = stored.questions[1]
    assert isinstance(tf, TrueFalse)
    assert tf.sources == ("dobbs-2008", "notes")
