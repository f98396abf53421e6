"""Level 4 page: open a conflict, walk the repair, close it (docs/rules.md step 4)."""

import datetime as dt
import re

from microsolidarity_widgets.apps import ConflictApp
from microsolidarity_widgets.levels.conflict import ConflictOpened
from pages import ask_to_undo, find


def test_open_then_resolve(open_page, crew_ledger):
    app = open_page(ConflictApp, on=dt.date(2026, 2, 5))
    s = app.session
    find(app, "Who is involved?").value = ["Bo", "Dev"]
    find(app, "What happened (private, optional)").value = "A careless remark about Dev's project."
    assert "Recording this gives no points" in s.preview.value
    find(app, "Open conflict").click()
    assert s.status.kind == "ok", s.status.text
    assert "Bo and Dev" in app.open_list.value
    cid = int(crew_ledger.table("open_conflicts", "Kestrels")["id"].iloc[0])

    find(app, "What now?").value = "close"
    assert s.record_button.description == "Close conflict"
    find(app, "Conflict").value = cid
    for step in app.level.prompts:
        find(app, step).value = True
    find(app, "Date").value = dt.date(2026, 2, 20)
    outcome = find(app, "How did it end?")
    outcome.value = "unresolved"
    assert s.preview.value.count("-20") == 2  # the consequence is shown before confirming
    outcome.value = "resolved"
    assert s.preview.value.count("+10") == 2
    find(app, "Close conflict").click()
    assert s.status.kind == "ok", s.status.text
    p = crew_ledger.points()
    assert p.groupby("member")["points"].sum().to_dict() == {"Bo": 10, "Dev": 10}
    assert (p["date"] == "2026-02-20").all()
    assert crew_ledger.table("open_conflicts", "Kestrels").empty and "No open conflicts" in app.open_list.value
    private = crew_ledger.events(include_private=True)
    assert "careless remark" in private.loc[private["kind"] == "conflict_opened", "texts"].iloc[0]["description"]
    assert crew_ledger.events().loc[lambda e: e["kind"] == "conflict_opened", "texts"].isna().all()


def test_bad_input_records_nothing(open_page, crew_ledger):
    app = open_page(ConflictApp, on=dt.date(2026, 2, 5))
    s = app.session
    find(app, "Who is involved?").value = ["Bo"]
    find(app, "Open conflict").click()
    assert s.status.kind == "error" and "at least 2" in s.status.text
    cid = crew_ledger.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    s.reload_groups()
    find(app, "What now?").value = "close"
    find(app, "Conflict").value = cid
    find(app, "Close conflict").click()
    assert "resolved or unresolved" in s.status.text
    find(app, "How did it end?").value = "resolved"
    find(app, "Date").value = dt.date(2026, 2, 1)
    find(app, "Close conflict").click()
    assert s.status.kind == "error" and "cannot close before" in s.status.text
    assert crew_ledger.points().empty and len(crew_ledger.table("open_conflicts")) == 1


def test_conflicts_are_named_by_who_and_when_and_a_lone_one_is_preselected(open_page, crew_ledger):
    first = crew_ledger.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    app = open_page(ConflictApp)
    find(app, "What now?").value = "close"
    conflict = find(app, "Conflict")
    assert conflict.options[1] == ("Bo and Dev — opened 5 Feb 2026 (Kestrels)", first)
    assert conflict.value == first  # the only one open: nothing to choose
    assert "<td>Bo and Dev</td><td>5 Feb 2026</td>" in app.open_list.value and "#" not in app.open_list.value
    crew_ledger.record(ConflictOpened("Kestrels", "2026-02-07", parties=["Ama", "Caz", "Dev"]))
    conflict.value = None
    app.session.reload_groups()
    assert conflict.value is None  # two open: the facilitator picks
    assert [label for label, _ in conflict.options][2] == "Ama, Caz and Dev — opened 7 Feb 2026 (Kestrels)"


def test_opening_a_second_conflict_between_the_same_people_is_warned_not_refused(open_page, crew_ledger):
    crew_ledger.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    app = open_page(ConflictApp, on=dt.date(2026, 2, 9))
    s = app.session
    parties = find(app, "Who is involved?")
    parties.value = ["Bo", "Caz"]
    assert "Check first" not in s.preview.value
    parties.value = ["Dev", "Bo"]
    assert "Check first: Bo and Dev already have a conflict open here, opened 5 Feb 2026." in s.preview.value
    find(app, "Open conflict").click()
    assert s.status.kind == "ok" and len(crew_ledger.table("open_conflicts", "Kestrels")) == 2


def test_messages_name_conflicts_by_people_and_day_and_leave_with_their_form(open_page, crew_ledger):
    cid = crew_ledger.record(ConflictOpened("Kestrels", "2026-02-05", parties=["Bo", "Dev"]))
    app = open_page(ConflictApp)
    s = app.session
    find(app, "What now?").value = "close"
    find(app, "Conflict").value = cid
    find(app, "How did it end?").value = "resolved"
    find(app, "Date").value = dt.date(2026, 2, 1)  # before it was opened
    find(app, "Close conflict").click()
    assert s.status.kind == "error"
    assert "The conflict between Bo and Dev opened on 2026-02-05" in s.status.text
    assert str(cid) not in s.status.text.replace("2026-02-05", "").replace("2026-02-01", "")
    find(app, "Date").value = dt.date(2026, 2, 20)  # now valid: the old refusal must not sit beside the preview
    assert s.status.kind is None and "+10" in s.preview.value


def test_an_undo_overtaken_by_another_page_names_the_record_not_its_id(open_page, crew_ledger):
    """Two pages on one ledger: what one page's undo points at, the other closed or undid meanwhile.
    The refusal names the conflict by its people and day (it said "Conflict 2 has been closed")."""
    app = open_page(ConflictApp, on=dt.date(2026, 2, 5))
    find(app, "Who is involved?").value = ["Bo", "Dev"]
    find(app, "Open conflict").click()
    other = open_page(ConflictApp)
    find(other, "What now?").value = "close"
    find(other, "How did it end?").value = "resolved"
    find(other, "Date").value = dt.date(2026, 2, 20)
    find(other, "Close conflict").click()
    assert other.session.status.kind == "ok", other.session.status.text
    ask_to_undo(app, "typo")
    find(app, "Yes, undo it").click()
    s = app.session
    assert s.status.kind == "error"
    assert "The conflict between Bo and Dev opened on 2026-02-05 has been closed" in s.status.text
    third = open_page(ConflictApp)  # both ask to undo the closing; one of them is first
    for page in (other, third):
        ask_to_undo(page, "wrong day")
    find(other, "Yes, undo it").click()
    find(third, "Yes, undo it").click()
    assert "The conflict closed on 2026-02-20 in Kestrels is already voided" in third.session.status.text
    for text in (s.status.text, third.session.status.text):
        assert not re.search(r"\b(event|conflict) \d", text, re.I), text
