"""Anki decks: read .apkg and .colpkg files, write .apkg with genanki.

Read: the legacy ``collection.anki2`` and ``collection.anki21`` (note types
and decks as JSON in the ``col`` table) and the current zstd-compressed
``collection.anki21b`` (note types, fields, templates and decks in their own
tables, settings as protocol buffers), with the media map in either form.
Each card becomes a question, by what its template asks:

- a cloze note type → one ``cloze`` per note (every ``{{cN::...}}`` a blank;
  hints go into the instruction);
- a template with ``{{type:Field}}`` → ``short_answer``;
- any other template → a ``flashcard`` (Basic and reversed: two, one per card).

Decks ``A::B`` become topics ``A / B`` (a parent deck shared by all is the
pack's title), tags come along, the note's GUID gives a stable id (so an
updated deck updates the pack in place), HTML becomes plain text, the first
picture becomes the question's image, and sound is reported and skipped.
Review history is not brought in.

Write: one note per question with fields Front, Back and Explanation, in the
deck ``Pack title::Topic title``; short answers (and years and numbers) use a
type-in-the-answer note type, clozes Anki's cloze type. The GUID is
``cq:PACK/QUESTION``, which reads back as the same question id.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from crisisquiz.core.grading import correct_answer_text
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
from crisisquiz.core.safe_archive import SafeZip, UnsafeArchiveError
from crisisquiz.interop.build import PackBuilder, ReadOptions, lost_fields, title_of
from crisisquiz.interop.report import ConversionReport, Converted, Outcome, ReportEntry
from crisisquiz.interop.text import html_images, html_to_text

__all__ = ["read_anki", "write_apkg"]

FORMAT_NAME = "Anki deck"
_COLLECTIONS: Final = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_COLLECTION_BYTES: Final = 1 << 30
_SOUND: Final = re.compile(r"\[sound:([^\]]+)\]")
_CLOZE: Final = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_FIELD_REF: Final = re.compile(r"\{\{([#^/]?)([^{}]+?)\}\}")
_GUID_OURS: Final = re.compile(r"^cq:[a-z0-9_-]+/([a-z0-9]+(?:[-_][a-z0-9]+)*)$")
_IMAGE_SUFFIXES: Final = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"})
_EXPLANATION_FIELDS: Final = ("explanation", "extra", "back extra", "notes", "note")


@dataclass
class _NoteType:
    id: int
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]  # name, question format, answer format


@dataclass
class _Collection:
    notetypes: dict[int, _NoteType] = field(default_factory=dict)
    decks: dict[int, str] = field(default_factory=dict)
    media: dict[str, bytes] = field(default_factory=dict)  # name -> data


# -- reading the archive --------------------------------------------------------------------


def _zstd(data: bytes, what: str, path: Path) -> bytes:
    import zstandard

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data))
        chunks, total = [], 0
        while chunk := reader.read(1 << 20):
            total += len(chunk)
            if total > MAX_COLLECTION_BYTES:
                raise PackError([PackIssue(str(path), f"{what} unpacks to more than 1 GB")])
            chunks.append(chunk)
        return b"".join(chunks)
    except zstandard.ZstdError as exc:
        raise PackError([PackIssue(str(path), f"{what} is damaged ({exc})")]) from None


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while at < len(data):
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    raise ValueError("truncated varint")


def _proto_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protocol buffer message, for the few fields read here."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, value
        elif wire == 2:
            length, at = _varint(data, at)
            yield number, data[at : at + length]
            at += length
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        else:
            raise ValueError(f"unknown wire type {wire}")


def _media_names(raw: bytes, modern: bool, path: Path) -> dict[str, str]:
    """Zip member name → media file name."""
    if not raw:
        return {}
    if modern:
        names: dict[str, str] = {}
        try:
            entries = [v for n, v in _proto_fields(_zstd(raw, "the media list", path)) if n == 1]
            for index, entry in enumerate(entries):
                assert isinstance(entry, bytes)
                name, member = "", str(index)
                for number, value in _proto_fields(entry):
                    if number == 1 and isinstance(value, bytes):
                        name = value.decode("utf-8", "replace")
                    elif number == 255 and isinstance(value, int):
                        member = str(value)
                names[member] = name
        except (ValueError, AssertionError):
            raise PackError([PackIssue(str(path), "the deck's media list is damaged")]) from None
        return names
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackError([PackIssue(str(path), "the deck's media list is damaged")]) from None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


@contextmanager
def _open_collection(path: Path) -> Iterator[tuple[sqlite3.Connection, dict[str, bytes]]]:
    try:
        archive = SafeZip(path)
    except UnsafeArchiveError as exc:
        raise PackError([PackIssue(str(path), str(exc))]) from None
    with archive, tempfile.TemporaryDirectory(prefix="crisisquiz-anki-") as folder:
        try:
            member = next((name for name in _COLLECTIONS if name in archive), None)
            if member is None:
                raise PackError([PackIssue(str(path), "the archive holds no Anki collection")])
            modern = member.endswith("anki21b")
            data = archive.read(member)
            if modern:
                data = _zstd(data, member, path)
            names = _media_names(archive.read("media") if "media" in archive else b"", modern, path)
            media: dict[str, bytes] = {}
            for zip_name, file_name in names.items():
                if zip_name in archive and Path(file_name).suffix.lower() in _IMAGE_SUFFIXES:
                    blob = archive.read(zip_name)
                    media[file_name] = _zstd(blob, file_name, path) if modern else blob
        except UnsafeArchiveError as exc:
            raise PackError([PackIssue(str(path), str(exc))]) from None
        database = Path(folder) / "collection.sqlite"
        database.write_bytes(data)
        try:
            connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise PackError(
                [PackIssue(str(path), f"the collection cannot be opened ({exc})")]
            ) from None
        with closing(connection):
            yield connection, media


def _legacy_notetypes(db: sqlite3.Connection) -> tuple[dict[int, _NoteType], dict[int, str]]:
    models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
    models = json.loads(models_json or "{}")
    decks = json.loads(decks_json or "{}")
    notetypes = {}
    for key, model in models.items():
        fields = [f["name"] for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))]
        templates = [
            (t.get("name", ""), t.get("qfmt", ""), t.get("afmt", ""))
            for t in sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
        ]
        notetypes[int(key)] = _NoteType(
            int(key), model.get("name", ""), model.get("type", 0) == 1, fields, templates
        )
    return notetypes, {int(k): d.get("name", "") for k, d in decks.items()}


def _modern_notetypes(db: sqlite3.Connection) -> tuple[dict[int, _NoteType], dict[int, str]]:
    notetypes: dict[int, _NoteType] = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = next((v for n, v in _proto_fields(config or b"") if n == 1), 0)
        notetypes[ntid] = _NoteType(ntid, name, kind == 1, [], [])
    for ntid, _ord, name in db.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
        if ntid in notetypes:
            notetypes[ntid].fields.append(name)
    for ntid, _ord, name, config in db.execute(
        "SELECT ntid, ord, name, config FROM templates ORDER BY ntid, ord"
    ):
        values = dict(_proto_fields(config or b""))
        front, back = values.get(1, b""), values.get(2, b"")
        if ntid in notetypes:
            notetypes[ntid].templates.append(
                (
                    name,
                    front.decode("utf-8", "replace") if isinstance(front, bytes) else "",
                    back.decode("utf-8", "replace") if isinstance(back, bytes) else "",
                )
            )
    decks = {
        did: name.replace("\x1f", "::") for did, name in db.execute("SELECT id, name FROM decks")
    }
    return notetypes, decks


def _read_collection(db: sqlite3.Connection) -> _Collection:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "notetypes" in tables:
        notetypes, decks = _modern_notetypes(db)
    else:
        notetypes, decks = _legacy_notetypes(db)
    return _Collection(notetypes, decks)


# -- templates --------------------------------------------------------------------------------


def _render(template: str, fields: Mapping[str, str]) -> str:
    """A card side from its template: fields filled in, sections kept when their field is set."""

    def section(text: str) -> str:
        pattern = re.compile(r"\{\{([#^])([^{}]+?)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
        while True:
            found = pattern.search(text)
            if not found:
                return text
            name = found.group(2).strip()
            filled = bool(fields.get(name, "").strip())
            keep = filled if found.group(1) == "#" else not filled
            text = text[: found.start()] + (found.group(3) if keep else "") + text[found.end() :]

    def field_value(found: re.Match[str]) -> str:
        if found.group(1):
            return ""
        spec = found.group(2).strip()
        name = spec.rsplit(":", 1)[-1].strip()
        if spec.startswith(("type:", "cloze:")) or name == "FrontSide":
            return ""
        return fields.get(name, "")

    return _FIELD_REF.sub(field_value, section(template))


def _typed_field(template: str) -> str | None:
    found = re.search(r"\{\{type:(?:cloze:)?([^{}]+?)\}\}", template)
    return found.group(1).strip() if found else None


def _cloze_field(template: str) -> str | None:
    found = re.search(r"\{\{cloze:([^{}]+?)\}\}", template)
    return found.group(1).strip() if found else None


# -- conversion -------------------------------------------------------------------------------


class _Converter:
    def __init__(
        self, builder: PackBuilder, collection: _Collection, media: dict[str, bytes]
    ) -> None:
        self.builder = builder
        self.collection = collection
        self.media = media
        self.prefix = ""
        self.title_from_deck = ""

    def plain(self, html: str, notes: list[str]) -> str:
        for sound in _SOUND.findall(html):
            _add(notes, f"sound {sound!r} skipped: packs hold pictures only")
        text = _SOUND.sub("", html)
        return html_to_text(text) if re.search(r"<|&\w+;|&#", text) else text.strip()

    def picture(self, html: str, notes: list[str]) -> tuple[str, str]:
        images, sounds = html_images(html)
        for sound in sounds:
            _add(notes, f"sound or video {sound!r} skipped: packs hold pictures only")
        chosen = ("", "")
        for image in images:
            data = self.media.get(image.src)
            if data is None:
                _add(notes, f"picture {image.src!r} dropped: the deck does not carry it")
            elif chosen[0]:
                _add(notes, f"picture {image.src!r} dropped: a question shows one picture")
            else:
                alt = image.alt or f"Picture: {Path(image.src).stem.replace('_', ' ')}"
                if not image.alt:
                    _add(notes, f"picture {image.src!r} has no alt text; {alt!r} was used")
                chosen = (self.builder.add_media(image.src, data), alt)
        return chosen

    def topic(self, deck_name: str) -> str | None:
        if not deck_name:
            return None
        parts = deck_name.split("::")
        if self.prefix and parts[0] == self.prefix and len(parts) > 1:
            parts = parts[1:]
        return self.builder.topic(" / ".join(part.strip() for part in parts))


def _add(notes: list[str], note: str) -> None:
    if note not in notes:
        notes.append(note)


def _explanation_of(notetype: _NoteType, values: dict[str, str], used: set[str]) -> str:
    for name in notetype.fields:
        if (
            name.lower() in _EXPLANATION_FIELDS
            and name not in used
            and values.get(name, "").strip()
        ):
            return values[name]
    return ""


def _own_id(guid: str, card: int, cards: int) -> str:
    ours = _GUID_OURS.match(guid)
    base = ours.group(1) if ours else guid
    return base if cards == 1 else f"{base}-{card + 1}" if ours else f"{guid} card {card + 1}"


def _cloze_question(
    conv: _Converter, notetype: _NoteType, values: dict[str, str], notes: list[str]
) -> dict[str, Any] | None:
    source = next(
        (f for _n, q, _a in notetype.templates if (f := _cloze_field(q))), notetype.fields[0]
    )
    raw = values.get(source, "")
    hints: list[str] = []
    accept: list[list[str]] = []

    def blank(found: re.Match[str]) -> str:
        answer = html_to_text(found.group(2)) if "<" in found.group(2) else found.group(2).strip()
        if found.group(3):
            hints.append(f"{len(accept) + 1}. {found.group(3).strip()}")
        accept.append([])
        return "{{" + answer.replace("}", ")") + "}}"

    text = _CLOZE.sub(blank, raw)
    if not accept:
        notes.append("the cloze note has no {{c1::...}} deletion")
        return None
    numbers = sorted({int(n) for n, _a, _h in _CLOZE.findall(raw)})
    if len(numbers) > 1:
        notes.append(
            f"Anki asks clozes c{numbers[0]}..c{numbers[-1]} on separate cards; here all "
            "blanks are one question"
        )
    fields: dict[str, Any] = {"type": "cloze", "text": conv.plain(text, notes)}
    if hints:
        fields["prompt"] = "Hints: " + "; ".join(hints)
        notes.append("cloze hints shown as the instruction")
    return fields


def read_anki(path: Path, options: ReadOptions) -> Converted:
    """Read an Anki .apkg or .colpkg into a pack and its report."""
    builder = PackBuilder(path, FORMAT_NAME, options)
    with _open_collection(path) as (db, media):
        try:
            collection = _read_collection(db)
            notes = db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
            cards: dict[int, list[tuple[int, int]]] = {}
            for nid, ord_, did in db.execute("SELECT nid, ord, did FROM cards ORDER BY nid, ord"):
                cards.setdefault(nid, []).append((ord_, did))
            reviews = db.execute("SELECT count(*) FROM revlog").fetchone()[0]
        except (sqlite3.Error, json.JSONDecodeError, ValueError, TypeError, KeyError) as exc:
            raise PackError(
                [PackIssue(str(path), f"the Anki collection is damaged ({exc})")]
            ) from None
    conv = _Converter(builder, collection, media)
    used_decks = [
        collection.decks.get(did, "") for entries in cards.values() for _o, did in entries
    ]
    tops = {name.split("::")[0] for name in used_decks if name}
    if len(tops) == 1 and all("::" in name for name in used_decks if name):
        conv.prefix = tops.pop()
        builder.title = conv.prefix
    elif len(tops) == 1 and len(set(used_decks)) == 1 and used_decks[0]:
        builder.title = used_decks[0]
    if reviews:
        builder.note(f"{reviews} reviews in the deck's history were not brought in")
    for nid, guid, mid, tags, flds in notes:
        _convert_note(
            conv, nid, guid, collection.notetypes.get(mid), tags, flds, cards.get(nid, [])
        )
    return builder.build()


def _convert_note(
    conv: _Converter,
    nid: int,
    guid: str,
    notetype: _NoteType | None,
    tags: str,
    flds: str,
    cards: list[tuple[int, int]],
) -> None:
    builder = conv.builder
    where = f"note {nid}"
    if notetype is None:
        builder.skip(where, "", "its note type is missing from the collection")
        return
    raw_values = flds.split("\x1f")
    values = dict(zip(notetype.fields, raw_values, strict=False))
    first = conv.plain(raw_values[0] if raw_values else "", [])
    tag_list = [t for t in tags.split() if t]
    if not cards:
        builder.skip(where, first, "the note has no cards")
        return
    if notetype.cloze:
        notes: list[str] = []
        cloze = _cloze_question(conv, notetype, values, notes)
        deck = conv.collection.decks.get(cards[0][1], "")
        if cloze is None:
            builder.skip(where, first, "; ".join(notes))
            return
        used = {notetype.fields[0]}
        _finish(
            conv, where, first, cloze, notes, values, notetype, used, guid, 0, 1, deck, tag_list
        )
        return
    for ord_, did in cards:
        notes = []
        if ord_ >= len(notetype.templates):
            builder.skip(f"{where} card {ord_ + 1}", first, "its card template is missing")
            continue
        _name, qfmt, afmt = notetype.templates[ord_]
        # Explanation-like fields are kept apart from the answer: the back is read without them.
        aside = {name: "" for name in values if name.lower() in _EXPLANATION_FIELDS}
        front_html = _render(qfmt, values)
        back_html = _render(afmt, {**values, **aside})
        used = {m.group(2).rsplit(":", 1)[-1].strip() for m in _FIELD_REF.finditer(qfmt)}
        prompt = conv.plain(front_html, notes)
        typed = _typed_field(qfmt)
        if typed:
            answer = conv.plain(values.get(typed, ""), notes)
            fields: dict[str, Any] = {"type": "short_answer", "prompt": prompt, "answer": answer}
        else:
            answer = conv.plain(
                back_html.replace(front_html, "", 1) if front_html else back_html, notes
            )
            fields = {"type": "flashcard", "prompt": prompt, "answer": answer}
        label = f"{where} card {ord_ + 1}" if len(cards) > 1 else where
        _finish(
            conv,
            label,
            prompt or first,
            fields,
            notes,
            values,
            notetype,
            used,
            guid,
            ord_,
            len(notetype.templates),
            conv.collection.decks.get(did, ""),
            tag_list,
        )


def _finish(
    conv: _Converter,
    where: str,
    title: str,
    fields: dict[str, Any],
    notes: list[str],
    values: dict[str, str],
    notetype: _NoteType,
    used: set[str],
    guid: str,
    card: int,
    card_count: int,
    deck: str,
    tags: list[str],
) -> None:
    front_html = " ".join(values.values())
    image, alt = conv.picture(front_html, notes)
    if image:
        fields.update(image=image, image_alt=alt)
    asked = fields.get("prompt") or fields.get("text")
    if not asked and image:
        fields["prompt"] = "What does the picture show?"
        notes.append("the card's front is only a picture; a question was added")
    elif not asked or not fields.get("answer", "x"):
        sounds = [note for note in notes if note.startswith("sound")]
        side = "front" if not asked else "back"
        why = (
            f"{'; '.join(sounds)}, and nothing else is on the card's {side}"
            if sounds
            else (f"the card's {side} is empty")
        )
        conv.builder.skip(where, title, why)
        return
    explanation = _explanation_of(notetype, values, used)
    if explanation:
        fields["explanation"] = conv.plain(explanation, notes)
    conv.builder.add(
        where=where,
        title=title,
        fields=fields,
        notes=notes,
        own_id=_own_id(guid, card, card_count),
        key=guid,
        topic=conv.topic(deck),
        tags=tags,
        prefix="anki",
    )


# -- writing ----------------------------------------------------------------------------------


def _stable_number(*parts: str) -> int:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    # Anki ids are milliseconds-like 13-digit numbers; keep within that range.
    return 1_000_000_000_000 + int.from_bytes(digest[:6], "big") % 8_999_999_999_999


_CSS = (
    ".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n.why { color: #555; }"
)


def _escape(text: str) -> str:
    from html import escape

    return escape(text).replace("\n", "<br>")


def _front_back(question: Question, notes: list[str]) -> tuple[str, str]:
    """Front and back HTML of a question written as a Basic card."""
    prompt = _escape(question.display_prompt)
    if isinstance(question, MultipleChoice | MultiSelect):
        options = "".join(f"<li>{_escape(c)}</li>" for c in question.choices)
        notes.append("choices shown on the card; Anki's learner rates their own recall")
        return f"{prompt}<ol type='a'>{options}</ol>", _escape(correct_answer_text(question))
    if isinstance(question, TrueFalse):
        notes.append("true/false written as a card; the back says which")
        return f"{prompt}<br><i>True or false?</i>", "True" if question.answer else "False"
    if isinstance(question, Ordering):
        notes.append("ordering written as a card: the back lists the right order")
        items = sorted(question.items)
        return (
            f"{prompt}<ul>{''.join(f'<li>{_escape(i)}</li>' for i in items)}</ul>",
            "<ol>" + "".join(f"<li>{_escape(i)}</li>" for i in question.items) + "</ol>",
        )
    if isinstance(question, Matching):
        notes.append("matching written as a card: the back lists the pairs")
        lefts = "".join(f"<li>{_escape(left)}</li>" for left, _r in question.pairs)
        pairs = "".join(
            f"<li>{_escape(left)} → {_escape(right)}</li>" for left, right in question.pairs
        )
        return f"{prompt}<ul>{lefts}</ul>", f"<ul>{pairs}</ul>"
    if isinstance(question, Flashcard):
        return prompt, _escape(question.answer)
    return prompt, _escape(correct_answer_text(question))


def write_apkg(pack: Pack, path: Path) -> ConversionReport:
    """Write ``pack`` as an Anki deck (.apkg) that Anki opens and updates in place."""
    import genanki

    pid = pack.pack.id
    fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}]
    explanation = "{{#Explanation}}<hr><div class=why>{{Explanation}}</div>{{/Explanation}}"
    basic = genanki.Model(
        _stable_number(pid, "basic"),
        "crisisquiz Basic",
        fields=fields,
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + explanation,
            }
        ],
        css=_CSS,
    )
    typed = genanki.Model(
        _stable_number(pid, "typed"),
        "crisisquiz Type the answer",
        fields=fields,
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}<br>{{type:Back}}",
                "afmt": "{{Front}}<hr id=answer>{{type:Back}}" + explanation,
            }
        ],
        css=_CSS,
    )
    cloze = genanki.Model(
        _stable_number(pid, "cloze"),
        "crisisquiz Cloze",
        fields=[{"name": "Text"}, {"name": "Explanation"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}" + explanation,
            }
        ],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )
    titles = pack.topic_titles()
    decks: dict[str, Any] = {}
    entries: list[ReportEntry] = []
    media_paths: list[str] = []
    with tempfile.TemporaryDirectory(prefix="crisisquiz-apkg-") as folder:
        for name, data in pack.media.items():
            target = Path(folder) / Path(name).name
            target.write_bytes(data)
            media_paths.append(str(target))
        for question in pack.questions:
            notes: list[str] = []
            topic_title = titles.get(question.topic, question.topic)
            deck_name = f"{pack.pack.title}::{topic_title}"
            if deck_name not in decks:
                decks[deck_name] = genanki.Deck(_stable_number(pid, question.topic), deck_name)
            why = _escape(question.explanation)
            image = ""
            if question.image and question.image in pack.media:
                from html import escape

                image = (
                    f'<br><img src="{escape(Path(question.image).name)}" '
                    f'alt="{escape(question.image_alt)}">'
                )
            if isinstance(question, Cloze):
                counter = iter(range(1, 1000))

                def deletion(found: re.Match[str], numbers: Iterator[int] = counter) -> str:
                    return "{{c" + str(next(numbers)) + "::" + found.group(1).strip() + "}}"

                text = re.sub(r"\{\{(.+?)\}\}", deletion, _escape(question.text))
                if question.prompt:
                    text = _escape(question.prompt) + "<br>" + text
                if any(question.accept):
                    notes.append(
                        "other accepted forms of the blanks dropped: Anki shows the answer"
                    )
                note = genanki.Note(
                    model=cloze, fields=[text + image, why], tags=list(question.tags)
                )
            elif isinstance(question, ShortAnswer | Year | Number):
                if isinstance(question, Year | Number):
                    notes.append(
                        f"{question.type} written as a typed answer; read back as short answer"
                    )
                if isinstance(question, ShortAnswer) and (question.accept or question.reject):
                    notes.append(
                        "accepted and rejected forms dropped: Anki compares the typed text"
                    )
                answer = (
                    question.answer
                    if isinstance(question, ShortAnswer)
                    else correct_answer_text(question)
                )
                note = genanki.Note(
                    model=typed,
                    fields=[_escape(question.prompt) + image, _escape(str(answer)), why],
                    tags=list(question.tags),
                )
            else:
                front, back = _front_back(question, notes)
                note = genanki.Note(
                    model=basic, fields=[front + image, back, why], tags=list(question.tags)
                )
            note.guid = f"cq:{pid}/{question.id}"
            decks[deck_name].add_note(note)
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
        package = genanki.Package(list(decks.values()))
        package.media_files = media_paths
        package.write_to_file(str(path))
    return ConversionReport(path.name, FORMAT_NAME, tuple(entries), lost_fields(pack, "Anki"))
