"""The shared page frame (Session), driven through the listening page: recording, refusing, undoing."""

import datetime as dt

from microsolidarity_widgets import LedgerBusy
from microsolidarity_widgets.apps import ListeningApp
from microsolidarity_widgets.levels.listening import Listening
from pages import ask_to_undo, find

LISTENED = "Did everyone listen to everyone?"


def totals(ledger, group="Kestrels"):
    p = ledger.points()
    return p[p["group"] == group].groupby("member")["points"].sum().to_dict()


def listening_page(open_page, present=("Ama", "Bo", "Caz")):
    """The listening page of Kestrels on 10 January 2026, with ``present`` here and everyone listening."""
    app = open_page(ListeningApp, on=dt.date(2026, 1, 10))
    find(app, "Who is here today?").value = present
    find(app, LISTENED).value = True
    return app, app.session


def test_groups_list_crews_first_and_hosts_are_suggested(crew_ledger):
    crew_ledger.record_hosting("Kestrels", "2026-01-02", facilitator="Ama", timekeeper="Bo", note_taker="Caz")
    s = ListeningApp(crew_ledger).session
    assert [v for _, v in s.group.options] == ["Kestrels", "Ama+Bo"]
    assert s.hosts.pickers["facilitator"].value == "Dev"  # the one who has never hosted


def test_record_commits_then_confirms_points_and_total(open_page, crew_ledger):
    app, s = listening_page(open_page)
    before = s.chart.chart.to_dict()
    assert "+1" in s.preview.value and len(crew_ledger.events()) == 2  # preview writes nothing
    assert s.hosts.record.value is False  # hosts are a suggestion: recorded only when ticked
    find(app, "Record these hosts with this session").value = True
    find(app, "Record").click()
    assert s.status.kind == "ok"
    assert "Ama +1 point" in s.status.text and "Kestrels now has 3 points" in s.status.text
    assert totals(crew_ledger) == {"Ama": 1, "Bo": 1, "Caz": 1}
    assert crew_ledger.hosting("Kestrels")["times"].sum() == 3  # today's hosts went in with the round
    assert s.hosts.record.value is False  # and are not recorded twice in one session
    assert s.chart.chart.to_dict() != before


def test_bad_input_shows_a_message_and_records_nothing(open_page, crew_ledger):
    app, s = listening_page(open_page, present=("Ama",))
    assert "at least 2" in s.preview.value
    find(app, "Record").click()
    assert s.status.kind == "error"
    assert s.status.text.startswith("Nothing was recorded.") and "at least 2 people" in s.status.text
    assert len(crew_ledger.events()) == 2  # no round, and no hosting either


def test_unanswered_question_and_future_date_are_refused(open_page, crew_ledger):
    app, s = listening_page(open_page)
    find(app, LISTENED).value = None
    find(app, "Record").click()
    assert "Say whether everyone listened" in s.status.text
    find(app, "Date").value = dt.date.today() + dt.timedelta(days=3)
    find(app, LISTENED).value = True
    find(app, "Record").click()
    assert s.status.kind == "error" and "in the future" in s.status.text
    assert len(crew_ledger.events()) == 2


def test_a_busy_ledger_is_reported_in_plain_words(open_page, crew_ledger, monkeypatch):
    app, s = listening_page(open_page)

    def busy(*args, **kwargs):
        raise LedgerBusy("The ledger is busy: another page is saving. Nothing was recorded; try again.")

    monkeypatch.setattr(crew_ledger, "record", busy)
    find(app, "Record").click()
    assert s.status.kind == "error" and "busy" in s.status.text and "Someone else is saving" in s.status.text
    assert len(crew_ledger.events()) == 2


def test_undo_needs_a_reason_and_voids_the_round_and_its_hosts(open_page, crew_ledger):
    app, s = listening_page(open_page)
    find(app, "Record these hosts with this session").value = True
    find(app, "Record").click()
    assert "listening on 2026-01-10 in Kestrels" in s.undo_target.value and "hosting" in s.undo_target.value
    find(app, "Undo this record…").click()
    assert s.status.kind == "error" and "reason" in s.status.text
    assert totals(crew_ledger) == {"Ama": 1, "Bo": 1, "Caz": 1}
    ask_to_undo(app, "wrong crew")
    assert s.status.kind is None and "Undo listening on 2026-01-10" in s.undo_question.value  # asked once
    find(app, "Yes, undo it").click()
    assert s.status.kind == "ok" and "Undone" in s.status.text
    assert totals(crew_ledger) == {}
    assert crew_ledger.hosting("Kestrels")["times"].sum() == 0
    assert crew_ledger.events()["voided"].sum() == 2


def test_undo_on_a_fresh_page_voids_the_groups_latest_round(open_page, crew_ledger):
    crew_ledger.record(Listening("Kestrels", "2026-01-03", present=["Ama", "Bo"]))
    latest = crew_ledger.record(Listening("Kestrels", "2026-01-04", present=["Caz", "Dev"]))
    app = open_page(ListeningApp)
    s = app.session
    assert "2026-01-04" in s.undo_target.value
    ask_to_undo(app, "did not happen")
    find(app, "Yes, undo it").click()
    ev = crew_ledger.events().set_index("id")
    assert ev.at[latest, "voided"] and totals(crew_ledger) == {"Ama": 1, "Bo": 1}


def test_names_are_shown_as_text(tmp_path):
    from microsolidarity_widgets import Ledger

    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        ledger.add_group("R&D", ['Jo "JJ" & co', "Zoë", "Ana"], kind="crew", on="2026-01-01")
        app = ListeningApp(ledger)
        s = app.session
        find(app, "Date").value = dt.date(2026, 1, 5)
        find(app, LISTENED).value = True
        assert "Jo &quot;JJ&quot; &amp; co" in s.preview.value and 'Jo "JJ" & co' not in s.preview.value
        assert "Jo &quot;JJ&quot; &amp; co" in app.order_view.value
        find(app, "Record").click()
        assert 'Jo "JJ" & co +1 point' in s.status.text  # the status keeps the text; its HTML escapes it
        assert "Jo &quot;JJ&quot; &amp; co" in s.status.widget.value


def test_after_a_record_the_preview_waits_calmly_until_the_form_changes(open_page):
    from microsolidarity_widgets.apps import ConsistencyApp

    app = open_page(ConsistencyApp, group="Ama+Bo", on=dt.date(2026, 2, 1))
    s = app.session
    find(app, "Record").click()
    assert s.status.kind == "ok"
    # The reset form would be refused (a meeting on that day exists now), but that is not news.
    assert "Not ready" not in s.preview.value and "already has a meeting" not in s.preview.value
    assert "Recorded. Fill in the next one when you are ready." in s.preview.value
    find(app, "Date").value = dt.date(2026, 3, 1)
    assert "Recorded. Fill in" not in s.preview.value and "If you record this now" in s.preview.value
    find(app, "Date").value = dt.date(2026, 2, 1)
    assert "Not ready to record yet" in s.preview.value and "already has a meeting" in s.preview.value


def test_the_confirmation_comes_after_the_commit_and_before_the_redraw(open_page, crew_ledger, monkeypatch):
    app, s = listening_page(open_page)
    steps = []
    for name, step in (("record", "commit"), ("points", "score all"), ("trust_over_time", "redraw")):
        real = getattr(crew_ledger, name)
        monkeypatch.setattr(crew_ledger, name, lambda *a, _real=real, _step=step, **k: steps.append(_step) or _real(*a, **k))
    real_ok = s.status.ok
    monkeypatch.setattr(s.status, "ok", lambda text: steps.append("message") or real_ok(text))
    find(app, "Record").click()
    assert steps[:3] == ["commit", "message", "redraw"]  # no scoring of the whole ledger in between
    assert "Ama +1 point" in s.status.text and "Kestrels now has 3 points in all" in s.status.text


def test_the_total_is_put_right_when_another_page_recorded_meanwhile(open_page, crew_ledger):
    app, s = listening_page(open_page)
    crew_ledger.record(Listening("Kestrels", "2026-01-09", present=["Ama", "Dev"]))  # from another device
    find(app, "Record").click()
    assert totals(crew_ledger) == {"Ama": 2, "Bo": 1, "Caz": 1, "Dev": 1}
    assert "Kestrels now has 5 points in all" in s.status.text


def _texts(widget):
    value = getattr(widget, "value", None)
    own = [value] if isinstance(value, str) else []
    return own + [t for child in getattr(widget, "children", ()) for t in _texts(child)]


def test_each_page_leaves_its_purpose_to_the_notebook_and_keeps_its_extra_advice(crew_ledger):
    import ipywidgets

    from microsolidarity_widgets import apps

    advice = {apps.ListeningApp: "Anyone may pass", apps.MoneyApp: "feels safe with each other",
              apps.ConflictApp: "at whatever pace it needs", apps.ConsistencyApp: None, apps.CoOwnersApp: None,
              apps.CrewApp: None}
    for app_class, kept in advice.items():
        app = app_class(crew_ledger)
        if app_class is apps.ConflictApp:
            app.mode.value = "close"  # the repair advice belongs to the closing form
        page = app.widget
        loose = [w for w in page.children if isinstance(w, ipywidgets.HTML) and "<style>" not in w.value]
        assert loose == [], f"{app_class.__name__} repeats the notebook's intro in a paragraph of its own"
        if kept:
            assert any(kept in t for t in _texts(page)), app_class.__name__


def test_projected_controls_are_as_large_as_the_text_and_the_chosen_toggle_stands_out():
    import re

    from microsolidarity_widgets.apps.session import STYLE

    rules = [(sel, body) for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", STYLE)]

    def declared(selector, prop):
        found = [re.search(prop + r":\s*([^;]+)", body) for sel, body in rules
                 if selector in [s.strip() for s in sel.split(",")]]
        return [m.group(1).strip() for m in found if m]

    for control in (".ms-page .widget-radio-box label", ".ms-page .widget-text input",
                    ".ms-page .widget-datepicker input", ".ms-page select", ".ms-page textarea"):
        sizes = [int(v.removesuffix("px")) for v in declared(control, "font-size")]
        assert sizes and min(sizes) >= 17, control
    chosen = ".ms-page .widget-toggle-button.mod-active"
    assert declared(chosen, "color") == ["#fff"]
    assert declared(chosen, "background") != declared(".ms-page .widget-toggle-button", "background")
    # Keyboard focus is drawn for every page by the Voilà template (measured in tests/browser/test_a11y.py).
    from pathlib import Path

    import microsolidarity_widgets
    template = Path(microsolidarity_widgets.__file__).parent / "share/jupyter/voila/templates/microsolidarity"
    assert re.search(r":focus-visible[^{]*\{\s*outline: 3px solid", (template / "a11y.html.j2").read_text())


def test_undo_names_what_it_voids_and_never_another_groups_record(open_page, crew_ledger):
    app, s = listening_page(open_page)
    find(app, "Record").click()
    told = s.undo_target.value
    assert told.startswith("Last record: listening on 2026-01-10 in Kestrels, recorded at ")
    assert told.endswith(": present Ama, Bo, Caz.") and "event" not in told.lower()
    find(app, "Group").value = "Ama+Bo"  # another group: its own records only, never the Kestrels round
    assert s.undo_target.value == "Nothing to undo yet." and s.undo_button.disabled
    ask_to_undo(app, "typo")
    assert s.undo_confirm.layout.display == "none" and totals(crew_ledger) == {"Ama": 1, "Bo": 1, "Caz": 1}
    find(app, "Group").value = "Kestrels"
    ask_to_undo(app, "typo")
    assert s.undo_confirm.layout.display != "none"
    find(app, "No, keep it").click()  # kept: nothing voided
    assert s.undo_confirm.layout.display == "none" and totals(crew_ledger) == {"Ama": 1, "Bo": 1, "Caz": 1}
    find(app, "Undo this record…").click()
    find(app, "Group").value = "Ama+Bo"  # a question left open is withdrawn when the group changes
    assert s.undo_confirm.layout.display == "none"
    assert crew_ledger.events()["voided"].sum() == 0


def test_the_same_round_twice_warns_and_undo_says_which_one_went(open_page, crew_ledger):
    import microsolidarity_widgets.rules as session  # where a record is told

    app, s = listening_page(open_page)
    find(app, "Record").click()
    first = crew_ledger.events().query("kind == 'listening'")["id"].max()
    find(app, LISTENED).value = True  # the form was reset; the same round again
    find(app, "Who is here today?").value = ["Ama", "Bo", "Caz"]
    assert "Check first: a listening round with the same people is already recorded for Kestrels" in s.preview.value
    find(app, "Record").click()  # a warning, not a refusal
    assert s.status.kind == "ok" and (crew_ledger.events()["kind"] == "listening").sum() == 2
    second = crew_ledger.events().query("kind == 'listening'")["id"].max()
    recorded = crew_ledger.events().set_index("id")["recorded_at"]
    assert recorded[first] != recorded[second]
    ask_to_undo(app, "entered twice")
    second_at = session._local_time(recorded[second])
    assert f"recorded at {second_at} (the 2nd of 2 that day)" in s.undo_question.value
    find(app, "Yes, undo it").click()
    assert f"Undone: listening on 2026-01-10 in Kestrels, recorded at {second_at} (the 2nd of 2" in s.status.text
    ev = crew_ledger.events().set_index("id")
    assert ev.at[second, "voided"] and not ev.at[first, "voided"]
    assert f"recorded at {session._local_time(recorded[first])}" in s.undo_target.value


def test_a_different_round_the_same_day_is_not_warned_about(open_page):
    app, s = listening_page(open_page)
    find(app, "Record").click()
    find(app, LISTENED).value = True
    find(app, "Who is here today?").value = ["Ama", "Bo"]
    assert "Check first" not in s.preview.value


def test_messages_belong_to_the_form_they_are_about(open_page):
    app, s = listening_page(open_page, present=("Ama",))
    find(app, "Record").click()
    assert s.status.kind == "error"
    find(app, "Who is here today?").value = ["Ama", "Bo"]  # the form changed: the refusal is about a form no longer there
    assert s.status.kind is None and s.status.widget.value == ""
    find(app, "Record").click()
    assert s.status.kind == "ok"
    find(app, "Date").value = dt.date(2026, 1, 11)  # another day: the confirmation goes too
    assert s.status.kind is None
    find(app, LISTENED).value = True
    find(app, "Record").click()
    assert s.status.kind == "ok"
    find(app, "Group").value = "Ama+Bo"
    assert s.status.kind is None


def test_a_record_confirms_with_the_preview_seen_and_scores_afresh_when_the_ledger_moved(open_page, crew_ledger,
                                                                                          monkeypatch):
    """The preview and the group's total are kept per ledger revision: the page previews a draft once
    however often it is asked, a record right after it scores nothing again, and a record after another
    page wrote says the group's total as the ledger now stands."""
    from microsolidarity_widgets import Ledger

    app, s = listening_page(open_page)  # its preview is on screen
    previews = []
    original = crew_ledger.preview
    monkeypatch.setattr(crew_ledger, "preview", lambda event: previews.append(event) or original(event))
    s.refresh_preview()
    find(app, "Record").click()
    assert previews == [] and "Kestrels now has 3 points in all" in s.status.text

    find(app, "Who is here today?").value = ["Ama", "Bo"]
    find(app, LISTENED).value = True
    assert len(previews) == 1 and s.preview.value.count("+1") == 2
    with Ledger.open(crew_ledger.location) as other_page:  # meanwhile another page records a round
        other_page.record(Listening("Kestrels", dt.date(2026, 1, 12), present=["Ama", "Bo", "Caz", "Dev"]))
    find(app, "Record").click()
    assert "Points: Ama +1 point, Bo +1 point. Kestrels now has 9 points in all" in s.status.text  # 3 + 4 + 2
    assert len(previews) == 1


def test_every_page_opens_on_the_group_last_worked_on(crew_ledger):
    """Chosen on one page, the group is the one the next page opens on (the crew page included), new
    crews do not take its place (a formation's "crew 1" sorts first), and an open page lists new crews
    and keeps its choice. Nothing is remembered before the facilitator chooses."""
    from microsolidarity_widgets.apps import CrewApp, MoneyApp

    folder = crew_ledger.store.path.parent
    listening = ListeningApp(crew_ledger)
    crew = CrewApp(crew_ledger)
    assert listening.session.group.value == "Kestrels" and crew.agree_group.value == "Ama+Bo"  # the first of each list
    assert sorted(p.name for p in folder.iterdir() if "last-group" in p.name) == []

    find(listening, "Group").value = "Ama+Bo"
    money = MoneyApp(crew_ledger)
    assert money.session.group.value == "Ama+Bo"
    assert CrewApp(crew_ledger).change_group.value == "Ama+Bo"

    crew.change_group.value = "Kestrels"  # "Rename or remove a member": chosen on the crew page
    crew_ledger.add_group("A circle crew 1", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
    assert [v for _, v in ListeningApp(crew_ledger).session.group.options][0] == "A circle crew 1"
    assert ListeningApp(crew_ledger).session.group.value == "Kestrels"
    money.session.poll()  # the open page sees the new crew, and stays on its group
    assert "A circle crew 1" in money.session.group.options_values() and money.session.group.value == "Ama+Bo"
