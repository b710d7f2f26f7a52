"""
Light entity, relation and fact extraction for the knowledge graph, without an LLM or NLP library.

The embedded engine fills its graph from every write, offline, so this reads English with a few
patterns: capitalised names, and clauses like "X lives in Y", "X works at Y", "X prefers Y",
"X is allergic to Y", "my name is Y", "X is a Y", "X has a Y", "X was born in Y". References to
the user ("the user", "user", "I", "my ...") become the subject `user`. It favours precision:
a clause it cannot read yields nothing rather than a wrong fact. Text is read sentence by
sentence, which is what lets `FactAccumulator` extract from a stream as it arrives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from .chunking import Chunker, ChunkingConfig, split_sentences

__all__ = [
    "Entity",
    "Extraction",
    "Fact",
    "FactAccumulator",
    "Relation",
    "extract",
]


@attrs.frozen
class Entity:
    """A named thing; `key` (lowercase, single-spaced) identifies it for de-duplication."""

    name: str
    kind: str  # person, place, organization, food, date, thing
    key: str


@attrs.frozen
class Relation:
    """A graph edge: `subject --predicate--> object` (the ends are entity names)."""

    subject: str
    predicate: str
    object: str


@attrs.frozen
class Fact:
    """
    One statement: `subject predicate value`, with `text` a short normalised sentence and `key`
    (`subject|predicate|value`, lowercase) identifying it for de-duplication.
    """

    subject: str
    predicate: str
    value: str
    text: str
    key: str


@attrs.frozen
class Extraction:
    """Everything found in one text, each item once, in order of appearance."""

    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    facts: tuple[Fact, ...]


def _key(name: str) -> str:
    return " ".join(name.split()).lower()


# --- vocabulary -------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME = r"[A-Z][\w'’&-]*(?:\s+(?:(?:of|de|del|van|von|der|da|la)\s+)?[A-Z][\w&-]*)*"
_NAME_RE = re.compile(_NAME)

# Capitalised words that start sentences or clauses without naming anything.
_STOP = _words("""
    a an the this that these those my our your his her their its i we you he she they it me
    us them user users yesterday today tonight tomorrow maybe perhaps probably possibly also
    and but or so then first next last finally if when while after before since because
    although though however please never always don't do does did not no yes hi hello hey
    thanks thank ok okay in on at to from for with by of as is are was were be will would
    could should can may might must shall let here there what who where why how which
    note todo every each some any all most many more much such just only even still
    """)

_DAYS = _words("monday tuesday wednesday thursday friday saturday sunday")
# Without "may", which is far more often the verb.
_MONTHS = _words(
    "january february march april june july august september october november december"
)
_ORG_SUFFIXES = _words("""
    inc corp corporation ltd llc gmbh ag sa plc co company group bank university college
    institute foundation labs lab technologies systems agency association ministry
    """)
_PLACE_NOUNS = _words(
    "city town village country capital region state province island continent river"
)
_ORG_NOUNS = _words("company firm startup corporation bank brand agency charity")
_PERSON_NOUNS = _words("""
    person man woman doctor nurse teacher student engineer developer programmer designer
    manager lawyer artist writer chef friend mother father sister brother wife husband
    partner son daughter colleague boss scientist researcher musician farmer pilot
    """)
_RELATIVES = _words("""
    sister brother mother father mom dad mum wife husband partner son daughter child kid
    friend boss colleague cousin aunt uncle grandmother grandfather grandma grandpa
    girlfriend boyfriend fiance fiancee niece nephew roommate parents children kids siblings
    """)
_FOODS = _words("""
    food foods cuisine dish dishes meal meals coffee tea pizza pasta sushi chocolate cheese
    meat fish seafood shellfish peanut peanuts nut nuts milk dairy gluten wheat egg eggs fruit
    fruits vegetable vegetables salad bread rice beer wine soup curry burger burgers noodles
    ramen tacos steak chicken pork beef lamb tofu spicy sweets dessert desserts cake
    breakfast lunch dinner soy lactose sesame strawberries apples bananas mushrooms olives
    """)
_PERSON_CUES = _words("""
    mr mrs ms dr prof met with told asked married meet meeting sister brother
    friend colleague boss mother father wife husband son daughter
    """)
_PLACE_CUES = _words("in to from near visited visit visiting moved into towards")
_PRONOUN_OBJECTS = _words(
    "it them this that him her there here me you us these those something anything"
)

_USER = "user"

# --- clause patterns --------------------------------------------------------------------------

_ADVERBS = _words("really also still currently now usually strongly absolutely definitely")
_COPULA = r"(?:(?:is|am|are|was|were)\s+|'(?:m|s|re)\s+)"

# (predicate, verb phrase). The subject is read from the words just before the verb phrase
# and its adverbs ("really likes"), the object from the words after it, up to the end of the
# clause. The adverbs are not in the patterns: a repeated prefix in a pattern is retried from
# every word of a long run of adverbs, which is quadratic; `_adverbs_before` reads them once.
_VERBS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (predicate, re.compile(rf"(?:(?<![\w'’])|(?=['’]))(?:{phrase})(?=\s)", re.I))
    for predicate, phrase in (
        ("lives_in", rf"{_COPULA}?(?:lives?|living|resides?|based)\s+in"),
        ("works_at", rf"{_COPULA}?(?:works?|working|employed)\s+(?:at|for)"),
        ("prefers", r"prefers?|preferred"),
        (
            "dislikes",
            r"dislikes?|hates?|detests?|(?:don't|doesn't|do\s+not|does\s+not)\s+"
            r"(?:like|love|enjoy)|can't\s+stand",
        ),
        ("likes", rf"likes?|loves?|enjoys?|adores?|{_COPULA}(?:a\s+)?(?:big\s+)?fan\s+of"),
        ("allergic_to", rf"{_COPULA}?allergic\s+to"),
        ("born_in", r"(?:was|were)\s+born\s+(?:in|on)"),
        ("named", rf"name\s+is|{_COPULA}(?:called|named)"),
        ("is_a", rf"{_COPULA}(?:a|an)"),
        ("has", r"(?:has|have)\s+(?:got\s+)?(?:a|an)|'ve\s+got\s+(?:a|an)"),
    )
)

_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:and|but|while|whereas|so|then)\s", re.IGNORECASE)
# `(?<!\s)`: a whitespace run is tried once, from its start; without it, every space of a long
# run would rescan the rest of the run (quadratic). A match can only start there anyway.
_OBJECT_END = re.compile(
    r"(?<!\s)\s*[,.;:!?()\"“”]|(?<!\s)\s+(?:and|but|or|because|since|when|while|who|which|that|where|with|"
    r"at|on|for|from|during|until|after|before|near|named|called|yesterday|today|tomorrow|"
    r"now|though|although|as|if|unless|so|in|every|than|too|very|is|are|was|were)\b",
    re.IGNORECASE,
)
_LEADING_ARTICLE = re.compile(r"^(?:(?:a|an|some|any)\s+|the\s+(?=[a-z])|to\s+)", re.IGNORECASE)
_BASE_FORMS = _words(
    "like love enjoy adore prefer hate dislike detest live work reside have don't do are were"
)
_NAME_IS = re.compile(r"name\s+is\b", re.IGNORECASE)
# A birth date may hold a comma: "born on March 3, 1985 in Lisbon".
_BORN_END = re.compile(
    r"(?<!\s)\s*[.;:!?()\"“”]|,(?!\s*\d)|(?<!\s)\s+(?:and|but|because|when|while|where|with|who|to)\b",
    re.IGNORECASE,
)
_BORN_PART = re.compile(r"(?<!\s)\s+(?:in|on)\s+", re.IGNORECASE)
_DATE_VALUE = re.compile(
    r"^(?:\d{4}|\d{4}-\d\d-\d\d|(?:\d{1,2}\s+)?[A-Z][a-z]+(?:\s+\d{1,2})?(?:,?\s+\d{4})?)$"
)
_MAX_OBJECT_WORDS = 6
# Longer capitalised runs are headlines, not names; the cap also keeps the backward subject
# search linear in the sentence length.
_MAX_NAME_WORDS = 6
# How far around a verb to look for its subject and object: far more than either needs, and it
# keeps a long run-on sentence with many verbs linear to read.
_WINDOW = 200

# A name at the end of a text (`$`): with an unbounded run of words, the search would read the
# whole run again from every word of it (quadratic); no name is longer than this anyway.
_LAST_NAME = (
    rf"[A-Z][\w'’&-]*(?:\s+(?:(?:of|de|del|van|von|der|da|la)\s+)?[A-Z][\w&-]*)"
    rf"{{0,{_MAX_NAME_WORDS - 1}}}"
)

# Subjects, read backwards from the verb: "my X", "the user('s X)", "I", "Name('s X)".
_SUBJECT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:^|\s)(?:the\s+)?user'?s\s+([a-z]+)$", re.IGNORECASE), "user's {0}"),
    (re.compile(r"(?:^|\s)my\s+([a-z]+)$", re.IGNORECASE), "user's {0}"),
    (re.compile(r"(?:^|\s)(?:the\s+)?user$", re.IGNORECASE), _USER),
    (re.compile(r"(?:^|\s)I$"), _USER),
    (re.compile(rf"(?:^|\s)({_LAST_NAME})'s\s+([a-z]+)$"), "{0}'s {1}"),
    (re.compile(rf"(?:^|\s)({_LAST_NAME})(?<!'s)(?<!’s)$"), "{0}"),
)
# For "... name is Y": whose name it is.
_POSSESSORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:^|\s)my$", re.IGNORECASE), _USER),
    (re.compile(r"(?:^|\s)(?:the\s+)?user'?s$", re.IGNORECASE), _USER),
    (re.compile(rf"(?:^|\s)({_LAST_NAME})'s$"), "{0}"),
)

_PHRASES = {
    "lives_in": "lives in",
    "works_at": "works at",
    "prefers": "prefers",
    "likes": "likes",
    "dislikes": "dislikes",
    "allergic_to": "is allergic to",
    "born_in": "was born in",
    "born_on": "was born on",
    "has": "has",
    "is_a": "is",
}


# --- reading one sentence ---------------------------------------------------------------------


def _clean_name(name: str) -> str | None:
    """A capitalised subject without the common words that may start it, or `None`."""
    words = name.split()
    while words and words[0].lower() in _STOP:
        words.pop(0)
    return " ".join(words) if words else None


def _last_words(prefix: str, cut: bool) -> tuple[str, bool]:
    """The last words of `prefix` (enough for any subject), and whether any came before."""
    words = prefix.split()
    keep = _MAX_NAME_WORDS + 2
    return " ".join(words[-keep:]), cut or len(words) > keep


def _subject(prefix: str, cut: bool = False) -> str | None:
    """The subject that ends `prefix` (the words before a verb), or `None`.

    `cut` says that `prefix` is the end of a longer text.
    """
    text, cut = _last_words(prefix, cut)
    for pattern, template in _SUBJECT_PATTERNS:
        found = pattern.search(text)
        if found is None:
            continue
        if cut and found.start() == 0:
            return None  # the subject runs on beyond the words kept: no name is that long
        groups = list(found.groups())
        if template.startswith("{0}"):
            cleaned = _clean_name(groups[0])
            if cleaned is None:
                return None
            groups[0] = cleaned
        return template.format(*groups)
    return None


def _possessor(prefix: str, cut: bool = False) -> str | None:
    """Whose name is meant when `prefix` ("my", "Alice's") comes before "name is"."""
    text, cut = _last_words(prefix, cut)
    for pattern, template in _POSSESSORS:
        found = pattern.search(text)
        if found is not None:
            if cut and found.start() == 0:
                return None
            if not found.groups():
                return template
            cleaned = _clean_name(found.group(1))
            return None if cleaned is None else template.format(cleaned)
    return None


def _object(rest: str, end_pattern: re.Pattern[str] = _OBJECT_END) -> tuple[str, int] | None:
    """The object at the start of `rest` and where it ends, or `None` if unusable."""
    stop = end_pattern.search(rest, 0, _WINDOW)
    if stop is None and len(rest) > _WINDOW:
        return None  # runs on too long to be one object
    end = stop.start() if stop is not None else len(rest)
    value = " ".join(rest[:end].split())
    value = _LEADING_ARTICLE.sub("", value)
    if not value or value.lower() in _PRONOUN_OBJECTS:
        return None
    if len(value.split()) > _MAX_OBJECT_WORDS:
        return None
    return value, end


def _adverbs_before(sentence: str, start: int, floor: int) -> int:
    """Where the adverbs just before the verb at `start` begin ("really still likes").

    Reads back word by word, never before `floor` (the end of the previous verb found by the
    same pattern), so every character is read at most once per pattern: linear.
    """
    begin = start
    while True:
        end = begin
        while end > floor and sentence[end - 1].isspace():
            end -= 1
        if end == begin:
            return begin  # no whitespace between this word and the next: not an adverb
        word_start = end
        while word_start > floor and sentence[word_start - 1].isalpha():
            word_start -= 1
        before = sentence[word_start - 1] if word_start > 0 else " "
        if sentence[word_start:end].lower() not in _ADVERBS or before.isalnum() or before in "_'’":
            return begin
        begin = word_start


def _verbs(sentence: str) -> list[tuple[int, int, str]]:
    """`(start, end, predicate)` of every verb phrase, its adverbs included in the span."""
    found: list[tuple[int, int, str]] = []
    for predicate, pattern in _VERBS:
        floor = 0
        for match in pattern.finditer(sentence):
            found.append((_adverbs_before(sentence, match.start(), floor), match.end(), predicate))
            floor = match.end()
    return found


def _clauses(sentence: str) -> Iterator[tuple[str, str, str]]:
    """`(subject, predicate, value)` for every clause the patterns can read."""
    found = _verbs(sentence)
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    subject: str | None = None
    consumed = 0
    for start, end, predicate in found:
        if start < consumed:
            continue  # overlaps a verb or object already read
        prefix, cut = _before(sentence, consumed, start)
        breaks = list(_CLAUSE_BREAK.finditer(prefix))
        own = prefix[breaks[-1].end() :] if breaks else prefix
        cut = cut and not breaks
        if predicate == "named" and _NAME_IS.match(sentence, start):
            current = _possessor(own, cut)
        elif own.strip():
            current = _subject(own, cut)
        else:
            current = subject  # "... and lives in Paris": the clause shares the subject
        if current is not None and not _agrees(current, sentence[start:end]):
            current = None  # "Cities like Paris": a plural noun, or "like" as a preposition
        # At most one window past the verb: slicing the whole rest per verb would be quadratic.
        rest = sentence[end : end + _WINDOW + 1]
        read = _object(rest, _BORN_END if predicate == "born_in" else _OBJECT_END)
        if read is None:
            continue
        value, length = read
        consumed = end + length
        if current is None:
            subject = None
            continue
        subject = current
        if predicate == "born_in":
            yield from _born(current, sentence[end : end + length])
        else:
            yield current, predicate, value


def _before(sentence: str, consumed: int, start: int) -> tuple[str, bool]:
    """The words before a verb, at most `_WINDOW` characters of them, and whether cut short."""
    if start - consumed <= _WINDOW:
        return sentence[consumed:start], False
    window = sentence[start - _WINDOW : start]
    return window[len(window.split(maxsplit=1)[0]) :], True  # without a partial first word


def _agrees(subject: str, verb: str) -> bool:
    """A bare name takes the third-person verb ("Alice likes"), never the base form."""
    if subject == _USER or "'s " in subject:
        return True
    words = verb.lower().split()
    first = next((w for w in words if w not in _ADVERBS), "")
    return first not in _BASE_FORMS


def _born(subject: str, rest: str) -> Iterator[tuple[str, str, str]]:
    """'born in 1990 in Lisbon': a date (`born_on`) and a place (`born_in`)."""
    for part in _BORN_PART.split(rest):
        value = " ".join(part.split())
        if not value:
            continue
        is_date = _DATE_VALUE.match(value) is not None and _is_date(value)
        yield subject, "born_on" if is_date else "born_in", value


def _is_date(value: str) -> bool:
    words = value.replace(",", " ").split()
    return any(w.isdigit() for w in words) or any(w.lower() in _MONTHS for w in words)


# --- kinds ------------------------------------------------------------------------------------


def _name_kind(name: str) -> str | None:
    words = name.lower().replace(".", "").split()
    if not words:
        return None
    if words[-1] in _ORG_SUFFIXES:
        return "organization"
    if len(words) == 1 and (words[0] in _DAYS or words[0] in _MONTHS):
        return "date"
    if re.fullmatch(r"\d{4}(?:-\d\d-\d\d)?", name):
        return "date"
    return None


def _value_kind(predicate: str, value: str, subject: str) -> str:
    by_name = _name_kind(value)
    if by_name is not None:
        return by_name
    words = value.lower().split()
    if predicate in ("lives_in", "born_in"):
        return "place"
    if predicate == "born_on":
        return "date"
    if predicate == "works_at":
        return "organization"
    if predicate == "named":
        return "person" if subject == _USER or _is_person(subject) else "thing"
    if any(w in _FOODS for w in words) or value.lower() in ("vegetarian", "vegan"):
        return "food"
    if predicate == "is_a" and words:
        if words[-1] in _PLACE_NOUNS:
            return "place"
        if words[-1] in _ORG_NOUNS:
            return "organization"
        if words[-1] in _PERSON_NOUNS:
            return "person"
    return "thing"


def _is_person(subject: str) -> bool:
    if subject == _USER:
        return True
    if "'s " in subject:
        return subject.rsplit(" ", 1)[-1].lower() in _RELATIVES
    return _name_kind(subject) is None


def _subject_kind(subject: str, predicate: str, value: str) -> str:
    by_name = _name_kind(subject)
    if by_name is not None:
        return by_name
    if predicate == "is_a":
        # "Paris is a city", "Anna is a doctor"; but "Python is a language" is no person.
        kind = _value_kind("is_a", value, subject)
        if kind in ("place", "organization", "person"):
            return kind
        return (
            "person"
            if subject == _USER or ("'s " in subject and _is_person(subject))
            else ("thing")
        )
    return "person" if _is_person(subject) else "thing"


def _context_kind(sentence: str, start: int) -> str | None:
    # The few words before the name are enough: "met (the) X", "in (the) X".
    before = [w.lower().strip(".,") for w in sentence[max(0, start - 40) : start].split()]
    while before and before[-1] in ("the", "a", "an"):
        before.pop()
    if not before:
        return None
    word = before[-1]
    if word in _PERSON_CUES:
        return "person"
    if word in _PLACE_CUES or word == "at":
        return "place"
    return None


# --- the whole text ---------------------------------------------------------------------------


def _fact(subject: str, predicate: str, value: str) -> Fact:
    if predicate == "named":
        text = (
            f"{subject}'s name is {value}."
            if subject == _USER or _is_person(subject)
            else f"{subject} is named {value}."
        )
    elif predicate in ("is_a", "has"):
        article = "an" if value[:1].lower() in "aeiou" else "a"
        verb = _PHRASES[predicate]
        text = (
            f"{subject} {verb} {value}."
            if value[:1].isupper() or value[:1].isdigit()
            else f"{subject} {verb} {article} {value}."
        )
    else:
        text = f"{subject} {_PHRASES[predicate]} {value}."
    text = text[:1].upper() + text[1:]
    return Fact(subject, predicate, value, text, f"{subject}|{predicate}|{value}".lower())


class _Collector:
    """Accumulates items in order, each key once."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.facts: dict[str, Fact] = {}

    def entity(self, name: str, kind: str) -> None:
        key = _key(name)
        known = self.entities.get(key)
        if known is None:
            self.entities[key] = Entity(" ".join(name.split()), kind, key)
        elif known.kind == "thing" and kind != "thing":
            self.entities[key] = attrs.evolve(known, kind=kind)

    def clause(self, subject: str, predicate: str, value: str) -> None:
        self.entity(subject, _subject_kind(subject, predicate, value))
        self.entity(value, _value_kind(predicate, value, subject))
        relation = Relation(subject, predicate, value)
        self.relations.setdefault((_key(subject), predicate, _key(value)), relation)
        fact = _fact(subject, predicate, value)
        self.facts.setdefault(fact.key, fact)

    def result(self) -> Extraction:
        return Extraction(
            tuple(self.entities.values()),
            tuple(self.relations.values()),
            tuple(self.facts.values()),
        )


def _names(sentence: str) -> Iterator[tuple[str, bool, int]]:
    """Capitalised names in a sentence: `(name, starts the sentence, offset)`."""
    lead = len(sentence) - len(sentence.lstrip(" \"'“‘(["))  # opening quotes and brackets
    for found in _NAME_RE.finditer(sentence):
        words = list(re.finditer(r"\S+", found.group()))
        while words and words[0].group().lower().strip("'’") in _STOP:
            words.pop(0)  # "Yesterday Alice", "The Hague" stays whole only if not sentence-initial
        if not words:
            continue
        offset = found.start() + words[0].start()
        name = " ".join(w.group() for w in words)
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        if name and name.lower() not in _STOP and len(words) <= _MAX_NAME_WORDS:
            yield name, offset <= lead, offset


def extract(text: str) -> Extraction:
    """Entities, relations and facts found in `text`, de-duplicated, in order of appearance."""
    collected = _Collector()
    initial_only: list[tuple[str, str | None]] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        for subject, predicate, value in _clauses(sentence):
            collected.clause(subject, predicate, value)
        for name, initial, offset in _names(sentence):
            kind = _name_kind(name) or _context_kind(sentence, offset)
            if initial and len(name.split()) == 1 and kind is None:
                initial_only.append((name, kind))  # "Cooking is fun": probably not a name
                continue
            collected.entity(name, kind or "thing")
    for name, kind in initial_only:
        if _key(name) in collected.entities:
            collected.entity(name, kind or "thing")
    return collected.result()


class FactAccumulator:
    """
    Extracts facts from a stream, each fact once.

    `add(piece)` reads the sentences the piece completes and returns the facts not seen
    before; the unfinished sentence waits for the next piece (or `flush()` at the end). Only
    fact keys are kept, never the text read, and at most `max_keys` of them (the oldest are
    forgotten first, so a fact repeated after that many others may be returned again).
    """

    __slots__ = ("_max_keys", "_seen", "_sentences")

    def __init__(self, max_keys: int = 100_000) -> None:
        if max_keys <= 0:
            raise ValueError(f"max_keys must be > 0, got {max_keys}")
        self._max_keys = max_keys
        self._seen: dict[str, None] = {}
        self._sentences = Chunker(ChunkingConfig(strategy="sentence", max_chunk_size=1))

    @property
    def seen(self) -> int:
        """How many fact keys are remembered."""
        return len(self._seen)

    def add(self, piece: str) -> list[Fact]:
        """The new facts in the sentences that `piece` completes."""
        return self._new(chunk.text for chunk in self._sentences.feed(piece))

    def flush(self) -> list[Fact]:
        """End of stream: the new facts in the last, unfinished sentence."""
        facts = self._new(chunk.text for chunk in self._sentences.finish())
        self._sentences = Chunker(ChunkingConfig(strategy="sentence", max_chunk_size=1))
        return facts

    def _new(self, sentences: Iterator[str]) -> list[Fact]:
        fresh = []
        for sentence in sentences:
            for fact in extract(sentence).facts:
                if fact.key in self._seen:
                    continue
                self._seen[fact.key] = None
                if len(self._seen) > self._max_keys:
                    del self._seen[next(iter(self._seen))]
                fresh.append(fact)
        return fresh
