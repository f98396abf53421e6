"""Level 3 · Consistency: the monthly meeting of a partnership or crew, and the rhythm it builds."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote

import icalendar
import ipywidgets as widgets
import pandas as pd
from dateutil.relativedelta import relativedelta

from ... import rules
from ...apps.controls import Choice, hint, section, wide
from ...apps.markup import esc, html_list, html_table
from ...apps.session import Session
from ...ledger import Ledger
from ...values import day_words, file_stem
from . import LEVEL, Meeting

# What the page says to the facilitator.
PROCESS_STEPS = {
    "Feelz Circle": [
        "Agree the norms for cross-talk and confidentiality before anything else.",
        "Open with a poem, a quote or a short moment of quiet.",
        "Go round: each person speaks to the personal, the political and the professional.",
        "After their turn, each person may ask the circle for feedback.",
        "Variants: a Council round (speak and listen from the heart, keep it lean and spontaneous, maybe a "
        "silent witness) or a Clearness Committee (one focus person, 4–6 people and a facilitator; a 10–15 "
        "minute opening; only honest open questions; mirroring near the end; double confidentiality; "
        "1.5–2 hours).",
    ],
    "Care Pod": [
        "3–5 people, 60–90 minutes; weekly at first, later every two weeks or monthly.",
        "The host role rotates, and the pod agrees up front when it will end.",
        "Explore your ideal self, then your real self: strengths and gaps.",
        "Turn the gaps into a learning agenda, then experiment and practise between meetings.",
        "Lean on the trusting relationships in the pod; at the end, look back: what works, what could be "
        "better, what will we change?",
    ],
    "Stewardship": [
        "Each member has a steward (it need not be mutual); meet about once a month.",
        "How did last month go? What did you enjoy, what did you not?",
        "What will you do differently?",
        "How are your longer-term goals coming along?",
        "How can I support you?",
    ],
    "The Elephants": [
        "About 4 people who agree to be fully open with each other.",
        "Begin with a personal reflection: what do you want from life?",
        "Set goals at 10-year, 3-year, 1-year and quarterly horizons across relationships, work, money, "
        "health and leisure.",
        "Share a short report every week and a longer one every quarter.",
        "Hold a review together each quarter.",
    ],
}
NO_PROCESS = "Our own way"


def month_later(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day when it is shorter."""
    return day + relativedelta(months=1)


# How many meetings a monthly series holds: a year of them, after which a crew decides again.
SERIES_LENGTH = 12


def meeting_ics(group: str, day: dt.date, now: dt.datetime | None = None, monthly: bool = False) -> str:
    """A calendar file (RFC 5545, written by ``icalendar``) for an all-day meeting of ``group`` on
    ``day``, or with ``monthly`` a series of ``SERIES_LENGTH`` meetings a month apart from it.

    A series started on the 29th–31st keeps to that day, or the month's last day when it is shorter
    (as ``month_later`` does): a plain monthly rule would skip the months without that day.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Reciprocity Workbook//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    event = icalendar.Event()
    event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{group}/{day:%Y-%m-%d}/{monthly}')}@reciprocity-workbook")
    now = now or dt.datetime.now(dt.timezone.utc)
    event.add("dtstamp", now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc))  # a stamp is in UTC
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", f"{group} meeting")
    event.add("description", "Our monthly meeting: where we have been, and where we might go next.")
    if monthly:
        rule = {"freq": "monthly", "count": SERIES_LENGTH}
        if day.day > 28:
            rule.update(bymonthday=list(range(28, day.day + 1)), bysetpos=-1)
        event.add("rrule", rule)
    cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def calendar_file_name(group: str, day: dt.date, monthly: bool = False) -> str:
    """``Zoe-Ngozi-meeting-2026-11-20.ics`` for "Zoë & Ngozi": letters transliterated, not dropped,
    so every calendar and file system takes the name and people still recognise it."""
    return f"{file_stem(group)}-{'monthly-from' if monthly else 'meeting'}-{day:%Y-%m-%d}.ics"


def download_link(text: str, filename: str, label: str) -> str:
    """An <a download> holding ``text`` in a data: URI, so it works offline and in Voilà."""
    href = "data:text/calendar;charset=utf-8," + quote(text, safe="")
    return f'<a class="ms-download" href="{esc(href)}" download="{esc(filename)}">{esc(label)}</a>'


def member_history(att: pd.DataFrame) -> pd.DataFrame:
    """Per member: meetings attended and missed, the current run of either, and points so far."""
    rows = []
    for member, own in att.groupby("member", sort=True):
        flags = own["attended"].tolist()
        last, run = flags[-1], 0
        for flag in reversed(flags):
            if flag != last:
                break
            run += 1
        rows.append({"Member": member, "Attended": sum(flags), "Missed": len(flags) - sum(flags),
                     "Right now": f"{run} attended in a row" if last else f"missed the last {run}",
                     "Points so far": int(own["points"].sum())})
    return pd.DataFrame(rows, columns=["Member", "Attended", "Missed", "Right now", "Points so far"])


class ConsistencyApp:
    """Level 3's page: a regular meeting, who came, and the next one planned."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.history = widgets.HTML()
        self.process = Choice(description="Meeting process",
                              options=[(NO_PROCESS, None)] + [(p, p) for p in rules.MEETING_PROCESSES],
                              layout=widgets.Layout(width="380px"), **wide())
        self.steps = widgets.HTML()
        self.note = widgets.Textarea(description="Private notes (optional)", layout=widgets.Layout(width="100%", height="80px"),
                                     **wide())
        self.note.add_class("ms-private")
        self.next_date = widgets.DatePicker(description="Next meeting", **wide())
        self.series = widgets.ToggleButtons(description="Calendar file", **wide(),
                                            options=[("The next meeting", False),
                                                     (f"Every month ({SERIES_LENGTH} meetings)", True)])
        self.download = widgets.HTML()

        self.session = Session(ledger, self.level, self.draft, controls=[self.note], kept=[self.process],
                               present="Who came to today's meeting?")
        self.session.on_context(self._refresh)
        self.session.on_record(self._show_history)
        self.process.observe(self._show_steps, "value")
        self.next_date.observe(self._show_download, "value")
        self.series.observe(self._show_download, "value")

        history_box = section("How this group has been showing up", self.history)
        meeting_box = section("Today's meeting",
                              hint("<b>Take turns reflecting</b>" + html_list(esc(p) for p in self.level.prompts)),
                              self.process, self.steps, self.note)
        next_box = section("Next meeting", hint("About a month after this one. Add it to everyone's calendar now."),
                           self.next_date, self.series, self.download)
        self.widget = self.session.page(history_box, meeting_box, next_box)
        self._show_steps()

    def draft(self):
        s = self.session
        return Meeting(s.group_name, s.on, attended=s.here, process=self.process.value, note=self.note.value)

    def _refresh(self):
        self._show_history()
        if self.session.date.value is not None:
            self.next_date.value = month_later(self.session.date.value)
        self._show_download()

    def _show_history(self, *_):
        group = self.session.group.value
        if not group:
            self.history.value = ""
            return
        att = self.ledger.table("attendance", group)
        if att.empty:
            self.history.value = f"<i>{esc(group)} has no meetings recorded yet. Today could be the first.</i>"
            return
        names = att.groupby(["event_id", "attended"])["member"].agg(", ".join).unstack()
        meetings = pd.DataFrame({"date": att.groupby("event_id")["date"].first(),
                                 "Came": names.get(True), "Missed": names.get(False)}).fillna("—")
        meetings = meetings.sort_values("date", kind="stable").tail(6)
        meetings.insert(0, "Date", meetings.pop("date").dt.strftime("%Y-%m-%d"))
        self.history.value = (html_table(member_history(att), numeric=["Attended", "Missed", "Points so far"]) +
                              "<p><b>Latest meetings</b></p>" + html_table(meetings))

    def _show_steps(self, *_):
        steps = PROCESS_STEPS.get(self.process.value)
        self.steps.value = html_list(steps, "ms-steps") if steps else \
            "<i>Take turns in whatever way suits you; pick a process above for a ready-made structure.</i>"

    def _show_download(self, *_):
        group, day = self.session.group.value, self.next_date.value
        if not group or day is None:
            self.download.value = ""
            return
        monthly = self.series.value
        label = (f"Download a meeting every month from {day_words(day)} (.ics calendar file)" if monthly else
                 f"Download the {day_words(day)} meeting (.ics calendar file)")
        self.download.value = download_link(meeting_ics(group, day, monthly=monthly),
                                            calendar_file_name(group, day, monthly), label)
