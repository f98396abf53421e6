"""Level 3 · Consistency: the monthly meeting of a partnership or crew, and the rhythm it builds."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote

import icalendar
import ipywidgets as widgets
from markupsafe import Markup
import pandas as pd
from dateutil.relativedelta import relativedelta

from ... import rules
from ...apps.controls import Choice, hint, section, wide
from ...apps.markup import esc, html_list, html_table, snippet
from ...apps.session import Session
from ...i18n import N_, Words, words
from ...ledger import Ledger
from ...values import file_stem
from . import LEVEL, Meeting

# What the page says to the facilitator.
PROCESS_STEPS = {
    N_("Feelz Circle"): [
        N_("Agree the norms for cross-talk and confidentiality before anything else."),
        N_("Open with a poem, a quote or a short moment of quiet."),
        N_("Go round: each person speaks to the personal, the political and the professional."),
        N_("After their turn, each person may ask the circle for feedback."),
        N_("Variants: a Council round (speak and listen from the heart, keep it lean and spontaneous, maybe a "
           "silent witness) or a Clearness Committee (one focus person, 4–6 people and a facilitator; a 10–15 "
           "minute opening; only honest open questions; mirroring near the end; double confidentiality; "
           "1.5–2 hours)."),
    ],
    N_("Care Pod"): [
        N_("3–5 people, 60–90 minutes; weekly at first, later every two weeks or monthly."),
        N_("The host role rotates, and the pod agrees up front when it will end."),
        N_("Explore your ideal self, then your real self: strengths and gaps."),
        N_("Turn the gaps into a learning agenda, then experiment and practise between meetings."),
        N_("Lean on the trusting relationships in the pod; at the end, look back: what works, what could be "
           "better, what will we change?"),
    ],
    N_("Stewardship"): [
        N_("Each member has a steward (it need not be mutual); meet about once a month."),
        N_("How did last month go? What did you enjoy, what did you not?"),
        N_("What will you do differently?"),
        N_("How are your longer-term goals coming along?"),
        N_("How can I support you?"),
    ],
    N_("The Elephants"): [
        N_("About 4 people who agree to be fully open with each other."),
        N_("Begin with a personal reflection: what do you want from life?"),
        N_("Set goals at 10-year, 3-year, 1-year and quarterly horizons across relationships, work, money, "
           "health and leisure."),
        N_("Share a short report every week and a longer one every quarter."),
        N_("Hold a review together each quarter."),
    ],
}
NO_PROCESS = N_("Our own way")


def month_later(day: dt.date) -> dt.date:
    """The same day next month, or that month's last day when it is shorter."""
    return day + relativedelta(months=1)


# How many meetings a monthly series holds: a year of them, after which a crew decides again.
SERIES_LENGTH = 12


def meeting_ics(group: str, day: dt.date, now: dt.datetime | None = None, monthly: bool = False,
                w: Words | None = None) -> str:
    """A calendar file (RFC 5545, written by ``icalendar``) for an all-day meeting of ``group`` on
    ``day``, or with ``monthly`` a series of ``SERIES_LENGTH`` meetings a month apart from it.

    A series started on the 29th–31st keeps to that day, or the month's last day when it is shorter
    (as ``month_later`` does): a plain monthly rule would skip the months without that day. Its words
    are in ``w``'s language (the facilitator's by default): the crew reads them in their calendars.
    """
    w = w or words()
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
    event.add("summary", w._("%(group)s meeting", group=group))
    event.add("description", w._("Our monthly meeting: where we have been, and where we might go next."))
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
    return snippet("download", href=href, filename=filename, label=label)


# The columns of a group's history, as ``member_history`` names them; the page says them in its language.
HISTORY_COLUMNS = [N_("Member"), N_("Attended"), N_("Missed"), N_("Right now"), N_("Points so far")]


def member_history(att: pd.DataFrame, w: Words | None = None) -> pd.DataFrame:
    """Per member: meetings attended and missed, the current run of either, and points so far (the
    columns named in English, the run said in ``w``'s language)."""
    w = w or words()
    rows = []
    for member, own in att.groupby("member", sort=True):
        flags = own["attended"].tolist()
        last, run = flags[-1], 0
        for flag in reversed(flags):
            if flag != last:
                break
            run += 1
        rows.append({"Member": member, "Attended": sum(flags), "Missed": len(flags) - sum(flags),
                     "Right now": w.ngettext("%(num)s attended in a row", "%(num)s attended in a row", run)
                     if last else w.ngettext("missed the last one", "missed the last %(num)s", run),
                     "Points so far": int(own["points"].sum())})
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


class ConsistencyApp:
    """Level 3's page: a regular meeting, who came, and the next one planned."""

    level = LEVEL

    def __init__(self, ledger: Ledger):
        w = self.w = words()
        self.ledger = ledger
        self.history = widgets.HTML()
        # The ledger keeps a process by its English name; the facilitator reads it in their language.
        self.process = Choice(description=w._("Meeting process"),
                              options=[(w._(NO_PROCESS), None)] + [(w._(p), p) for p in rules.MEETING_PROCESSES],
                              layout=widgets.Layout(width="380px"), **wide())
        self.steps = widgets.HTML()
        self.note = widgets.Textarea(description=w._("Private notes (optional)"),
                                     layout=widgets.Layout(width="100%", height="80px"),
                                     **wide())
        self.note.add_class("ms-private")
        self.next_date = widgets.DatePicker(description=w._("Next meeting"), **wide())
        self.series = widgets.ToggleButtons(description=w._("Calendar file"), **wide(),
                                            options=[(w._("The next meeting"), False),
                                                     (w.ngettext("Every month (%(num)s meeting)",
                                                                 "Every month (%(num)s meetings)", SERIES_LENGTH),
                                                      True)])
        self.download = widgets.HTML()

        self.session = Session(ledger, self.level, self.draft, controls=[self.note], kept=[self.process],
                               present=w._("Who came to today's meeting?"))
        self.session.on_context(self._refresh)
        self.session.on_record(self._show_history)
        self.process.observe(self._show_steps, "value")
        self.next_date.observe(self._show_download, "value")
        self.series.observe(self._show_download, "value")

        history_box = section(w._("How this group has been showing up"), self.history)
        meeting_box = section(w._("Today's meeting"),
                              hint(str(Markup("<b>%s</b>") % w._("Take turns reflecting")) +
                                   html_list(esc(w._(p)) for p in self.level.prompts)),
                              self.process, self.steps, self.note)
        next_box = section(w._("Next meeting"),
                           hint(esc(w._("About a month after this one. Add it to everyone's calendar now."))),
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
        w, group = self.w, self.session.group.value
        if not group:
            self.history.value = ""
            return
        att = self.ledger.table("attendance", group)
        if att.empty:
            self.history.value = \
                Markup("<i>%s</i>") % w._("%(group)s has no meetings recorded yet. Today could be the first.",
                                          group=group)
            return
        names = att.groupby(["event_id", "attended"])["member"].agg(w.list).unstack()
        meetings = pd.DataFrame({"date": att.groupby("event_id")["date"].first(),
                                 w._("Came"): names.get(True), w._("Missed"): names.get(False)}).fillna("—")
        meetings = meetings.sort_values("date", kind="stable").tail(6)
        meetings.insert(0, w._("Date"), meetings.pop("date").map(lambda d: w.date(d, "medium")))
        history = member_history(att, w)
        numeric = [w._(c) for c in HISTORY_COLUMNS[1:3] + HISTORY_COLUMNS[4:]]
        history.columns = [w._(c) for c in history.columns]
        self.history.value = (html_table(history, numeric=numeric) +
                              str(Markup("<p><b>%s</b></p>") % w._("Latest meetings")) + html_table(meetings))

    def _show_steps(self, *_):
        w, steps = self.w, PROCESS_STEPS.get(self.process.value)
        self.steps.value = html_list([esc(w._(step)) for step in steps], "ms-steps") if steps else \
            Markup("<i>%s</i>") % w._("Take turns in whatever way suits you; pick a process above for a ready-made "
                                      "structure.")

    def _show_download(self, *_):
        group, day = self.session.group.value, self.next_date.value
        if not group or day is None:
            self.download.value = ""
            return
        w, monthly = self.w, self.series.value
        label = (w._("Download a meeting every month from %(day)s (.ics calendar file)", day=w.date(day)) if monthly
                 else w._("Download the %(day)s meeting (.ics calendar file)", day=w.date(day)))
        self.download.value = download_link(meeting_ics(group, day, monthly=monthly, w=w),
                                            calendar_file_name(group, day, monthly), label)
