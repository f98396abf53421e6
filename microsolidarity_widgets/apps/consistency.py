"""Level 3 · Consistency: the monthly meeting of a partnership or crew, and the rhythm it builds."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from urllib.parse import quote

import ipywidgets as widgets
import pandas as pd

from .. import rules
from ..ledger import Ledger
from . import texts
from .session import Session, esc, hint, html_list, html_table, section, wide


def month_later(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def meeting_ics(group: str, day: dt.date, now: dt.datetime | None = None) -> str:
    """A one-event calendar file (RFC 5545) for an all-day meeting of ``group`` on ``day``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    slug = re.sub(r"[^a-z0-9]+", "-", group.casefold()).strip("-") or "group"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Reciprocity Workbook//EN", "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{slug}-{day:%Y%m%d}@reciprocity-workbook",
        f"DTSTAMP:{now:%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(group + ' meeting')}",
        "DESCRIPTION:" + _ics_text("Our monthly meeting: where we have been, and where we might go next."),
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


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
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.history = widgets.HTML()
        self.process = widgets.Dropdown(description="Meeting process",
                                        options=[(texts.NO_PROCESS, None)] + [(p, p) for p in rules.MEETING_PROCESSES],
                                        layout=widgets.Layout(width="380px"), **wide())
        self.steps = widgets.HTML()
        self.note = widgets.Textarea(description="Private notes (optional)", layout=widgets.Layout(width="100%", height="80px"),
                                     **wide())
        self.note.add_class("ms-private")
        self.next_date = widgets.DatePicker(description="Next meeting", **wide())
        self.download = widgets.HTML()

        self.session = Session(ledger, 3, self.draft, present="Who came to today's meeting?")
        self.session.on_context(self._refresh)
        self.session.on_record(lambda _: self._after_record())
        self.process.observe(self._show_steps, "value")
        self.note.observe(self.session.refresh_preview, "value")
        self.next_date.observe(self._show_download, "value")

        history_box = section("How this group has been showing up", self.history)
        meeting_box = section("Today's meeting",
                              hint("<b>Take turns reflecting</b>" + html_list(texts.REFLECTION_PROMPTS)),
                              self.process, self.steps, self.note)
        next_box = section("Next meeting", hint("About a month after this one. Add it to everyone's calendar now."),
                           self.next_date, self.download)
        self.widget = self.session.page(history_box, meeting_box, next_box)
        self._show_steps()

    def draft(self):
        s = self.session
        return "record_meeting", (s.group_name, s.on), {"attended": s.here, "process": self.process.value,
                                                         "note": self.note.value}

    def _refresh(self):
        self._show_history()
        if self.session.date.value is not None:
            self.next_date.value = month_later(self.session.date.value)
        self._show_download()

    def _after_record(self):
        self.note.value = ""
        self._show_history()

    def _show_history(self, *_):
        group = self.session.group.value
        if not group:
            self.history.value = ""
            return
        att = self.ledger.attendance(group)
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
        steps = texts.PROCESS_STEPS.get(self.process.value)
        self.steps.value = html_list(steps, "ms-steps") if steps else \
            "<i>Take turns in whatever way suits you; pick a process above for a ready-made structure.</i>"
        self.session.refresh_preview()

    def _show_download(self, *_):
        group, day = self.session.group.value, self.next_date.value
        if not group or day is None:
            self.download.value = ""
            return
        slug = re.sub(r"[^A-Za-z0-9]+", "-", group).strip("-") or "group"
        self.download.value = download_link(meeting_ics(group, day), f"{slug}-meeting-{day:%Y-%m-%d}.ics",
                                            f"Download the {day:%d %B %Y} meeting (.ics calendar file)")
