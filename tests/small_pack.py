"""The small test pack: one question of every type, in two topics."""

# A pack with one question of every type; tests change a line to break one rule at a time.
SMALL_PACK = """\
[pack]
id = "test-pack"
title = "Test pack"
version = "1.0.0"
authors = ["Tester"]

[[sources]]
id = "notes"
title = "Class notes"

[[topics]]
id = "alpha"
title = "Alpha"

[[topics]]
id = "beta"
title = "Beta"

[[questions]]
id = "fc"
topic = "alpha"
type = "flashcard"
prompt = "ExComm"
answer = "The group of advisers Kennedy consulted during the crisis"
sources = ["notes:1"]

[[questions]]
id = "mc"
topic = "alpha"
type = "multiple_choice"
prompt = "Who led the Soviet Union in 1962?"
choices = ["Khrushchev", "Brezhnev", "Stalin"]
answer = "Khrushchev"
explanation = "Brezhnev replaced him in 1964."
difficulty = 1

[[questions]]
id = "ms"
topic = "beta"
type = "multi_select"
prompt = "Which countries hosted US Jupiter missiles?"
choices = ["Turkey", "Italy", "France", "Spain"]
answers = ["Turkey", "Italy"]

[[questions]]
id = "tf"
topic = "beta"
type = "true_false"
statement = "The quarantine began on 24 October 1962."
answer = true

[[questions]]
id = "sa"
topic = "alpha"
type = "short_answer"
prompt = "Who was the Soviet leader?"
answer = "Khrushchev"
accept = ["Khrushchov"]
reject = ["Brezhnev"]

[[questions]]
id = "cz"
topic = "alpha"
type = "cloze"
text = "The missiles were found by a {{U-2}} flight over {{Cuba}}."
accept = [["U2"], []]

[[questions]]
id = "or"
topic = "beta"
type = "ordering"
prompt = "Earliest first."
items = ["Cuban Revolution", "Bay of Pigs", "Missile crisis"]

[[questions]]
id = "mt"
topic = "beta"
type = "matching"
prompt = "Match person to role."
pairs = [["Kennedy", "President"], ["Dobrynin", "Ambassador"]]

[[questions]]
id = "yr"
topic = "beta"
type = "year"
prompt = "Year of the crisis?"
answer = 1962
difficulty = 2
"""

# A pack using the second edition's additions: a document with bibliographic fields and
# sentence notes, a reference, a quotation, study guides and a timeline.
CITED_PACK = """\
[pack]
id = "cited-pack"
title = "Cited pack"
version = "1.0.0"

[[sources]]
id = "essay"
kind = "document"
title = "Khrushchev's account of the crisis deserves a second look"
publisher = "The Moscow Times"
date = "2022-10"

[[sources.sentences]]
line = 3
claim = "The essay dates Khrushchev's decision to a visit to Bulgaria in March 1962."
error = "The Bulgaria visit, and the decision, were in May 1962."

[[sources.sentences]]
line = 7
claim = "The essay says US missiles in Turkey and Italy could reach Soviet cities."

[[sources]]
id = "notes"
title = "Class notes"

[[sources]]
id = "dobbs-2008"
kind = "reference"
author = "Michael Dobbs"
title = "One Minute to Midnight"
publisher = "Alfred A. Knopf"
date = "2008"

[[topics]]
id = "alpha"
title = "Alpha"
guide = \"\"\"Khrushchev chose to send missiles in May 1962.

The quarantine began on 24 October.\"\"\"

[[topics]]
id = "beta"
title = "Beta"

[[timeline]]
date = "1959"
event = "Castro takes power."

[[timeline]]
date = "1962-05"
event = "Khrushchev decides to send missiles."
topic = "alpha"

[[timeline]]
date = "1962-10-14"
event = "A U-2 photographs the sites."
topic = "beta"

[[questions]]
id = "decision-month"
topic = "alpha"
type = "multiple_choice"
prompt = "In which month of 1962 did Khrushchev really decide on the deployment?"
choices = ["March", "May", "August"]
answer = "May"
quote = { ref = "essay:3", text = "In March 1962, during a visit to Bulgaria" }
sources = ["essay:3", "dobbs-2008"]

[[questions]]
id = "ships-turned"
topic = "beta"
type = "true_false"
statement = "The first Soviet ships turned back before they reached the quarantine line."
answer = true
sources = ["dobbs-2008", "notes"]
"""


def with_five_mistakes(text: str = SMALL_PACK) -> str:
    """The pack as a teacher might first type it: the five commonest slips, one of each."""
    return (
        text.replace('title = "Alpha"', 'title = "Alpha')  # a quote never closed
        .replace('title = "Beta"', "title = “Beta”")  # quotes from a word processor
        .replace('[[questions]]\nid = "mc"', '[questions]\nid = "mc"')  # single brackets
        .replace("difficulty = 2", 'difficulty = "2"')  # a number in quotes
        .replace('id = "tf"', 'id = "Quarantine Date"')  # an id with capitals and a space
    )


# Another pack with the same topic ids (and question ids): a topic is (pack, topic), so
# its "alpha" is not the small pack's "alpha".
TWIN_PACK = SMALL_PACK.replace('id = "test-pack"', 'id = "twin-pack"', 1).replace(
    'title = "Test pack"', 'title = "Twin pack"', 1
)
