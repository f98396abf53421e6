"""Level 3 page: docs/rules.md's partnership meetings (step 3), history, processes and the calendar file."""

import datetime as dt
import re
from urllib.parse import unquote

from microsolidarity_widgets.apps import ConsistencyApp
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.consistency.page import meeting_ics, month_later
from pages import find


def test_worked_example_meetings(open_page, crew_ledger):
    app = open_page(ConsistencyApp, group="Ama+Bo")
    s = app.session
    assert "no meetings recorded yet" in app.history.value
    for day, came in [("2026-02-01", ["Ama", "Bo"]), ("2026-03-01", ["Ama"]), ("2026-04-01", ["Ama", "Bo"])]:
        find(app, "Date").value = dt.date.fromisoformat(day)
        find(app, "Who came to today's meeting?").value = came
        find(app, "Record").click()
        assert s.status.kind == "ok", s.status.text
    p = crew_ledger.points()
    assert p.groupby("member")["points"].sum().to_dict() == {"Ama": 9, "Bo": -1}
    assert "3 attended in a row" in app.history.value and "1 attended in a row" in app.history.value
    assert "<td>1 Mar 2026</td><td>Ama</td><td>Bo</td>" in app.history.value  # the day as the language writes it


def test_a_second_meeting_on_the_same_day_is_refused(open_page, crew_ledger):
    crew_ledger.record(Meeting("Ama+Bo", "2026-02-01", attended=["Ama", "Bo"]))
    app = open_page(ConsistencyApp, group="Ama+Bo", on=dt.date(2026, 2, 1))
    s = app.session
    find(app, "Record").click()
    assert s.status.kind == "error" and "already has a meeting" in s.status.text
    assert (crew_ledger.events()["kind"] == "meeting").sum() == 1


def test_process_steps_are_shown_and_recorded(open_page, crew_ledger):
    app = open_page(ConsistencyApp, on=dt.date(2026, 2, 3))
    find(app, "Meeting process").value = "Stewardship"
    assert "How can I support you?" in app.steps.value
    find(app, "Record").click()
    ev = crew_ledger.events()
    assert ev.loc[ev["kind"] == "meeting", "data"].tolist() == [{"process": "Stewardship"}]


def test_next_meeting_is_a_month_later_as_a_calendar_file(open_page):
    app = open_page(ConsistencyApp, group="Ama+Bo", on=dt.date(2026, 1, 31))
    assert find(app, "Next meeting").value == dt.date(2026, 2, 28)
    href = re.search(r'href="([^"]+)"', app.download.value).group(1)
    assert href.startswith("data:text/calendar;charset=utf-8,")
    ics = unquote(href.split(",", 1)[1])
    assert "DTSTART;VALUE=DATE:20260228\r\n" in ics and "SUMMARY:Ama+Bo meeting\r\n" in ics
    assert 'download="Ama-Bo-meeting-2026-02-28.ics"' in app.download.value
    assert "RRULE" not in ics  # the next meeting only, unless a series is asked for


def test_calendar_text_is_escaped():
    ics = meeting_ics('Rock, Paper; "Scissors"', dt.date(2026, 12, 31), now=dt.datetime(2026, 1, 1))
    assert "SUMMARY:Rock\\, Paper\\; \"Scissors\" meeting\r\n" in ics
    assert "DTEND;VALUE=DATE:20270101" in ics and "DTSTAMP:20260101T000000Z" in ics
    assert month_later(dt.date(2026, 12, 15)) == dt.date(2027, 1, 15)


def test_the_confirmation_names_who_came_and_who_missed(open_page):
    app = open_page(ConsistencyApp, on=dt.date(2026, 2, 1))
    s = app.session
    find(app, "Who came to today's meeting?").value = ["Ama", "Caz"]
    find(app, "Record").click()
    assert s.status.kind == "ok", s.status.text
    assert "Recorded (meeting on 2026-02-01 in Kestrels: came Ama, Caz; missed Bo, Dev)" in s.status.text
    assert "came Ama, Caz; missed Bo, Dev" in s.undo_target.value


def test_a_monthly_series_keeps_its_day_or_the_months_last(crew_ledger):
    import icalendar
    from dateutil.rrule import rrulestr

    ics = meeting_ics("Zoë & Ngozi", dt.date(2026, 1, 31), monthly=True)
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["summary"]) == "Zoë & Ngozi meeting"
    rule = event["rrule"].to_ical().decode()
    days = [d.date() for d in rrulestr(rule, dtstart=dt.datetime(2026, 1, 31))]
    assert days[:4] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    assert len(days) == 12
    every_15th = icalendar.Calendar.from_ical(meeting_ics("Kestrels", dt.date(2026, 1, 15), monthly=True))
    assert every_15th.walk("VEVENT")[0]["rrule"].to_ical() == b"FREQ=MONTHLY;COUNT=12"


def test_the_calendar_file_name_keeps_names_recognisable(open_page, crew_ledger):
    from microsolidarity_widgets.levels.consistency.page import calendar_file_name

    assert calendar_file_name("Zoë & Ngozi", dt.date(2026, 11, 20)) == "Zoe-Ngozi-meeting-2026-11-20.ics"
    assert calendar_file_name("Łukasz+Zoë", dt.date(2026, 11, 20), monthly=True) == \
        "Lukasz-Zoe-monthly-from-2026-11-20.ics"
    assert calendar_file_name("🦊", dt.date(2026, 11, 20)) == "group-meeting-2026-11-20.ics"

    crew_ledger.add_group("Zoë+Łukasz", ["Zoë", "Łukasz"], kind="partnership", on="2026-01-01")
    app = open_page(ConsistencyApp, group="Zoë+Łukasz", on=dt.date(2026, 2, 3))
    assert 'download="Zoe-Lukasz-meeting-2026-03-03.ics"' in app.download.value
    find(app, "Calendar file").value = True
    assert 'download="Zoe-Lukasz-monthly-from-2026-03-03.ics"' in app.download.value
    href = re.search(r'href="([^"]+)"', app.download.value).group(1)
    assert "RRULE:FREQ=MONTHLY;COUNT=12" in unquote(href.split(",", 1)[1])
