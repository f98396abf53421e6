"""Level 5 page: docs/rules.md's venture (step 5) through the widgets."""

import datetime as dt

from microsolidarity_widgets.apps import CoOwnersApp
from microsolidarity_widgets.levels.co_owners import Venture
from pages import find


def venture_page(open_page):
    app = open_page(CoOwnersApp, on=dt.date(2026, 5, 1), date_label="Date of incorporation")
    find(app, "Venture name").value = "Kestrel Pod"
    find(app, "Legal form").value = "livelihood pod"
    return app


def test_record_a_venture(open_page, crew_ledger):
    app = venture_page(open_page)
    s = app.session
    assert "no ventures recorded yet" in app.ventures.value
    find(app, "Who owns it?").value = ["Ama", "Caz"]
    assert s.preview.value.count("+100") == 2
    find(app, "Record").click()
    assert s.status.kind == "ok", s.status.text
    assert "Kestrels now has 200 points" in s.status.text
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 100, "Caz": 100}
    assert "<td>Kestrel Pod</td><td>livelihood pod</td><td>1 May 2026</td><td>Ama and Caz</td>" in app.ventures.value
    assert app.name.value == "" and app.owners.value == []


def test_one_owner_or_a_repeated_name_is_refused(open_page, crew_ledger):
    app = venture_page(open_page)
    s = app.session
    owners = find(app, "Who owns it?")
    owners.value = ["Ama"]
    find(app, "Record").click()
    assert s.status.kind == "error" and "at least 2 owners" in s.status.text
    crew_ledger.record(Venture("Kestrels", "2026-04-01", name="Kestrel Pod", form="co-op", owners=["Bo", "Dev"]))
    owners.value = ["Ama", "Caz"]
    find(app, "Record").click()
    assert s.status.kind == "error" and "already has a venture" in s.status.text
    assert len(crew_ledger.table("ventures")) == 1


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
