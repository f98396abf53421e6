"""Checking in from a phone (issue 13): an event like any other, refused in words, scoring nothing;
the facilitator's "who is here" ticks start from the check-ins and take in each new one."""

from __future__ import annotations

import datetime as dt

import pytest

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets.apps import ListeningApp
from microsolidarity_widgets.events import CheckIn

TODAY = dt.date.today()


def test_a_check_in_is_recorded_scores_nothing_and_is_refused_in_words(crew_ledger):
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Bo"))
    crew_ledger.record(CheckIn("Kestrels", TODAY, " ama "))
    assert crew_ledger.check_ins("Kestrels") == ["Bo", "Ama"]  # first come first, spelled as the group does
    assert crew_ledger.check_ins("Ama+Bo") == []
    assert crew_ledger.points().empty
    with pytest.raises(LedgerError, match="Bo is already checked in for Kestrels on"):
        crew_ledger.record(CheckIn("Kestrels", TODAY, "BO"))
    with pytest.raises(LedgerError, match="“Zed” is not a member of Kestrels"):
        crew_ledger.record(CheckIn("Kestrels", TODAY, "Zed"))
    with pytest.raises(LedgerError, match="in the future"):
        crew_ledger.record(CheckIn("Kestrels", TODAY + dt.timedelta(days=1), "Caz"))
    assert len(crew_ledger.events().query("kind == 'check_in'")) == 2


def test_a_voided_check_in_no_longer_counts(crew_ledger):
    event_id = crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))
    crew_ledger.void(event_id, reason="checked in by mistake")
    assert crew_ledger.check_ins("Kestrels") == []
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))  # and may check in again
    assert crew_ledger.check_ins("Kestrels") == ["Caz"]


def test_the_page_ticks_who_checked_in_and_each_new_arrival(crew_ledger):
    app = ListeningApp(crew_ledger)
    s = app.session
    s.group.value = "Kestrels"
    assert s.present.value == ["Ama", "Bo", "Caz", "Dev"] and s.joined.value == ""  # nobody yet: everyone ticked

    crew_ledger.record(CheckIn("Kestrels", TODAY, "Bo"))
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Ama"))
    s.poll()
    assert s.present.value == ["Ama", "Bo"]  # the first check-ins replace the untouched default
    assert "Checked in from their phones: Bo, Ama (2 of 4)" in s.joined.value

    s.present.boxes["Dev"].value = True  # the facilitator ticks someone without a phone
    crew_ledger.record(CheckIn("Kestrels", TODAY, "Caz"))
    s.poll()
    assert s.present.value == ["Ama", "Bo", "Caz", "Dev"]  # the arrival is added; the facilitator's tick stays
    assert "(3 of 4)" in s.joined.value

    s.poll()  # nothing new in the ledger: nothing changes
    s.present.boxes["Bo"].value = False
    s.poll()
    assert "Bo" not in s.present.value

    s.group.value = "Ama+Bo"  # another group: its own check-ins, none (ticks of names that stay are kept)
    assert s.present.value == ["Ama"] and s.joined.value == ""
