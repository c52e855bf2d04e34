"""Packs that would exhaust the machine are refused early, in words, and nothing else is read.

Each test here is one way a pack (made by mistake or on purpose) used to hang the app,
fill its memory or its database, print megabytes, or crash with a traceback.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hang_guard import finishes
from sqlalchemy import event, text

from crisisquiz.core import pack_loader
from crisisquiz.core.pack_limits import (
    MAX_MEDIA_FILE_BYTES,
    MAX_PACK_TEXT_BYTES,
    MAX_PROBLEMS_LISTED,
    MAX_TITLE,
)
from crisisquiz.core.pack_loader import PackError, load_pack, parse_pack_text
from crisisquiz.core.packs import PackService
from crisisquiz.storage.database import Database

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX files")

IMAGE_LINE = 'prompt = "Year of the crisis?"'
WITH_IMAGE = IMAGE_LINE + '\nimage = "media/map.png"\nimage_alt = "Map of Cuba"'


def refusal(call: object) -> PackError:
    with pytest.raises(PackError) as caught:
        finishes(call)  # type: ignore[arg-type]
    return caught.value


# -- what is read at all ------------------------------------------------------------------------


@posix_only
def test_a_fifo_as_a_pack_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pack.toml"
    os.mkfifo(fifo)
    error = refusal(lambda: load_pack(fifo))
    assert "is a pipe (FIFO), not an ordinary file" in str(error)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "pack.toml")
    assert "pipe" in str(refusal(lambda: load_pack(folder)))


@posix_only
def test_dev_zero_as_a_pack_is_refused() -> None:
    error = refusal(lambda: load_pack(Path("/dev/zero")))
    assert "is a device, not an ordinary file" in str(error)


def test_a_non_utf8_pack_toml_in_a_folder_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.toml").write_bytes(b'[pack]\nid = "x"\ntitle = "Caf\xe9"\n')
    error = refusal(lambda: load_pack(folder))
    issue = error.issues[0]
    assert issue.line == 3
    assert "not UTF-8 text" in issue.message and "save the file as UTF-8" in issue.message


# -- media -------------------------------------------------------------------------------------


def test_only_the_images_questions_show_are_read_and_stored(
    small_pack_text: str, tmp_path: Path, database: Database, now: datetime
) -> None:
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pack/pack.toml", small_pack_text.replace(IMAGE_LINE, WITH_IMAGE))
        zf.writestr("pack/media/map.png", b"\x89PNG map")
        for i in range(5):  # nobody shows these: compressed to nothing, 1 MB each unpacked
            zf.writestr(f"pack/media/unused-{i}.bin", bytes(1024 * 1024))
    pack = load_pack(archive)
    assert pack.media == {"media/map.png": b"\x89PNG map"}
    PackService(database).import_pack(pack, now=now)
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT path, length(data) FROM media")).all()
    assert stored == [("media/map.png", 8)]


def test_an_image_over_the_limit_is_refused_at_its_question(
    small_pack_text: str, tmp_path: Path
) -> None:
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pack.toml", small_pack_text.replace(IMAGE_LINE, WITH_IMAGE))
        zf.writestr("media/map.png", bytes(MAX_MEDIA_FILE_BYTES + (1 << 20)))
    issue = refusal(lambda: load_pack(archive)).issues[0]
    assert (issue.question, issue.field) == ("'yr' (#9)", "image")
    assert issue.message == "'media/map.png' in pack.zip is 21 MB, more than the 20 MB allowed"


@posix_only
def test_a_linked_image_outside_the_pack_is_not_read(small_pack_text: str, tmp_path: Path) -> None:
    secret = tmp_path / "private" / "diary.png"
    secret.parent.mkdir()
    secret.write_bytes(b"my secrets")
    folder = tmp_path / "pack"
    (folder / "media").mkdir(parents=True)
    (folder / "pack.toml").write_text(small_pack_text.replace(IMAGE_LINE, WITH_IMAGE), "utf-8")
    (folder / "media" / "map.png").symlink_to(secret)
    issue = refusal(lambda: load_pack(folder)).issues[0]
    assert issue.field == "image"
    assert "is a link to a file outside the pack" in issue.message
    # A link that stays inside the pack is an ordinary way to share one picture.
    (folder / "media" / "map.png").unlink()
    (folder / "media" / "real.png").write_bytes(b"\x89PNG")
    (folder / "media" / "map.png").symlink_to(folder / "media" / "real.png")
    assert load_pack(folder).media == {"media/map.png": b"\x89PNG"}


def test_an_image_path_leaving_the_pack_is_not_found(small_pack_text: str, tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(b"not yours")
    folder = tmp_path / "pack"
    (folder / "media").mkdir(parents=True)
    escaping = WITH_IMAGE.replace("media/map.png", "media/../../outside.png")
    (folder / "pack.toml").write_text(small_pack_text.replace(IMAGE_LINE, escaping), "utf-8")
    issue = refusal(lambda: load_pack(folder)).issues[0]
    assert issue.message == "no file 'media/../../outside.png' in the pack"


def test_listing_topics_does_not_read_media(
    small_pack_text: str, database: Database, now: datetime
) -> None:
    pack = parse_pack_text(
        small_pack_text.replace(IMAGE_LINE, WITH_IMAGE), media={"media/map.png": b"x" * 1000}
    )
    service = PackService(database)
    service.import_pack(pack, now=now)
    statements: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert [t.id for t in service.topics("test-pack")] == ["alpha", "beta"]
    assert service.get_pack("test-pack").media == {}
    assert not [s for s in statements if "media" in s]
    assert service.get_pack("test-pack", with_media=True).media == {"media/map.png": b"x" * 1000}


# -- text, numbers, nesting ---------------------------------------------------------------------


def test_a_pack_toml_expanding_past_the_limit_in_a_zip_is_refused_unread(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pack.toml", b" " * (MAX_PACK_TEXT_BYTES + (2 << 20)))
    assert archive.stat().st_size < 200_000
    message = str(refusal(lambda: load_pack(archive)))
    assert "'pack.toml' in bomb.zip unpacks to 34 MB, more than the 32 MB allowed" in message


def test_a_huge_plain_pack_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as out:
        out.truncate(MAX_PACK_TEXT_BYTES + 1)  # sparse: no real disk used
    assert "huge.toml is larger than the 32 MB allowed" in str(refusal(lambda: load_pack(path)))


def test_a_long_title_is_refused_with_its_limit(small_pack_text: str) -> None:
    long_title = "A" * 100_000
    error = refusal(lambda: parse_pack_text(small_pack_text.replace('"Alpha"', f'"{long_title}"')))
    assert len(error.issues) == 1
    assert error.issues[0].field == "topics[1].title"
    assert f"is too long: at most {MAX_TITLE} characters, this one has 100000" in str(error)
    assert len(str(error)) < 500


def test_a_version_of_thousands_of_digits_is_refused(small_pack_text: str) -> None:
    huge = "1.0." + "9" * 5000
    error = refusal(lambda: parse_pack_text(small_pack_text.replace('"1.0.0"', f'"{huge}"')))
    assert "is not a version" in str(error) and "at most 9 digits" in str(error)
    assert len(str(error)) < 500


def test_an_installed_version_of_thousands_of_digits_does_not_break_a_later_import(
    small_pack_text: str, database: Database, now: datetime
) -> None:
    if database.server is not None:
        pytest.skip("PostgreSQL enforces the column's 40 characters: no such version is stored")
    service = PackService(database)
    service.import_pack(parse_pack_text(small_pack_text), now=now)
    with database.engine.begin() as connection:  # as an older crisisquiz could store it
        connection.execute(text("UPDATE packs SET version = :v"), {"v": "1.0." + "9" * 5000})
    newer = parse_pack_text(small_pack_text.replace('"1.0.0"', '"2.0.0"'))
    assert service.import_pack(newer, now=now).version == "2.0.0"


def test_a_number_of_thousands_of_digits_is_placed(small_pack_text: str) -> None:
    text_ = small_pack_text.replace("answer = 1962", "answer = " + "9" * 5000)
    issue = refusal(lambda: parse_pack_text(text_)).issues[0]
    assert issue.message == "not valid TOML: a number is far too long"
    assert text_.splitlines()[issue.line - 1].startswith("answer = 999")  # type: ignore[operator]


def test_a_year_out_of_range_is_refused(small_pack_text: str) -> None:
    issue = refusal(
        lambda: parse_pack_text(small_pack_text.replace("answer = 1962", "answer = 10000000"))
    ).issues[0]
    assert issue.field == "answer"


@pytest.mark.parametrize(
    "addition",
    [
        "\n" + ".".join(["a"] * 5000) + " = 1\n",
        "\n[" + ".".join(["deep"] * 3000) + "]\n",
    ],
    ids=["dotted key", "dotted table"],
)
def test_keys_of_thousands_of_parts_are_a_message(small_pack_text: str, addition: str) -> None:
    error = refusal(lambda: parse_pack_text(small_pack_text + addition))
    assert "too many dotted parts" in str(error)


def test_deep_nesting_is_refused_in_one_line(small_pack_text: str) -> None:
    nested = "[" * 300 + "]" * 300
    error = refusal(lambda: parse_pack_text(small_pack_text + f"\nextra = {nested}\n"))
    assert len(error.issues) == 1
    assert "nested more than 8 levels deep" in error.issues[0].message
    question = small_pack_text.replace("answer = 1962", "answer = " + "[" * 50 + "]" * 50)
    issue = refusal(lambda: parse_pack_text(question)).issues[0]
    assert issue.field == "questions.8.answer"
    assert question.splitlines()[issue.line - 1].startswith("answer = [[[")  # type: ignore[operator]


# -- many problems ------------------------------------------------------------------------------


def test_thousands_of_unknown_fields_are_located_in_one_pass_and_listed_briefly(
    small_pack_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = 20_000
    extra = "\n".join(f"unknown_{i} = {i}" for i in range(fields))
    text_ = small_pack_text.replace('prompt = "ExComm"', 'prompt = "ExComm"\n' + extra)
    lines_read = 0

    class CountingKey:
        """The locator's key pattern, counting the lines it is asked to read."""

        def match(self, line: str) -> re.Match[str] | None:
            nonlocal lines_read
            lines_read += 1
            return KEY.match(line)

    KEY = pack_loader._Locator._KEY
    monkeypatch.setattr(pack_loader._Locator, "_KEY", CountingKey())
    error = refusal(lambda: parse_pack_text(text_))
    assert error.total == fields
    # The question's lines were read once to place all of its problems.
    assert fields <= lines_read <= fields + 10
    assert len(error.issues) == MAX_PROBLEMS_LISTED
    lines = text_.splitlines()
    for issue in error.issues:
        assert lines[issue.line - 1].startswith(f"{issue.field} = ")  # type: ignore[operator]
    message = str(error)
    assert f"... and {fields - MAX_PROBLEMS_LISTED:,} more" in message
    assert len(message) < 20_000


def test_a_value_repeated_in_a_message_is_cut_short(small_pack_text: str) -> None:
    long_id = "x" * 50_000
    text_ = small_pack_text.replace('id = "fc"', f'id = "{long_id}"')
    error = refusal(lambda: parse_pack_text(text_))
    assert "(50,000 characters)" in str(error)
    assert len(str(error)) < 1000


def test_a_number_answer_of_thousands_of_digits_is_refused(small_pack_text: str) -> None:
    question = (
        '\n[[questions]]\nid = "nb"\ntopic = "beta"\ntype = "number"\n'
        'prompt = "How many?"\nanswer = ' + "9" * 4000 + "\n"
    )
    issue = refusal(lambda: parse_pack_text(small_pack_text + question)).issues[0]
    assert (issue.question, issue.field) == ("'nb' (#10)", "answer")
    assert "must be between" in issue.message
    assert len(str(issue)) < 300
