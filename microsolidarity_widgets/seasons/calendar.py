"""A season's retrospectives as a calendar file (RFC 5545, written by ``icalendar``), as the consistency
page writes its meetings: one all-day event per retrospective day, so everyone can keep the dates."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar
import pandas as pd

from ..i18n import _, words
from ..values import file_stem


def retrospectives_ics(group: str, days: list[pd.Timestamp], now: dt.datetime | None = None) -> str:
    """The calendar file, its texts in the language spoken (``i18n.speaking``) and marked with it (RFC 5545's
    LANGUAGE), so a calendar app reads them as what they are."""
    language = {"LANGUAGE": words().tag}
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Reciprocity Workbook//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    now = now or dt.datetime.now(dt.timezone.utc)
    last = max(days)
    for day in (pd.Timestamp(d).date() for d in days):
        event = icalendar.Event()
        # The same day of the same crew keeps its id: downloading again updates the calendar, never doubles it.
        event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{group}/retrospective/{day:%Y-%m-%d}')}@reciprocity-workbook")
        event.add("dtstamp", now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc))
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", _("%(group)s retrospective", group=group), parameters=language)
        about = _("What is working, what could be better, what will we change?")
        if day == last.date():
            about += " " + _("The season ends: continue, change or close.")
        event.add("description", about, parameters=language)
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")


def calendar_file_name(group: str) -> str:
    return f"{file_stem(group)}-retrospectives.ics"
