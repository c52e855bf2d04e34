"""Synthetic question packs: every one of the nine types, valid, and about as long as real ones.

Every prompt (or statement, or cloze text) ends with ``(bench #N)``, which the
cold-start probe looks for to know that a question is on screen.
"""

from __future__ import annotations

import random
from typing import Any

import tomli_w

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
from crisisquiz.core.scheduling import Rating

MARKER = "(bench #"

# (full name, surname, role); the surnames are all different, so short answers are unambiguous.
PEOPLE = (
    ("John F. Kennedy", "Kennedy", "President of the United States"),
    ("Nikita Khrushchev", "Khrushchev", "First Secretary of the Soviet Communist Party"),
    ("Fidel Castro", "Castro", "Prime Minister of Cuba"),
    ("Anatoly Dobrynin", "Dobrynin", "Soviet ambassador in Washington"),
    ("Robert McNamara", "McNamara", "US Secretary of Defense"),
    ("Dean Rusk", "Rusk", "US Secretary of State"),
    ("Curtis LeMay", "LeMay", "US Air Force Chief of Staff"),
    ("Adlai Stevenson", "Stevenson", "US ambassador to the United Nations"),
    ("Andrei Gromyko", "Gromyko", "Soviet Foreign Minister"),
    ("Vasily Arkhipov", "Arkhipov", "flotilla chief of staff aboard submarine B-59"),
    ("John McCone", "McCone", "Director of Central Intelligence"),
    ("McGeorge Bundy", "Bundy", "National Security Adviser"),
    ("Llewellyn Thompson", "Thompson", "former US ambassador in Moscow"),
    ("Maxwell Taylor", "Taylor", "Chairman of the Joint Chiefs of Staff"),
    ("Rudolf Anderson", "Anderson", "U-2 pilot shot down over Cuba"),
    ("Anastas Mikoyan", "Mikoyan", "Soviet First Deputy Premier"),
    ("U Thant", "Thant", "Acting Secretary-General of the United Nations"),
    ("Fulgencio Batista", "Batista", "Cuban dictator until 1959"),
)
EVENTS = (
    ("the Cuban Revolution", 1959),
    ("the U-2 incident over Sverdlovsk", 1960),
    ("the Bay of Pigs landing", 1961),
    ("the Vienna summit", 1961),
    ("the building of the Berlin Wall", 1961),
    ("the October crisis", 1962),
    ("the hotline agreement", 1963),
    ("the Partial Test Ban Treaty", 1963),
    ("Khrushchev's removal from power", 1964),
    ("the first Soviet satellite launch", 1957),
    ("the end of the Soviet Union", 1991),
    ("the deployment of Jupiter missiles in Turkey", 1962),
)
PLACES = (
    "Havana",
    "San Cristóbal",
    "Mariel",
    "Guantánamo",
    "Washington",
    "Moscow",
    "Izmir",
    "Berlin",
    "Vienna",
    "Key West",
    "the Sargasso Sea",
    "the United Nations in New York",
)
THINGS = (
    ("the R-12 missile", "a Soviet medium-range ballistic missile, about 2,000 km range"),
    ("the R-14 missile", "a Soviet intermediate-range missile that never reached Cuba"),
    ("the U-2", "the American high-altitude reconnaissance aircraft"),
    ("the Jupiter missile", "an American missile based in Italy and Turkey"),
    ("the quarantine", "the US naval blockade of offensive weapons bound for Cuba"),
    ("the ExComm", "the group of advisers Kennedy consulted during the crisis"),
    ("Operation Anadyr", "the Soviet code name for the deployment to Cuba"),
    ("Operation Mongoose", "the US covert campaign against the Castro government"),
    ("the Il-28 bomber", "a Soviet light bomber whose removal the US also demanded"),
    ("DEFCON 2", "the readiness level Strategic Air Command reached on 24 October"),
)
VERBS = (
    "argued for an air strike",
    "carried a message",
    "spoke for restraint",
    "was photographed",
    "gave a speech",
    "met in secret",
    "wrote a letter",
    "demanded guarantees",
)
TAGS = ("dates", "people", "places", "weapons", "diplomacy", "military", "politics", "legacy")
EXPLANATIONS = (
    "The records released after the Cold War show that {a} was closer to the decision than "
    "contemporaries believed; the account in {b} simplifies what happened.",
    "Historians still argue about {a}: the documents support the reading given here, but "
    "memoirs written later, such as those about {b}, tell it differently.",
    "This is a common confusion. {a} and {b} are often mixed up in popular accounts, but the "
    "dates and the people involved are different.",
)

# How often each type appears, roughly as in the built-in pack.
TYPE_WEIGHTS = (
    ("multiple_choice", 30),
    ("true_false", 10),
    ("short_answer", 14),
    ("flashcard", 10),
    ("cloze", 10),
    ("year", 10),
    ("multi_select", 6),
    ("ordering", 5),
    ("matching", 5),
)


def _explanation(rng: random.Random) -> str:
    return (
        rng.choice(EXPLANATIONS)
        .format(a=rng.choice(EVENTS)[0], b=rng.choice(PEOPLE)[0])
        .capitalize()
    )


def question_dict(index: int, topic: str, rng: random.Random) -> dict[str, Any]:
    """One valid question of a randomly chosen type, in pack format."""
    kinds, weights = zip(*TYPE_WEIGHTS, strict=True)
    kind = rng.choices(kinds, weights)[0]
    tag = f"{MARKER}{index})"
    person = rng.choice(PEOPLE)
    event, year = rng.choice(EVENTS)
    place = rng.choice(PLACES)
    q: dict[str, Any] = {"id": f"q{index:06d}", "topic": topic, "type": kind}
    if kind == "multiple_choice":
        others = rng.sample([p for p in PEOPLE if p != person], 3)
        choices = [p[0] for p in [person, *others]]
        rng.shuffle(choices)
        q["prompt"] = f"Who {rng.choice(VERBS)} in {place} during {event}? {tag}"
        q["choices"] = choices
        q["answer"] = person[0]
    elif kind == "multi_select":
        choices = rng.sample(PLACES, 5)
        q["prompt"] = f"Which of these places had a part in {event}? Pick every one. {tag}"
        q["choices"] = choices
        q["answers"] = sorted(rng.sample(choices, 2), key=choices.index)
    elif kind == "true_false":
        q["statement"] = f"{person[0]} {rng.choice(VERBS)} during {event} in {year}. {tag}"
        q["answer"] = rng.random() < 0.5
    elif kind == "short_answer":
        wrong = rng.choice([p for p in PEOPLE if p != person])
        q["prompt"] = f"Give the surname of the {person[2]} during {event}. {tag}"
        q["answer"] = person[1]
        q["accept"] = [person[0]]
        q["reject"] = [wrong[1]]
    elif kind == "cloze":
        other = rng.choice([p for p in PEOPLE if p != person])
        q["text"] = (
            f"During {event}, {{{{{person[1]}}}}} {rng.choice(VERBS)} "
            f"and {{{{{other[1]}}}}} answered from {place}. {tag}"
        )
        q["accept"] = [[person[0]], [other[0]]]
    elif kind == "ordering":
        by_year: dict[int, str] = {}
        for name, when in rng.sample(EVENTS, len(EVENTS)):
            by_year.setdefault(when, name)
        picked = sorted(rng.sample(sorted(by_year.items()), 4))
        q["prompt"] = f"Put these events in the order they happened, earliest first. {tag}"
        q["items"] = [name for _when, name in picked]
    elif kind == "matching":
        people = rng.sample(PEOPLE, 4)
        q["prompt"] = f"Match each person to the office they held in 1962. {tag}"
        q["pairs"] = [[p[0], p[2]] for p in people]
    elif kind == "year":
        q["prompt"] = f"In which year did {event} take place? {tag}"
        q["answer"] = year
        if rng.random() < 0.3:
            q["tolerance"] = 1
    else:
        thing, meaning = rng.choice(THINGS)
        q["prompt"] = f"What was {thing}? {tag}"
        q["answer"] = meaning.capitalize()
    q["explanation"] = _explanation(rng)
    q["sources"] = [f"doc-{rng.randint(1, 2)}:{rng.randint(1, 400)}"]
    q["difficulty"] = rng.randint(1, 5)
    q["tags"] = rng.sample(TAGS, 2)
    return q


def pack_dict(
    pack_id: str, title: str, questions: int, topics: int, rng: random.Random, *, first: int = 0
) -> dict[str, Any]:
    """A whole pack in the TOML layout: ``questions`` questions spread over ``topics`` topics.

    Question numbers start at ``first`` so that several packs never share a marker.
    """
    topic_ids = [f"topic-{i + 1:02d}" for i in range(topics)]
    return {
        "pack": {
            "id": pack_id,
            "title": title,
            "version": "1.0.0",
            "language": "en",
            "authors": ["crisisquiz benchmark"],
            "description": "Synthetic questions generated for the speed benchmark.",
        },
        "sources": [
            {"id": "doc-1", "title": "Synthetic document one"},
            {"id": "doc-2", "title": "Synthetic document two"},
        ],
        "topics": [
            {
                "id": tid,
                "title": f"{rng.choice(EVENTS)[0].capitalize()} ({i + 1})",
                "description": "A synthetic topic.",
            }
            for i, tid in enumerate(topic_ids)
        ],
        # Topics hold contiguous runs of questions, as hand-written packs do.
        "questions": [
            question_dict(first + i, topic_ids[i * topics // questions], rng)
            for i in range(questions)
        ],
    }


def pack_toml(data: dict[str, Any]) -> str:
    """The pack as TOML text."""
    return tomli_w.dumps(data)


def pack_model(data: dict[str, Any]) -> Pack:
    """The pack validated by its pydantic model (the pack-level cross checks are skipped)."""
    return Pack.model_validate(data)


def respond(question: Question, outcome: str, rng: random.Random) -> object:
    """A learner's response that grades ``outcome`` ("right", "slip" or "wrong")."""
    right = outcome != "wrong"
    if isinstance(question, Flashcard):
        return {"right": Rating.Good, "slip": Rating.Hard, "wrong": Rating.Again}[outcome]
    if isinstance(question, MultipleChoice):
        wrong = [c for c in question.choices if c != question.answer]
        return question.answer if right else rng.choice(wrong)
    if isinstance(question, MultiSelect):
        if outcome == "right":
            return frozenset(question.answers)
        if outcome == "slip":  # partly right: one right choice missing
            return frozenset(question.answers[:1])
        return frozenset(c for c in question.choices if c not in question.answers)
    if isinstance(question, TrueFalse):
        return question.answer if right else not question.answer
    if isinstance(question, ShortAnswer):
        if outcome == "slip" and len(question.answer) >= 4:
            return question.answer[:2] + question.answer[3:]  # one letter left out
        return question.answer if right else (question.reject or ("Brezhnev",))[0]
    if isinstance(question, Cloze):
        if outcome == "slip":  # partly right: the first blank only
            return (question.blanks[0], *("Brezhnev" for _ in question.blanks[1:]))
        return question.blanks if right else tuple("Brezhnev" for _ in question.blanks)
    if isinstance(question, Ordering):
        if outcome == "right":
            return question.items
        items = list(question.items)
        items[0], items[1] = items[1], items[0]
        return tuple(items) if outcome == "slip" else tuple(reversed(question.items))
    if isinstance(question, Matching):
        lefts = [left for left, _ in question.pairs]
        rights = [right for _, right in question.pairs]
        if outcome == "slip":  # partly right: two partners swapped
            rights[0], rights[1] = rights[1], rights[0]
        elif outcome == "wrong":
            rights = rights[1:] + rights[:1]
        return dict(zip(lefts, rights, strict=True))
    if isinstance(question, Year):
        return question.answer if right else question.answer + 7
    if isinstance(question, Number):
        # Wrong by more than the tolerance allows, so it grades wrong whatever the tolerance.
        answer = float(question.answer)
        return answer if right else answer + float(question.tolerance) + 7
    raise TypeError(f"unknown question type {type(question).__name__}")


def outcome_for(rng: random.Random, p_right: float = 0.8, p_slip: float = 0.05) -> str:
    """A random outcome for a simulated learner."""
    draw = rng.random()
    if draw < p_right:
        return "right"
    return "slip" if draw < p_right + p_slip else "wrong"
