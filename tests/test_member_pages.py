"""Member pages are made ready before the phones ask (issue 13): the server scores the ledger and
draws each crew's chart in a worker thread as soon as the ledger changes, and a chart is drawn again
only when its crew's figures change."""

from __future__ import annotations

import datetime as dt

import pytest

from microsolidarity_widgets import members, storage
from microsolidarity_widgets.rules import CheckIn
from microsolidarity_widgets.levels.listening import Listening

TODAY = dt.date.today()


@pytest.fixture
def shared(crew_ledger, monkeypatch):
    """The crew ledger as the server's member side opens it, with nothing drawn yet."""
    monkeypatch.setenv(storage.ENV_VAR, str(crew_ledger.location))
    members._ledger.cache_clear()
    members._drawn.cache_clear()
    yield crew_ledger
    members._ledger.cache_clear()
    members._drawn.cache_clear()


def drawn() -> int:
    """How many charts have been drawn so far."""
    return members._drawn.cache_info().misses


def test_every_crew_is_drawn_before_a_phone_asks(shared):
    members.prepare()
    assert drawn() == 2  # Kestrels and Ama+Bo
    for who in ("Ama", "Caz"):
        assert "Trust in Kestrels over time" in members.member_page("/", who, "<token>")
    assert drawn() == 2


def test_a_chart_is_drawn_again_only_when_its_crews_figures_change(shared):
    members.prepare()
    shared.record(CheckIn("Kestrels", TODAY, member="Caz"))  # the ledger changed; nobody's points did
    members.prepare()
    assert drawn() == 2
    shared.record(Listening("Ama+Bo", TODAY, present=["Ama", "Bo"]))
    members.prepare()
    assert drawn() == 3  # Ama+Bo's points moved (and Kestrels', whose chart counts only its own rounds, did not)
    assert "Trust in Ama+Bo over time" in members.member_page("/", "Bo", "<token>")
    assert drawn() == 3

