"""Altair charts of trust building over time. Each function returns an ``alt.Chart``.

Data is aggregated in pandas before it reaches Vega, so a chart's size does not grow with the
ledger's history.
"""

from __future__ import annotations

import altair as alt
import pandas as pd


def trust_chart(trust: pd.DataFrame, title: str = "Trust over time") -> alt.Chart:
    """Cumulative points per member by date, from ``Ledger.trust_over_time()`` (one group's rows)."""
    data = trust[["date", "member", "cumulative"]].copy()
    return (
        alt.Chart(data, title=title)
        .mark_line(point=True, interpolate="step-after")
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("cumulative:Q", title="Points so far"),
            color=alt.Color("member:N", title="Member"),
            tooltip=[alt.Tooltip("member:N"), alt.Tooltip("date:T"), alt.Tooltip("cumulative:Q", title="points")],
        )
        .properties(width="container", height=220)
    )
