"""Hand-written packs: each slip a teacher makes in TOML gets a message in their words."""

from __future__ import annotations

import tomli
from hypothesis import given
from hypothesis import strategies as st
from small_pack import with_five_mistakes

from crisisquiz.core.pack_loader import PackError, PackIssue, parse_pack_text
from crisisquiz.core.pack_toml import open_string_at, read_pack_toml, straighten_quotes


def issues_of(text: str) -> tuple[PackIssue, ...]:
    try:
        parse_pack_text(text, name="pack.toml")
    except PackError as error:
        return error.issues
    raise AssertionError("the pack was accepted")


def only_issue(text: str) -> PackIssue:
    issues = issues_of(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def line_equal(text: str, wanted: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line == wanted)


def test_unclosed_quote_says_so_and_where_the_text_began(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'prompt = "Who led the Soviet', 'prompt = "Who led the Soviet', 1
    )
    text = text.replace('"Who led the Soviet Union in 1962?"', '"Who led the Soviet Union in 1962?')
    issue = only_issue(text)
    line = line_of(text, "Who led the Soviet")
    assert (issue.line, issue.column) == (line, 10)
    assert issue.message == (
        f'the text that starts at line {line}, column 10 ("Who led the Soviet Union in 1…) '
        'has no closing quote: end it with " on the same line'
    )


def test_unclosed_quote_at_the_very_end_of_the_file(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'prompt = "Year of the crisis?"', 'prompt = "Year of the crisis?'
    )
    text = text.replace("answer = 1962\ndifficulty = 2\n", "")
    text = text.rstrip("\n")
    unclosed = [i for i in issues_of(text) if "has no closing quote" in i.message]
    assert [i.line for i in unclosed] == [line_of(text, "Year of the crisis")]


def test_text_carried_over_two_lines_is_explained_once(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'explanation = "Brezhnev replaced him in 1964."',
        'explanation = "Brezhnev replaced him\nin October 1964."',
    )
    issue = only_issue(text)
    assert issue.line == line_of(text, "explanation =")
    assert "goes on over several lines" in issue.message
    assert '"""' in issue.message


def test_unclosed_triple_quote(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'explanation = "Brezhnev replaced him in 1964."',
        'explanation = """Brezhnev replaced him in 1964.',
    )
    issue = only_issue(text)
    assert issue.line == line_of(text, "explanation =")
    assert 'starts with """' in issue.message and "never closed" in issue.message


def test_typographic_quotes_are_named_with_their_line(small_pack_text: str) -> None:
    text = small_pack_text.replace('title = "Beta"', "title = “Beta”")
    text = text.replace(
        'choices = ["Khrushchev", "Brezhnev", "Stalin"]',
        "choices = [“Khrushchev”, “Brezhnev”, “Stalin”]",
    )
    issues = issues_of(text)
    assert [i.line for i in issues] == [line_of(text, "“Beta”"), line_of(text, "“Khrushchev”")]
    for issue in issues:
        assert f"line {issue.line} uses typographic quotes (“ ”)" in issue.message
        assert "word processor" in issue.message
        assert 'straight quotes " "' in issue.message


def test_curly_apostrophes_inside_straight_quotes_are_fine(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'prompt = "Earliest first."', 'prompt = "Earliest first, Kennedy’s “day” last."'
    )
    pack = parse_pack_text(text)
    assert pack.questions[6].prompt == "Earliest first, Kennedy’s “day” last."


def test_single_brackets_for_questions(small_pack_text: str) -> None:
    text = small_pack_text.replace('[[questions]]\nid = "mc"', '[questions]\nid = "mc"')
    issue = only_issue(text)
    assert issue.line == line_equal(text, "[questions]")
    assert issue.message.startswith(
        "write [[questions]] with double square brackets, not [questions]"
    )


def test_single_brackets_everywhere_are_all_reported(small_pack_text: str) -> None:
    text = small_pack_text.replace("[[questions]]", "[questions]").replace("[[topics]]", "[topics]")
    issues = issues_of(text)
    assert len(issues) == 11
    assert {i.message.split(",")[0] for i in issues} == {
        "write [[questions]] with double square brackets",
        "write [[topics]] with double square brackets",
    }


def test_one_single_bracket_questions_table_that_parses_is_still_explained(
    small_pack_text: str,
) -> None:
    head, _, _ = small_pack_text.partition('[[questions]]\nid = "mc"')
    text = head.replace("[[questions]]", "[questions]")
    issue = only_issue(text)
    assert "double square brackets" in issue.message


def test_wrong_value_type_is_placed_on_its_own_line(small_pack_text: str) -> None:
    text = small_pack_text.replace('version = "1.0.0"', "version = 1.0")
    issue = only_issue(text)
    assert (issue.line, issue.field) == (4, "pack.version")
    assert issue.message == "must be text between quotes, not 1.0"
    text = small_pack_text.replace('title = "Beta"', "title = 4")
    issue = only_issue(text)
    assert (issue.line, issue.field) == (line_of(text, "title = 4"), "topics[2].title")
    text = small_pack_text.replace('authors = ["Tester"]', 'authors = "Tester"')
    issue = only_issue(text)
    assert issue.line == 5
    assert issue.message.startswith("must be a list in square brackets")


def test_unquoted_version_and_text(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('version = "1.0.0"', "version = 1.0.0"))
    assert (issue.line, issue.message) == (
        4,
        'text must be between straight quotes: version = "1.0.0"',
    )
    issue = only_issue(small_pack_text.replace('title = "Beta"', "title = Beta"))
    assert issue.message == 'text must be between straight quotes: title = "Beta"'


def test_quote_inside_text(small_pack_text: str) -> None:
    text = small_pack_text.replace(
        'prompt = "Earliest first."', 'prompt = "Put the "thirteen days" in order."'
    )
    issue = only_issue(text)
    assert issue.line == line_of(text, "thirteen days")
    assert 'has a quote mark " inside it' in issue.message
    assert '\\"' in issue.message


def test_true_in_capitals_and_colon_for_equals(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace("answer = true", "answer = True"))
    assert "true or false in small letters" in issue.message
    issue = only_issue(small_pack_text.replace('title = "Beta"', 'title: "Beta"'))
    assert issue.message == "use = between a field's name and its value, not a colon"


def test_field_given_twice(small_pack_text: str) -> None:
    text = small_pack_text.replace("answer = 1962", "answer = 1962\nanswer = 1963")
    issue = only_issue(text)
    assert issue.line == line_of(text, "answer = 1963")
    assert issue.message.startswith("'answer' is given a second time")


def test_unclosed_list_names_its_first_line(small_pack_text: str) -> None:
    text = small_pack_text.replace('"Stalin"]', '"Stalin"')
    issue = only_issue(text)
    assert issue.line == line_of(text, 'choices = ["Khrushchev"')
    assert "never closed: end it with ]" in issue.message


def test_ids_outside_a_to_z_name_the_allowed_characters(small_pack_text: str) -> None:
    issue = only_issue(small_pack_text.replace('id = "mc"', 'id = "Bahía de Cochinos"'))
    assert issue.field == "id"
    assert issue.message == (
        "'Bahía de Cochinos' is not an id: an id uses only small letters a-z, digits 0-9 "
        "and hyphens (-), so not capital letters, letters with accents ('í'), spaces; "
        "you could write 'bahia-de-cochinos'"
    )
    issue = only_issue(small_pack_text.replace('id = "mc"', 'id = "-mc"'))
    assert "starting and ending with a letter or digit" in issue.message


def test_five_commonest_mistakes_give_five_messages(small_pack_text: str) -> None:
    text = with_five_mistakes(small_pack_text)
    issues = issues_of(text)
    assert [(i.line, i.message.split(":")[0].split(",")[0]) for i in issues] == [
        (line_of(text, '"Alpha'), "the text that starts at line 13"),
        (line_of(text, "“Beta”"), f"line {line_of(text, '“Beta”')} uses typographic quotes (“ ”)"),
        (line_equal(text, "[questions]"), "write [[questions]] with double square brackets"),
        (line_of(text, "Quarantine Date"), "'Quarantine Date' is not an id"),
        (line_of(text, 'difficulty = "2"'), "must be a whole number without quotes"),
    ]


def test_open_string_scanner() -> None:
    text = 'a = "x" # "not a string\nb = \'lit\\\' c = """multi\n"line'
    assert open_string_at(text, len(text)) == (text.index('"""'), '"""')
    assert open_string_at(text, text.index("c =")) is None
    assert open_string_at('a = "b\\"c', 9) == (4, '"')


def test_straighten_quotes_leaves_straight_strings_alone() -> None:
    assert straighten_quotes('a = [“x”, "it’s", ‘y’] # “note”') == 'a = ["x", "it’s", "y"] # “note”'
    assert straighten_quotes('a = “say "hi"”') == 'a = "say \\"hi\\""'


@given(st.text(alphabet=st.sampled_from(list("ab =[]\"'\n#“”{},.1\\")), max_size=60))
def test_any_text_is_read_or_explained_never_raises(text: str) -> None:
    reading = read_pack_toml(text)
    try:
        tomli.loads(text)
        valid = True
    except tomli.TOMLDecodeError:
        valid = False
    if valid and not reading.problems:
        assert reading.data == tomli.loads(text)
    if not valid:
        assert reading.problems
    for problem in reading.problems:
        assert 1 <= problem.line <= text.count("\n") + 1
        assert problem.message
