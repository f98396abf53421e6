"""The guides and hints the pages outside the levels show (crew set-up, congregation, the facilitator's
screens), in our own words. A level's own texts are in its folder: its prompts and scoring words in
``levels/<name>/__init__.py``, its page's hints in its ``page.py``.

These are trusted, fixed texts, marked for translation (``N_``) and said in the page's language where
they are shown (``w._(texts.X)``). Anything a person typed never goes through here: the pages' templates
escape names and notes.
"""

from __future__ import annotations

from ..i18n import N_

HOSTS_HINT = N_("Hosting is shared work. These suggestions come from who has hosted least so far; "
                "change them if today is different.")

# --- 00 crew set-up ---------------------------------------------------------------------------

CHANGE_MEMBER_HINT = N_("A new name applies in every group, and history keeps it: their points stay theirs. Removing "
                        "someone records the day they left; what they did before stays, with its points.")

WHY_SMALL_GROUPS = [
    (N_("New habits"), N_("What care work goes unseen when we meet (hosting, preparing, cleaning up, checking on "
                          "someone)? How could we notice it and share it out fairly?")),
    (N_("Living with difference"), N_("Where do we expect to disagree? What would help us stay curious instead of "
                                      "pulling away?")),
    (N_("Looking after each other"), N_("Can this be a place to talk through what is hard, the way friends help "
                                        "each other think?")),
    (N_("Proof it can work"), N_("If we manage to coordinate without anyone being forced, what would we want to "
                                 "write down so other groups can copy it?")),
    (N_("Hard times"), N_("If one of us, or all of us, hit a rough patch, what would we want to already have in "
                          "place?")),
]

AGREEMENTS_HINT = N_("Before the first exercise, agree how you keep each other safe. Two questions to settle: "
                     "what stays inside the group, and how people respond while someone else is speaking.")
CONFIDENTIALITY_PLACEHOLDER = N_("e.g. Stories stay in the room; the lessons can travel.")
CROSS_TALK_PLACEHOLDER = N_("e.g. Nobody responds during a turn; questions come afterwards and only if welcome.")

# --- the facilitator's screens ------------------------------------------------------------------

NAMES_ON_PHONES_HINT = N_("Each name chosen on a phone is held by that phone, so nobody else's phone can speak for them. "
                          "When a phone chose the wrong name or someone changed phones, free the name there; the next "
                          "phone to choose it holds it.")
