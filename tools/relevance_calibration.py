"""The calibration set of `cml.engine.relevance`: written for this project, kept apart from the
quality suite (benchmarks/quality_data.py), so the suite measures what the fit never saw.

Each fact is stored with `STATEMENTS` (unrelated statements), `CHATTER` (questions and small talk
as `turn()` stores them) and the other facts; each question is then scored against every memory,
labelled 1 for its own fact and 0 for everything else. `tools/fit_relevance.py` fits on it.
"""

from __future__ import annotations

__all__ = ["CHATTER", "PAIRS", "STATEMENTS", "STRAY_QUESTIONS"]

# (fact, question that shares no content word with it)
PAIRS: tuple[tuple[str, str], ...] = (
    ("User prefers vegetarian food and lives in Paris.", "What should I eat tonight?"),
    ("User prefers vegetarian food and lives in Paris.", "What does the user eat?"),
    ("User prefers vegetarian food and lives in Paris.", "Which city is the user's home?"),
    ("I am learning to play the cello.", "Which instrument am I practising?"),
    ("My flatmate Jonas is a chef.", "What does the person I share an apartment with do?"),
    ("I'm gluten intolerant.", "Can I eat bread?"),
    ("My dog Rufus is a golden retriever.", "What breed is my puppy?"),
    ("I teach maths at a secondary school.", "What is my occupation?"),
    ("I moved here from Kenya five years ago.", "Where am I originally from?"),
    ("I go swimming every Wednesday evening.", "What do I do midweek for fitness?"),
    ("My favourite dessert is lemon tart.", "Which sweet treat do I like most?"),
    ("I'm afraid of heights.", "Would I enjoy climbing a tall tower?"),
    ("My grandmother taught me to knit.", "Who showed me how to make scarves?"),
    ("I support Liverpool FC.", "Which football club am I a fan of?"),
    ("My car is an old blue Volvo.", "What vehicle do I drive?"),
    ("I'm colour blind.", "Do I have trouble seeing red and green?"),
    ("I met my partner at university.", "How did I meet my significant other?"),
    (
        "My niece Sofia is starting college in the fall.",
        "Which relative is about to begin higher education?",
    ),
    ("I keep bees in the back garden.", "Do I have a hobby involving insects?"),
    (
        "We're renovating the bathroom next month.",
        "Is there any building work planned at my place?",
    ),
    (
        "I need to renew my driving licence before June.",
        "What paperwork do I have to sort out soon?",
    ),
    ("I never eat breakfast.", "What do I have in the morning?"),
    ("My laptop is a ThinkPad running Linux.", "What computer do I use?"),
    ("I volunteer at an animal shelter on Sundays.", "What charity work do I do?"),
    ("I was born in 1988.", "How old am I?"),
    ("My best friend is called Amara.", "Who is my closest mate?"),
    ("I'm training to become a pilot.", "What qualification am I working towards?"),
    (
        "Our flat has no heating, so winters are rough.",
        "Is my apartment warm when it's cold outside?",
    ),
    ("I collect vinyl records from the seventies.", "What do I hoard?"),
    ("I speak Portuguese and French fluently.", "Which languages do I know?"),
    # more pairs, added with more unanswerable questions so the fit sees bad lots too
    (
        "My youngest brother is studying medicine in Dublin.",
        "What is my sibling training to become?",
    ),
    ("I ride a motorbike on weekends.", "Do I own a two-wheeled vehicle?"),
    ("My favourite author is Ursula Le Guin.", "Whose novels do I like best?"),
    ("I'm allergic to bee stings.", "What insect could send me to hospital?"),
    ("I play the drums in a jazz trio.", "Am I in a band?"),
    ("My uncle owns a vineyard in Chile.", "Does a relative of mine make wine?"),
    ("I've been a vegan since 2019.", "Do I consume animal products?"),
    ("My partner snores loudly.", "Why am I kept awake at night?"),
    ("I work night shifts at the hospital.", "What is my schedule like?"),
    ("I grow tomatoes and basil on my balcony.", "Do I do any gardening?"),
    ("I'm saving for a trip to Patagonia.", "Where do I want to travel?"),
    ("Our twins start kindergarten in September.", "When do my kids begin school?"),
    ("I lost my wallet on the bus last Friday.", "Did I misplace anything recently?"),
    ("I'm the treasurer of the local rowing club.", "What volunteer role do I hold?"),
    ("My washing machine broke this morning.", "Which appliance needs repairing?"),
    ("I can't swim.", "Should I go scuba diving?"),
    ("My cousin Luca is getting married in Naples.", "Which family wedding is coming up?"),
    ("I drink green tea every afternoon.", "What's my usual hot beverage?"),
    ("My son is learning the trumpet.", "Which instrument does my boy practise?"),
    ("I finished a triathlon last summer.", "Have I completed an endurance race?"),
    ("I have high cholesterol.", "Any heart health issues I should watch?"),
    ("I work for a small design agency in Leeds.", "Where is my employer located?"),
    ("My neighbour's dog barks all night.", "What noise bothers me?"),
    ("I'm taking a sabbatical next spring.", "Will I have time off from my career?"),
    (
        "I passed my driving test on the third attempt.",
        "How many tries did I need to get my licence?",
    ),
    ("My partner and I adopted a rescue greyhound.", "Which animal joined our household?"),
    ("I moved into a new flat in March.", "When did I change address?"),
    ("My favourite film is Spirited Away.", "Which movie do I love most?"),
)

# Statements unrelated to every question above.
STATEMENTS: tuple[str, ...] = (
    "The user's dog is called Pixel.",
    "The user works at a software company.",
    "The user enjoys hiking on weekends.",
    "The user has a meeting with Sam on Thursday.",
    "The office printer is broken again.",
    "The quarterly report was sent to finance.",
    "Our neighbours painted their fence white.",
    "The user bought a new umbrella yesterday.",
    "The library closes early on public holidays.",
    "My phone screen cracked last week.",
    "The user watched a documentary about whales.",
    "We ordered new chairs for the living room.",
)

# Questions and small talk, as `turn()` stores them.
CHATTER: tuple[str, ...] = (
    "What should I cook for dinner?",
    "Any ideas for the weekend?",
    "hello!",
    "thanks a lot",
    "ok",
    "How's it going?",
    "Can you remind me later?",
    "What do you recommend?",
    "nice one",
    "Where should I go on holiday?",
    "Is it going to rain tomorrow?",
    "sounds great, thanks",
)

# Questions nothing stored answers (all labels 0).
STRAY_QUESTIONS: tuple[str, ...] = (
    "What is the tallest mountain in Africa?",
    "How do I reset my router?",
    "What is my brother's favourite film?",
    "Which airline did I fly last year?",
    "How much did my sofa cost?",
    "hi, how are you?",
    "thanks!",
    "What's the weather like?",
    "What is my brother-in-law's job?",
    "How much do I earn a year?",
    "What's my favourite pizza topping?",
    "When does my car insurance renew?",
    "What was the name of my first teacher?",
    "How many siblings does my wife have?",
    "Which team won the world cup in 1998?",
    "How do I make sourdough bread?",
    "What time is sunset tomorrow?",
    "Who painted the Mona Lisa?",
    "What's my neighbour's phone number?",
    "Which hotel did we stay at in Rome?",
    "How long is the drive to the airport?",
    "When is my manager's birthday?",
    "Which vaccines did I get as a child?",
    "What's the best way to learn guitar?",
    "How much is a train ticket to Glasgow?",
    "Did I pay the electricity bill?",
    "What colour is my front door?",
    "Which charity did my aunt support?",
    "ok cool",
    "good night!",
)
