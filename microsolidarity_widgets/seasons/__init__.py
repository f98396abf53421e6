"""A crew's season and its retrospectives (docs/rules.md#seasons-and-retrospectives).

A crew is an experiment with an agreed end: a season (start, end, retrospective days), retrospectives in
which members reflect in three columns, the facilitator reveals and groups the reflections, members vote
and the crew agrees actions; at the season's end it continues, changes or closes. Every step is an event
in the ledger (``events``, each with its rule in ``rules``); ``queries`` reads where the crew is and what
it did since its last retrospective. Plain Python and pandas, no widgets.

    >>> ledger.record(Season("Kestrels", "2026-01-01"))          # ends 1 July, retrospectives 1 April and 1 July
    >>> retro = ledger.record(Retrospective("Kestrels", "2026-04-01"))
    >>> ledger.record(Reflection(retro, "Ama", "working", "We meet every week."))
    >>> decide(ledger, "Kestrels", "2026-07-01", "continue")
"""

from .decisions import decide
from .events import Action, ActionReviewed, Reflection, Retrospective, Reveal, Season, Topic, Vote
from .queries import (actions, closed_crews, reflections, retrospectives, seasons, since_last, standing, standings,
                      topics, votes_left)
from .rules import COLUMNS, DECISIONS, VOTES

__all__ = ["Action", "ActionReviewed", "COLUMNS", "DECISIONS", "Reflection", "Retrospective", "Reveal", "Season",
           "Topic", "VOTES", "Vote", "actions", "closed_crews", "decide", "reflections", "retrospectives", "seasons",
           "since_last", "standing", "standings", "topics", "votes_left"]
