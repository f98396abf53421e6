"""The trust review page: pick groups, members and dates; see trust grow; take the results home.

    ReviewApp(ledger).widget          # in code and tests
    show_review()                     # in a notebook or Voilà page

The page reads the ledger once (and again on "Read the ledger again"); every picker change
redraws the charts in place by setting each ``JupyterChart``'s ``.chart``.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from .. import charts, export, review
from ..errors import LedgerError
from ..ledger import Ledger
from ..review import ReviewData, Selection
from ..values import day_words
from .page import cannot_open, fresh_page
from .controls import Status, hint, primary, section, wide
from .markup import STYLE as SESSION_STYLE
from .markup import chart_table, esc, html_list, html_table

MIME = {"csv": "text/csv", "png": "image/png", "svg": "image/svg+xml", "html": "text/html"}
STATIC = Path(__file__).with_name("static")
# The level pages' style (sections, hints, messages, buttons, tables), then the review's own (its charts,
# its summary, its download links).
STYLE = SESSION_STYLE + "<style>\n" + (STATIC / "review.css").read_text(encoding="utf-8") + "</style>"


class Downloads(anywidget.AnyWidget):
    """Links that save files from the kernel, built in the browser as Blobs: no server route,
    no internet and no size limit on a data: URI are needed."""

    _esm = STATIC / "downloads.js"  # anywidget reads the file; see countdown.py on file watching
    files = traitlets.List(traitlets.Dict()).tag(sync=True)

    def offer(self, files: dict[str, bytes]) -> None:
        self.files = [{"name": name, "mime": MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
                       "size": _size(len(data)), "data": base64.b64encode(data).decode("ascii")}
                      for name, data in files.items()]


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} kB"


class ReviewPage(widgets.VBox):
    """The page's root widget; as plain text (nbval, logs) it is the review's summary."""

    summary_text = ""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.summary_text
        return bundle


class ReviewApp:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.data = ReviewData.load(ledger)
        groups = self.data.group_names()
        first, last = self.data.date_span()
        crews = self.data.groups.loc[self.data.groups["kind"] == "crew", "group"].tolist()
        self.groups = widgets.SelectMultiple(options=groups, value=tuple((crews or groups)[:1]), rows=7,
                                             description="Groups", layout={"width": "260px"})
        self.members = widgets.SelectMultiple(options=self.data.members_of(self.groups.value), rows=7,
                                              description="Members", layout={"width": "260px"})
        self.start = widgets.DatePicker(value=first, description="From", **wide())
        self.end = widgets.DatePicker(value=last, description="To", **wide())
        self.reload = widgets.Button(description="Read the ledger again")
        choosing = hint("Choose none to see everyone. Ctrl/⌘-click (or Shift and the arrow keys) to choose several.")
        choosing.layout.max_width = "260px"
        self.message = Status()  # the level pages' message area: why a choice cannot be shown is read out
        self.message.widget.layout.min_height = "1.5em"
        self.summary = widgets.HTML()
        self.totals = widgets.HTML()
        self.totals.add_class("ms-totals")
        self.charts = {key: charts.chart_widget(chart) for key, chart in self._charts().items()}
        for chart in self.charts.values():
            chart.layout = widgets.Layout(margin="0 0 8px 0", width="100%")
            # Drawn as SVG: sharp at any projector's zoom, and each label a text a test can measure.
            chart.embed_options = {**chart.embed_options, "renderer": "svg"}
        # Each chart's figures as a table, for a screen reader (and anyone who wants the numbers).
        self.chart_tables = {key: widgets.HTML(chart_table(chart.chart), layout={"margin": "0 0 28px 0"})
                             for key, chart in self.charts.items()}
        self.private = widgets.Checkbox(value=False, indent=False, layout={"width": "auto"},
                                        description="Include private notes (money and conflict texts) in the CSV")
        self.prepare = primary("Prepare downloads")
        self.downloads = Downloads()
        self.export_status = Status()

        # The pickers are no form (the review records nothing, so there is no draft and nothing to reset):
        # each change redraws the page. The groups first list their members (redrawing once, after).
        self.groups.observe(self._groups_changed, "value")
        for w in (self.members, self.start, self.end):
            w.observe(self._picked, "value")
        self.reload.on_click(lambda _: self.reread())
        self.prepare.on_click(lambda _: self.prepare_downloads())

        pickers = widgets.HBox([self.groups, self.members, widgets.VBox([self.start, self.end, self.reload, choosing])])
        self.widget = ReviewPage([
            widgets.HTML(STYLE),
            section("Groups, members and dates", pickers, self.message.widget),
            section("How trust grew", *(w for key in self.charts for w in (self.charts[key], self.chart_tables[key]))),
            section("In a few words", self.summary),
            section("Points per member", self.totals),
            section("Take it home", hint("Tables (CSV), each chart as a picture (PNG and SVG) and one report page "
                                         "that opens in any browser, even with no internet."),
                    self.private, self.prepare, self.export_status.widget, self.downloads),
        ])
        self.widget.add_class("ms-page")
        self.widget.add_class("ms-review")
        self._show_summary()

    # --- what the pickers chose ----------------------------------------------------------------

    def selection(self) -> Selection:
        start, end = self.start.value, self.end.value
        if start and end and start > end:
            raise LedgerError(f"“From” ({day_words(start, short=True)}) is after “To” "
                              f"({day_words(end, short=True)}): swap them.")
        return Selection(groups=self.groups.value, members=self.members.value, start=start, end=end)

    def _groups_changed(self, _change) -> None:
        self._list_members()
        self.update()

    def _list_members(self) -> None:
        """The chosen groups' members to pick from; those picked and still there stay picked. The list
        changes without redrawing (new options drop the picks for a moment): the caller redraws once."""
        members = self.data.members_of(self.groups.value)
        keep = tuple(m for m in self.members.value if m in members)
        if tuple(self.members.options) != tuple(members):
            self.members.unobserve(self._picked, "value")
            try:
                self.members.options = members
                self.members.value = keep
            finally:
                self.members.observe(self._picked, "value")

    def _picked(self, _change) -> None:
        self.update()

    def _charts(self, sel: Selection | None = None) -> dict:
        return charts.review_charts(self.data, sel or self.selection())

    # --- redrawing -----------------------------------------------------------------------------

    def update(self) -> None:
        sel = self._selection_or_say(self.message)
        if sel is None:
            return
        self.message.clear()
        for key, chart in self._charts(sel).items():
            self.charts[key].chart = chart
            self.chart_tables[key].value = chart_table(chart)
        self._show_summary(sel)
        self.downloads.files = []
        self.export_status.clear()

    def _selection_or_say(self, where) -> Selection | None:
        """The pickers' selection, or None with the reason shown in ``where`` (e.g. dates the wrong way round)."""
        try:
            return self.selection()
        except LedgerError as exc:
            where.error(exc, nothing_recorded=False)
            return None

    def _show_summary(self, sel: Selection | None = None) -> None:
        lines = review.summary(self.data, sel or self.selection())
        self.widget.summary_text = "\n".join(lines)
        self.summary.value = html_list([esc(line) for line in lines], "ms-summary")
        self._show_totals(sel or self.selection())

    def _show_totals(self, sel: Selection) -> None:
        """Each chosen member's points by level and in all, for the chosen groups and dates (0 for
        those who scored nothing)."""
        table = review.member_totals(export.points_table(self.data, sel), review.chosen_members(self.data, sel))
        if table.empty:
            self.totals.value = "<p>No points in this choice of groups, members and dates.</p>"
            return
        shown = table.reset_index().rename(columns={"member": "Member", "total": "Total"})
        self.totals.value = html_table(shown, numeric=[c for c in shown.columns if c != "Member"])

    def reread(self) -> None:
        self.data = ReviewData.load(self.ledger)
        first, last = self.data.date_span()
        self.groups.unobserve(self._groups_changed, "value")
        try:
            self.groups.options = self.data.group_names()  # new options drop the picks: nothing to redraw yet
        finally:
            self.groups.observe(self._groups_changed, "value")
        self._list_members()
        if self.end.value and self.end.value < last:
            self.end.value = last  # show what was just recorded; a move triggers update()
        else:
            self.update()

    def prepare_downloads(self) -> None:
        sel = self._selection_or_say(self.export_status)
        if sel is None:
            return
        self.export_status.info("Preparing…")
        files = export.review_files(self.ledger, self.data, sel, include_private=self.private.value)
        self.downloads.offer(files)
        private = "with" if self.private.value else "without"
        self.export_status.ok(f"Ready at {dt.datetime.now():%H:%M}: {len(files)} files, {private} private "
                              "notes. Click a name to save it.")


def show_review(ledger: Ledger | None = None) -> ReviewPage:
    """Build the review page (on ``$MICROSOLIDARITY_LEDGER`` by default) and return its widget."""
    return fresh_page(ReviewApp, _cannot_open, ledger)


def _cannot_open(exc: LedgerError) -> ReviewPage:
    page = cannot_open("The review", exc, ReviewPage)
    page.summary_text = str(exc)
    return page
