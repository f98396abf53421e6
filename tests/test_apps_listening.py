"""Level 1 page: going round, the timer, passing, and recording the round."""

import datetime as dt
import random

from microsolidarity_widgets.apps import ListeningApp
from pages import find


def test_a_full_round(open_page, crew_ledger):
    app = open_page(ListeningApp, on=dt.date(2026, 1, 10), rng=random.Random(7))
    s = app.session
    find(find(app, "Who is here today?"), "Dev").value = False
    find(app, "Shuffle the order").click()
    order = list(app.order)
    assert sorted(order) == ["Ama", "Bo", "Caz"]
    find(app, "Time per turn").value = 120
    assert app.timer.seconds == 120
    find(app, "Start the round").click()
    assert app.speaker == order[0] and f"Now speaking: {order[0]}" in app.now.value
    assert app.timer.autostart and app.timer.remaining == 120  # the turn's countdown starts in the page
    turn = app.timer.turn
    find(app, "Pass").click()  # the first speaker passes
    assert app.speaker == order[1] and app.timer.turn == turn + 1
    assert f"{order[0]} (passed)" in app.order_view.value
    find(app, "Next speaker").click()
    find(app, "Next speaker").click()
    assert app.speaker is None and "Everyone has had a turn" in app.now.value
    assert app.next_button.disabled and app.pass_button.disabled
    assert not app.timer.autostart  # the clock stops with the round
    find(app, "Did everyone listen to everyone?").value = True
    find(app, "Record").click()
    assert s.status.kind == "ok"
    p = crew_ledger.points()
    assert p.groupby("member")["points"].sum().to_dict() == {"Ama": 1, "Bo": 1, "Caz": 1}
    assert (p["date"] == "2026-01-10").all()
    assert app.listened.value is None and app.speaker is None  # ready for the next round


def test_a_round_where_not_everyone_listened_is_kept_without_points(open_page, crew_ledger):
    app = open_page(ListeningApp, on=dt.date(2026, 1, 11))
    s = app.session
    find(app, "Did everyone listen to everyone?").value = False
    assert "Recording this gives no points" in s.preview.value
    find(app, "Record").click()
    assert s.status.kind == "ok" and "No points" in s.status.text
    assert crew_ledger.points().empty
    assert (crew_ledger.events()["kind"] == "listening").sum() == 1


def test_people_arriving_late_join_the_end_of_the_order(open_page):
    app = open_page(ListeningApp)
    here = find(app, "Who is here today?")
    here.value = ["Bo", "Ama"]
    app.order = ["Bo", "Ama"]
    here.value = ["Bo", "Ama", "Dev"]
    assert app.order == ["Bo", "Ama", "Dev"]
