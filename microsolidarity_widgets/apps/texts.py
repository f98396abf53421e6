"""The guides and hints the pages show, in one place and in our own words. A round's prompts and a
level's scoring words belong to the level, in its entry in ``levels.py`` (members' phones show them too).

These are trusted, fixed texts (simple HTML). Anything a person typed never goes through here
unescaped: the pages escape names and notes before they touch HTML.
"""

from __future__ import annotations

HOSTS_HINT = ("Hosting is shared work. These suggestions come from who has hosted least so far; "
              "change them if today is different.")

# --- 00 crew set-up ---------------------------------------------------------------------------

CHANGE_MEMBER_HINT = ("A new name applies in every group, and history keeps it: their points stay theirs. Removing "
                      "someone records the day they left; what they did before stays, with its points.")

WHY_SMALL_GROUPS = [
    ("New habits", "What care work goes unseen when we meet &mdash; hosting, preparing, cleaning up, checking "
                   "on someone? How could we notice it and share it out fairly?"),
    ("Living with difference", "Where do we expect to disagree? What would help us stay curious instead of "
                               "pulling away?"),
    ("Looking after each other", "Can this be a place to talk through what is hard, the way friends help "
                                 "each other think?"),
    ("Proof it can work", "If we manage to coordinate without anyone being forced, what would we want to "
                          "write down so other groups can copy it?"),
    ("Hard times", "If one of us, or all of us, hit a rough patch, what would we want to already have in "
                   "place?"),
]

AGREEMENTS_HINT = ("Before the first exercise, agree how you keep each other safe. Two questions to settle: "
                   "what stays inside the group, and how people respond while someone else is speaking.")
CONFIDENTIALITY_PLACEHOLDER = "e.g. Stories stay in the room; the lessons can travel."
CROSS_TALK_PLACEHOLDER = "e.g. Nobody responds during a turn; questions come afterwards and only if welcome."

# --- 01 listening -----------------------------------------------------------------------------

LISTENING_RULE = "While someone has the turn, nobody replies or gives advice. Anyone may pass."

# --- 02 money ---------------------------------------------------------------------------------

MONEY_WHEN = "Only come to this level once the crew feels safe with each other."
RESPECT_HINT = ("Your call as facilitator: tick someone only if their exchange with the speaker was made with "
                "mutual respect and positive regard. Nobody is ticked for you. Only members who made an offer, or "
                "to whom an ask was addressed, are listed: an exchange is what the bonus rewards.")
RESPECT_NOBODY_YET = ("Nobody to tick yet: add an offer, or an ask addressed to someone, and they appear here.")
ASK_TO_HINT = "Addressed to (optional): tick whom the speaker asks; leave all unticked for an ask to the whole group."
FROM_PHONES_HINT = ("Offers members send from their phones, and the speaker's asks, wait here. Accept puts one into "
                    "this round (it scores when you record the round); Decline answers no. Their phones show which.")
PRIVATE_NOTE_HINT = "Private: kept out of exports and charts. Nothing here is required."

# --- 03 consistency ---------------------------------------------------------------------------

PROCESS_STEPS = {
    "Feelz Circle": [
        "Agree the norms for cross-talk and confidentiality before anything else.",
        "Open with a poem, a quote or a short moment of quiet.",
        "Go round: each person speaks to the personal, the political and the professional.",
        "After their turn, each person may ask the circle for feedback.",
        "Variants: a Council round (speak and listen from the heart, keep it lean and spontaneous, maybe a "
        "silent witness) or a Clearness Committee (one focus person, 4–6 people and a facilitator; a 10–15 "
        "minute opening; only honest open questions; mirroring near the end; double confidentiality; "
        "1.5–2 hours).",
    ],
    "Care Pod": [
        "3–5 people, 60–90 minutes; weekly at first, later every two weeks or monthly.",
        "The host role rotates, and the pod agrees up front when it will end.",
        "Explore your ideal self, then your real self: strengths and gaps.",
        "Turn the gaps into a learning agenda, then experiment and practise between meetings.",
        "Lean on the trusting relationships in the pod; at the end, look back: what works, what could be "
        "better, what will we change?",
    ],
    "Stewardship": [
        "Each member has a steward (it need not be mutual); meet about once a month.",
        "How did last month go? What did you enjoy, what did you not?",
        "What will you do differently?",
        "How are your longer-term goals coming along?",
        "How can I support you?",
    ],
    "The Elephants": [
        "About 4 people who agree to be fully open with each other.",
        "Begin with a personal reflection: what do you want from life?",
        "Set goals at 10-year, 3-year, 1-year and quarterly horizons across relationships, work, money, "
        "health and leisure.",
        "Share a short report every week and a longer one every quarter.",
        "Hold a review together each quarter.",
    ],
}
NO_PROCESS = "Our own way"

# --- 04 conflict ------------------------------------------------------------------------------

REPAIR_HINT = ("<b>Walk through the repair together</b>, at whatever pace it needs "
               "(tick each step as you go):")
OUTCOME_LABELS = {
    "resolved": "Resolved: we found a way forward we both agree with",
    "unresolved": "Unresolved: we are closing it without agreement",
}

# --- 05 co-owners -----------------------------------------------------------------------------

LEGAL_FORMS = ["company", "association", "co-op", "savings pool", "lending circle", "livelihood pod"]

NAMES_ON_PHONES_HINT = ("Each name chosen on a phone is held by that phone, so nobody else's phone can speak for them. "
                        "When a phone chose the wrong name or someone changed phones, free the name there; the next "
                        "phone to choose it holds it.")
