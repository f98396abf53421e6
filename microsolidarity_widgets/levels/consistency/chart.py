"""Level 3's chart in the trust review: who came to each meeting (drawn by ``charts.attendance_chart``)."""

from __future__ import annotations

import altair as alt

from ...charts import attendance_chart
from ...i18n import words
from ...review import ReviewData, Selection


def review_chart(data: ReviewData, sel: Selection, colours: dict, title: str) -> alt.Chart:
    """Who came to each meeting of the chosen groups and members, in the chosen window. ``title`` is the
    level's (``ReviewChart.title``, marked for translation), said in the facilitator's language."""
    return attendance_chart(sel.when(sel.who(data.attendance)), colours, title=words()._(title))
