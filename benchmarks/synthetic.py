"""Realistic-looking memories from templates and a small vocabulary, reproducible from a seed.

Used to fill stores for the throughput and latency benchmarks: sentences about people, plans,
preferences and work, like what an assistant would remember, but generated (no data set needed).
The needles are distinctive memories planted among them, each with a question that should find it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator


def _words(text: str, separator: str | None = None) -> list[str]:
    """A vocabulary: `text` split on `separator` (whitespace by default); line breaks are spaces."""
    if separator is None:
        return text.split()
    return [" ".join(part.split()) for part in text.split(separator)]


NAMES = _words(
    """
    Alice Bruno Chloe Daniel Elena Farid Grace Hiro Ines Jonas Keiko Liam Maya Nadia Omar Paula
    Quinn Rosa Samir Tara Umar Vera Wes Xenia Yusuf Zoe Aaron Bianca Carlos Dina Emil Fatima
    Gabriel Hana Ivan Julia Kofi Lena Marco Nora Oscar Priya Rafael Sofia Tomas Ursula Victor Wanda
    Ben Clara David Eva Felix Greta Hugo Ida Jack Kira Leo Mila Nico Olga Pedro Rita Simon Tessa
    Uri Vlad Yara Zain Anna Boris Celia Dmitri Erin Frank Gina Henry Iris Jamal Karin Lucas Mona
    Nils Ola Petra Ruben Sara Theo Uma Valerie Will Ximena Yann Zara
    """
)
RELATIONS = _words(
    """
    sister brother mother father cousin colleague neighbour friend manager aunt uncle daughter son
    partner flatmate teacher
    """
)
ACTIVITIES = _words(
    """
    went hiking|played tennis|went swimming|baked bread|visited the museum|watched a film|went
    cycling|cooked dinner|painted a landscape|read a novel|went running|played chess|went fishing|
    planted tomatoes|practised the piano|went climbing|visited friends|went shopping|repaired the
    fence|cleaned the garage|went skiing|played football|went to a concert|took photos|wrote a short
    story|went camping|went sailing|played board games|did yoga|went bowling|learned some Spanish|
    built a bookshelf|went to the dentist|went to the gym|walked the dog|tried a new recipe|went
    kayaking|visited the zoo|volunteered at the shelter|went dancing
    """,
    "|",
)
PLACES = _words(
    """
    the lake|the park|the old town|the beach|the mountains|the city centre|the river|the library|
    the market|the harbour|the forest|the community centre|the stadium|the botanical garden|the
    gallery|the coast|the countryside|the campus|the village|the festival grounds
    """,
    "|",
)
TIMES = _words(
    """
    last Monday|last Tuesday|last Wednesday|on Thursday evening|on Friday night|on Saturday
    morning|on Sunday afternoon|last weekend|two weeks ago|yesterday|this morning|last month|over
    the holidays|during the summer|in early spring|after work|before breakfast|on a rainy day|at
    sunrise|late at night
    """,
    "|",
)
FUTURES = _words(
    """
    next Monday|next week|this weekend|next month|in the autumn|after the exams|before the
    wedding|on Friday|in two weeks|over the summer
    """,
    "|",
)
THINGS = _words(
    """
    coffee|green tea|sushi|pizza|jazz|hip hop|classical music|science fiction|crime novels|board
    games|dark chocolate|spicy food|Italian food|mountain bikes|vintage cameras|old maps|
    houseplants|comic books|podcasts|documentaries|rock climbing|cold weather|long walks|early
    mornings|quiet cafes|strategy games|red wine|fresh bread|ceramics|birdwatching
    """,
    "|",
)
FEELINGS = _words("loves|enjoys|really likes|can't stand|is tired of|is curious about|prefers", "|")
WORK = _words(
    """
    the quarterly report|the client presentation|the budget review|the product launch|the team
    offsite|the hiring plan|the design review|the release notes|the migration plan|the marketing
    survey|the board meeting|the training session
    """,
    "|",
)
STATES = _words(
    "is due|was moved|got postponed|went well|needs more work|was approved|is on hold|starts", "|"
)

TEMPLATES = (
    "{name} {activity} at {place} {time}.",
    "{name} and {name2} {activity} near {place} {time}.",
    "{name}'s {relation} {activity} {time}.",
    "{name} {feeling} {thing}.",
    "{name} said that {pronoun} {feeling} {thing}.",
    "{name} is planning to meet {name2} at {place} {future}.",
    "{name} mentioned that {work} {state} {future}.",
    "{name}'s {relation} {feeling} {thing}, according to {name2}.",
    "{name} {activity} with {pronoun2} {relation} {time}.",
    "Reminder from {name}: {work} {state} {future}.",
)

QUESTIONS = (
    "What did {name} do at {place}?",
    "Who likes {thing}?",
    "When is {work} due?",
    "What does {name}'s {relation} enjoy?",
    "Where did {name} go {time}?",
    "What are {name}'s plans for {future}?",
    "Who {activity} {time}?",
    "How does {name} feel about {thing}?",
)


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        name=rng.choice(NAMES),
        name2=rng.choice(NAMES),
        relation=rng.choice(RELATIONS),
        activity=rng.choice(ACTIVITIES),
        place=rng.choice(PLACES),
        time=rng.choice(TIMES),
        future=rng.choice(FUTURES),
        thing=rng.choice(THINGS),
        feeling=rng.choice(FEELINGS),
        work=rng.choice(WORK),
        state=rng.choice(STATES),
        pronoun=rng.choice(("she", "he", "they")),
        pronoun2=rng.choice(("her", "his", "their")),
    )


def sentences(count: int, *, seed: int = 0) -> list[str]:
    """`count` distinct memory texts (the same ones for the same seed)."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    for _ in range(count * 20):  # bounded: the template space is far larger than any count used
        if len(seen) == count:
            break
        seen.setdefault(_fill(rng.choice(TEMPLATES), rng), None)
    if len(seen) < count:
        raise ValueError(f"could only generate {len(seen)} distinct sentences, not {count}")
    return list(seen)


def questions(count: int, *, seed: int = 1) -> list[str]:
    """Questions in the same vocabulary (queries for the latency benchmark)."""
    rng = random.Random(seed)
    return [_fill(rng.choice(QUESTIONS), rng) for _ in range(count)]


def digest(texts: list[str]) -> str:
    """A short hash of a text set (the key of its cached vectors)."""
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


#: (memory, question) pairs in words the generated sentences never use.
#: NEEDLES[PARAPHRASED_FROM:] are asked in other words than they were told.
PARAPHRASED_FROM = 6
NEEDLES = (
    (
        "Marguerite keeps the spare key to the boathouse under the blue ceramic frog.",
        "Where is the spare key for the boathouse hidden?",
    ),
    ("The user's blood type is AB negative.", "What is my blood type?"),
    (
        "The wifi password for the cabin is written inside the red leather notebook.",
        "Where can I find the cabin's wifi password?",
    ),
    (
        "Dr. Okonkwo prescribed amoxicillin for ten days, starting on the 4th.",
        "Which antibiotic did the doctor prescribe?",
    ),
    (
        "The user is allergic to shellfish and always carries an EpiPen.",
        "Does the user have any food allergies?",
    ),
    (
        "Ottoline's violin recital is at Lindqvist Hall on the last Friday of April.",
        "When is Ottoline's violin recital?",
    ),
    # From here on paraphrased (see PARAPHRASED_FROM): the question shares (almost) no content
    # word with the memory.
    (
        "Bartholomew's flight to Reykjavik was cancelled because of the volcano.",
        "Why couldn't Bartholomew fly to Iceland?",
    ),
    (
        "The user's grandmother taught her to bake sourdough bread.",
        "Who showed me how to make loaves?",
    ),
    (
        "Priyanka switched from the night shift to mornings at the hospital.",
        "When does Priyanka work now?",
    ),
    ("The user keeps a tortoise named Sir Reginald in the garden.", "What reptile do I own?"),
    (
        "Lucjan repaired the leaking roof of the garden shed last weekend.",
        "Who fixed the outbuilding?",
    ),
    (
        "The user is saving for a sailing trip around the Greek islands.",
        "What holiday am I putting money aside for?",
    ),
    (
        "Mirela's daughter started primary school in Zagreb this autumn.",
        "Where does Mirela's child study?",
    ),
    ("The user can't tolerate gluten since a coeliac diagnosis.", "Which foods make me ill?"),
    ("Anselm sold his vintage motorcycle to a collector in Lyon.", "What did Anselm get rid of?"),
    (
        "The user's landlord raised the rent by twelve percent in March.",
        "How much more do I pay for my flat?",
    ),
    (
        "Theodora translated a Portuguese novel into Polish for a small publisher.",
        "What book project did Theodora finish?",
    ),
    ("The user volunteers at a soup kitchen every second Sunday.", "What charity work do I do?"),
    (
        "Ignatius adopted a retired greyhound from a rescue shelter.",
        "What pet did Ignatius take in?",
    ),
    (
        "The user's car failed its inspection because of worn brake pads.",
        "Why did my vehicle not pass the test?",
    ),
)


def iter_batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
