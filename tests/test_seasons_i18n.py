"""A season's and a retrospective's refusals are said in the reader's language (issue 23, item 6):
numbers out of range, reflections too long or in no column, topics, and a crew's change of members."""

from __future__ import annotations

import re

import pytest

from microsolidarity_widgets import Ledger, i18n
from microsolidarity_widgets.errors import LedgerError
from microsolidarity_widgets.seasons import Reflection, Retrospective, Reveal, Season, Topic, decide

PEOPLE = r"\b(Ama|Bo|Zed|Kestrels|someday|Rhythm)\b"


@pytest.fixture
def crew(tmp_path):
    ledger = Ledger.open(tmp_path / "ledger.sqlite")
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    ledger.record(Season("Kestrels", "2026-01-01"))
    yield ledger
    ledger.close()


@pytest.fixture
def retro(crew):
    """A retrospective whose one reflection is revealed: topics can be made, and refused."""
    r = crew.record(Retrospective("Kestrels", "2026-04-01"))
    crew.record(Reflection(r, "Bo", "working", "We meet every week"))
    crew.record(Reveal(r))
    return r


REFUSALS = {
    "months out of range": lambda crew, r: crew.record(Season("Kestrels", "2026-03-01", every_months=0)),
    "votes not a number": lambda crew, r: crew.record(Retrospective("Kestrels", "2026-05-01", votes="3")),
    "reflection too long": lambda crew, r: crew.record(Reflection(r, "Ama", "working", "x" * 10_000)),
    "no such column": lambda crew, r: crew.record(Reflection(r, "Ama", "someday", "hi")),
    "reflection numbers": lambda crew, r: crew.record(Topic(r, [True], "Rhythm")),
    "topic's title too long": lambda crew, r: crew.record(Topic(r, [1], "t" * 500)),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_every_refusal_is_said_in_the_pseudo_locale(crew, retro, refusal):
    with i18n.speaking(i18n.PSEUDO), pytest.raises(LedgerError) as refused:
        REFUSALS[refusal](crew, retro)
    said = str(refused.value)
    outside = re.sub(PEOPLE, " ", re.sub(r"⟦[^⟦⟧]*⟧", " ", said))
    assert "⟦" in said and not re.search(r"[A-Za-z]{3,}", outside), said


def test_a_change_of_members_is_refused_in_german(crew):
    with i18n.speaking("de"), pytest.raises(LedgerError) as refused:
        decide(crew, "Kestrels", "2026-04-01", "change", leaving=["Zed"])
    assert str(refused.value) == "„Zed“ ist am 1. April 2026 kein Mitglied von Kestrels und kann deshalb nicht gehen."

