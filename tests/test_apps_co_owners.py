"""Level 5 page: GAME.md's venture (step 5) through the widgets."""

import datetime as dt

from microsolidarity_widgets.apps import CoOwnersApp


def venture_page(ledger):
    app = CoOwnersApp(ledger)
    s = app.session
    s.group.value = "Kestrels"
    s.date.value = dt.date(2026, 5, 1)
    app.name.value = "Kestrel Pod"
    app.form.value = "livelihood pod"
    return app, s


def test_record_a_venture(crew_ledger):
    app, s = venture_page(crew_ledger)
    assert "no ventures recorded yet" in app.ventures.value
    app.owners.value = ["Ama", "Caz"]
    assert s.preview.value.count("+100") == 2
    s.record_button.click()
    assert s.status.kind == "ok", s.status.text
    assert "Kestrels now has 200 points" in s.status.text
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 100, "Caz": 100}
    assert "<td>Kestrel Pod</td><td>livelihood pod</td><td>2026-05-01</td><td>Ama, Caz</td>" in app.ventures.value
    assert app.name.value == "" and app.owners.value == []


def test_one_owner_or_a_repeated_name_is_refused(crew_ledger):
    app, s = venture_page(crew_ledger)
    app.owners.value = ["Ama"]
    s.record_button.click()
    assert s.status.kind == "error" and "at least 2 owners" in s.status.text
    crew_ledger.record_venture("Kestrels", "2026-04-01", name="Kestrel Pod", form="co-op", owners=["Bo", "Dev"])
    app.owners.value = ["Ama", "Caz"]
    s.record_button.click()
    assert s.status.kind == "error" and "already has a venture" in s.status.text
    assert len(crew_ledger.ventures()) == 1


def test_the_venture_page_does_not_ask_about_hosts(crew_ledger):
    from microsolidarity_widgets.apps import CoOwnersApp

    app = CoOwnersApp(crew_ledger)
    assert app.session.hosts is None
    stack, texts = [app.widget], []
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        texts.append(str(getattr(w, "value", "")) + str(getattr(w, "description", "")))
    assert not any("Facilitator" in t or "hosts" in t.lower() for t in texts)
