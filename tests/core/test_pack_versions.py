"""What changed between two versions of a pack, and the version suggested next."""

from __future__ import annotations

from crisisquiz.core.pack_loader import parse_pack_text
from crisisquiz.core.pack_versions import next_versions, pack_changes, suggested_version


def test_next_versions() -> None:
    assert next_versions("1.0.0") == ("1.0.1", "1.1.0", "2.0.0")
    assert next_versions("2.9.14") == ("2.9.15", "2.10.0", "3.0.0")


def test_no_change_but_the_number(small_pack_text: str) -> None:
    old = parse_pack_text(small_pack_text)
    new = parse_pack_text(small_pack_text.replace('"1.0.0"', '"1.0.1"'))
    changes = pack_changes(old, new)
    assert not changes.any
    assert changes.describe() == "no changes"


def test_a_correction_suggests_the_patch(small_pack_text: str) -> None:
    old = parse_pack_text(small_pack_text)
    new = parse_pack_text(small_pack_text.replace("Year of the crisis?", "Year of the crisis."))
    changes = pack_changes(old, new)
    assert changes.changed == ("yr",)
    assert changes.describe() == "1 question changed"
    assert suggested_version("1.0.0", changes) == "1.0.1"


def test_new_or_removed_questions_suggest_the_minor(small_pack_text: str) -> None:
    old = parse_pack_text(small_pack_text)
    new = parse_pack_text(
        small_pack_text.replace('id = "fc"', 'id = "fc-2"').replace('title = "Beta"', 'title = "B"')
    )
    changes = pack_changes(old, new)
    assert (changes.added, changes.removed) == (("fc-2",), ("fc",))
    assert changes.describe() == "1 question added, 1 question removed, topics changed"
    assert suggested_version("1.0.0", changes) == "1.1.0"
