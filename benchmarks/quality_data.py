"""The quality suite's conversations, written for this project (see benchmarks/quality.py).

`FACTS` are things a user tells an assistant, each with a question asked sessions later that
shares no content word with it (checked by tests/quality), so only meaning links them. `FILLER`
is the small talk around them, `UNANSWERABLE` questions that no fact answers, `NEAR_IDENTICAL`
pairs of distinct facts that differ in one number, date, name or negation, and `REPEATS` the same
statement said again in other words (or the very same words).
"""

from __future__ import annotations

__all__ = ["FACTS", "FILLER", "NEAR_IDENTICAL", "REPEATS", "UNANSWERABLE"]

# (fact, question, topic)
FACTS: tuple[tuple[str, str, str], ...] = (
    # preferences
    (
        "I'm vegetarian and I love Italian cooking.",
        "What should I have for dinner tonight?",
        "preferences",
    ),
    ("My favourite band is Radiohead.", "Which musicians do I enjoy listening to?", "preferences"),
    ("I drink my coffee black, no sugar.", "How do I take my morning brew?", "preferences"),
    (
        "I can't stand horror movies.",
        "What kind of film would be a bad pick for me?",
        "preferences",
    ),
    ("I prefer window seats on flights.", "Where do I like to sit on a plane?", "preferences"),
    ("My favourite colour is dark green.", "Which shade do I like best?", "preferences"),
    (
        "I read mostly science fiction novels.",
        "What books should you recommend to me?",
        "preferences",
    ),
    (
        "I hate waking up before seven.",
        "When is too early to schedule a call with me?",
        "preferences",
    ),
    (
        "I'd rather take the train than drive.",
        "How do I usually travel between cities?",
        "preferences",
    ),
    (
        "Spicy food is my weakness, the hotter the better.",
        "Do I enjoy chilli peppers?",
        "preferences",
    ),
    # family
    ("My sister Clara lives in Lisbon.", "Where is my sibling based?", "family"),
    ("My daughter Mia turns six in May.", "How old is my child going to be?", "family"),
    ("My husband works as a nurse.", "What does my spouse do for a living?", "family"),
    ("My mother is called Helen.", "What is my mum's name?", "family"),
    ("We have two cats, Pixel and Biscuit.", "Do I own any pets?", "family"),
    (
        "My brother just had a baby boy named Theo.",
        "Did someone in my family recently become a parent?",
        "family",
    ),
    ("My parents retired to the Scottish coast.", "Where do my mom and dad live now?", "family"),
    (
        "My son plays football every Saturday morning.",
        "Which sport does my kid do at the weekend?",
        "family",
    ),
    (
        "Grandpa Joe is turning ninety next month.",
        "Which relative has a big birthday coming?",
        "family",
    ),
    ("My wife Priya is a marine biologist.", "What is my partner's profession?", "family"),
    # health
    ("I'm allergic to peanuts.", "Which snacks are dangerous for me?", "health"),
    ("I take insulin because I have type 1 diabetes.", "Do I have a chronic condition?", "health"),
    ("I broke my left wrist skiing in February.", "Have I had any injuries this year?", "health"),
    ("I'm lactose intolerant, milk makes me sick.", "Can I have a cheese platter?", "health"),
    (
        "I've been running three times a week to train for a half marathon.",
        "What exercise routine am I following?",
        "health",
    ),
    (
        "My doctor told me to cut down on salt for my blood pressure.",
        "Are there dietary restrictions from my GP?",
        "health",
    ),
    (
        "I get migraines when I look at screens too long.",
        "Why do I suffer from headaches?",
        "health",
    ),
    ("I quit smoking two years ago.", "Am I a smoker?", "health"),
    (
        "I sleep badly and usually get about five hours a night.",
        "How well do I rest?",
        "health",
    ),
    ("I wear glasses for reading.", "Do I have any vision problems?", "health"),
    # work
    ("I work as a data engineer at a bank.", "What is my job?", "work"),
    ("My manager is called Rafael.", "Who is my boss?", "work"),
    ("I'm on the team building the payments platform.", "Which project am I assigned to?", "work"),
    ("I commute by bike to the office.", "How do I get to my workplace?", "work"),
    ("I work from home on Mondays and Fridays.", "Which days am I remote?", "work"),
    ("I got promoted to senior engineer last spring.", "Did my career advance recently?", "work"),
    (
        "Our quarterly review deadline is the end of June.",
        "When is the next big evaluation due?",
        "work",
    ),
    ("I mostly write Python and SQL.", "Which programming languages do I use?", "work"),
    (
        "I'm thinking about leaving my job to start a bakery.",
        "Do I have plans for a career change?",
        "work",
    ),
    ("My company has about two hundred employees.", "How big is the firm I'm at?", "work"),
    # places
    ("I live in a small flat in Berlin.", "Which city is my home?", "places"),
    ("I grew up on a farm in Iowa.", "Where did I spend my childhood?", "places"),
    (
        "My favourite restaurant is a tiny ramen bar near the station.",
        "Where do I like to eat out?",
        "places",
    ),
    ("I studied architecture in Barcelona.", "Where did I go to university?", "places"),
    (
        "We spend every August at a cabin by a lake in Finland.",
        "Where do we go on summer holiday?",
        "places",
    ),
    (
        "My gym is right across the street from my apartment.",
        "How far away do I work out?",
        "places",
    ),
    ("I've never been to Asia.", "Have I visited Japan or China?", "places"),
    ("I'm moving to Toronto in the autumn.", "Am I about to relocate?", "places"),
    ("I do my grocery shopping at the farmers market.", "Where do I buy food?", "places"),
    ("My hometown is Porto.", "Which town am I originally from?", "places"),
    # dates and plans
    ("My birthday is on the 14th of March.", "When should you congratulate me?", "dates"),
    ("Our wedding anniversary is October 2nd.", "Which day did I get married?", "dates"),
    (
        "I have a dentist appointment next Tuesday at 3 pm.",
        "When is my checkup with the teeth doctor?",
        "dates",
    ),
    ("My passport expires in January 2027.", "When do my travel documents run out?", "dates"),
    ("The rent is due on the first of every month.", "When must I pay my landlord?", "dates"),
    ("I'm flying to Tokyo on the 3rd of December.", "Do I have a trip coming up?", "plans"),
    ("I want to learn Spanish this year.", "Which language am I hoping to pick up?", "plans"),
    ("I'm saving up to buy a house next year.", "What big purchase am I preparing for?", "plans"),
    (
        "I signed up for a pottery class starting next week.",
        "What new hobby am I taking on?",
        "plans",
    ),
    (
        "We're hosting Thanksgiving dinner for twelve people.",
        "Are we having guests over for the holiday?",
        "plans",
    ),
    ("I plan to run the Berlin marathon in September.", "Which race am I entering?", "plans"),
    (
        "I'm repainting the kitchen yellow this weekend.",
        "What home project am I doing soon?",
        "plans",
    ),
)

# Questions nobody in the conversations answered.
UNANSWERABLE: tuple[str, ...] = (
    "What is the capital of Australia?",
    "How many moons does Jupiter have?",
    "What's my blood type?",
    "Which car brand do I drive?",
    "What did I name my first goldfish?",
    "Who won the chess tournament yesterday?",
    "How tall is my neighbour?",
    "What's the password for the office wifi?",
    "Which high school did my cousin attend?",
    "What was the score of the rugby final?",
    "How much does a violin cost?",
    "What is my shoe size?",
    "Which bank holds my mortgage?",
    "Who is my landlord's accountant?",
    "What time does the post office close?",
    "How do I fix a leaking tap?",
    "What's the boiling point of nitrogen?",
    "Which podcast did I listen to this morning?",
    "What is my cousin's email address?",
    "How many stamps are in my collection?",
)

# Small talk between the facts (also told through turn()).
FILLER: tuple[str, ...] = (
    "Hi there!",
    "ok thanks",
    "Good morning, how are you today?",
    "haha nice",
    "Can you help me with something?",
    "That makes sense.",
    "Thanks, that was helpful!",
    "lol",
    "Hmm, let me think about it.",
    "Sure, sounds good.",
    "What do you think?",
    "Anyway, let's move on.",
    "Cool.",
    "Are you still there?",
    "Great, bye for now!",
    "Okay.",
)

# Distinct facts that differ only in a number, date, name or negation: never merged.
NEAR_IDENTICAL: tuple[tuple[str, str], ...] = (
    (
        "Nadia booked a dentist appointment for 16 July at 12 o'clock.",
        "Nadia booked a dentist appointment for 18 July at 12 o'clock.",
    ),
    (
        "Nadia booked a dentist appointment for 16 July at 12 o'clock.",
        "Nadia booked a dentist appointment for 16 July at 2 o'clock.",
    ),
    (
        "The invoice for the roof repair was 1,200 euros.",
        "The invoice for the roof repair was 1,500 euros.",
    ),
    (
        "Tom's flight to Rome leaves on Monday morning.",
        "Tom's flight to Rome leaves on Tuesday morning.",
    ),
    ("Sarah is allergic to shellfish.", "Sarah is not allergic to shellfish."),
    ("The meeting with Anna is at 10 am.", "The meeting with Maria is at 10 am."),
    ("I paid 45 dollars for the concert tickets.", "I paid 54 dollars for the concert tickets."),
    ("The kids' school starts on September 4th.", "The kids' school starts on September 5th."),
    ("Our team meeting moved to room 301.", "Our team meeting moved to room 310."),
    ("Lucas likes the new office.", "Lucas doesn't like the new office."),
    ("My car insurance renews in March.", "My car insurance renews in May."),
    ("Ben's phone number ends in 4471.", "Ben's phone number ends in 4417."),
    ("The train to Leeds departs at 7:15.", "The train to Leeds departs at 7:45."),
    ("Emma moved to Oslo in 2019.", "Emma moved to Oslo in 2021."),
    ("I will attend the conference.", "I will never attend the conference."),
    ("David owes me twenty pounds.", "David owes me thirty pounds."),
    ("The package was delivered to Peter.", "The package was delivered to Paul."),
    ("Mum's flight lands at Heathrow terminal 2.", "Mum's flight lands at Heathrow terminal 5."),
    ("I booked a table for four on Friday.", "I booked a table for six on Friday."),
    ("The lease ends on 31 August 2026.", "The lease ends on 31 August 2027."),
)

# The same statement again: these must still merge into one memory.
REPEATS: tuple[tuple[str, str], ...] = (
    ("My sister Clara lives in Lisbon.", "My sister Clara lives in Lisbon."),
    ("I'm allergic to peanuts.", "I'm allergic to peanuts!"),
    ("I work as a data engineer at a bank.", "I work as a data engineer at a bank"),
    (
        "The rent is due on the first of every month.",
        "the rent is due on the first of every month.",
    ),
    ("My birthday is on the 14th of March.", "My birthday is on the 14th of March. "),
)
