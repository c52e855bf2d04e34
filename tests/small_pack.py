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
