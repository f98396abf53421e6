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

from .. import charts, export, i18n, review
from ..errors import LedgerError
from ..ledger import Ledger
from ..review import ReviewData, Selection
from .page import cannot_open, fresh_page
from .controls import Status, hint, primary, section, wide
from .markup import STYLE as SESSION_STYLE
from .markup import chart_table, esc, html_list, html_table, snippet

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

    def offer(self, files: dict[str, bytes], w: i18n.Words | None = None) -> None:
        self.files = [{"name": name, "mime": MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
                       "size": _size(len(data), w), "data": base64.b64encode(data).decode("ascii")}
                      for name, data in files.items()]


def _size(n: int, w: i18n.Words | None = None) -> str:
    w = w or i18n.words()
    return (w._("%(size)s MB", size=w.number(round(n / 1_000_000, 1))) if n >= 1_000_000 else
            w._("%(size)s kB", size=w.number(max(1, round(n / 1000)))))


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
        # The page's language: the kernel's, i.e. the one chosen on the landing page (apps/page.py).
        self.w = w = i18n.words()
        self.data = ReviewData.load(ledger)
        groups = self.data.group_names()
        first, last = self.data.date_span()
        crews = self.data.groups.loc[self.data.groups["kind"] == "crew", "group"].tolist()
        self.groups = widgets.SelectMultiple(options=groups, value=tuple((crews or groups)[:1]), rows=7,
                                             description=w._("Groups"), layout={"width": "260px"})
        self.members = widgets.SelectMultiple(options=self.data.members_of(self.groups.value), rows=7,
                                              description=w._("Members"), layout={"width": "260px"})
        self.start = widgets.DatePicker(value=first, description=w._("From"), **wide())
        self.end = widgets.DatePicker(value=last, description=w._("To"), **wide())
        self.reload = widgets.Button(description=w._("Read the ledger again"))
        choosing = hint(esc(w._("Choose none to see everyone. Ctrl/⌘-click (or Shift and the arrow keys) to choose "
                                "several.")))
        choosing.layout.max_width = "260px"
        self.message = Status(w)  # the level pages' message area: why a choice cannot be shown is read out
        self.message.widget.layout.min_height = "1.5em"
        self.summary = widgets.HTML()
        self.seasons = widgets.HTML()  # where the chosen crews are in their seasons, today
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
                                        description=w._("Include private notes (money and conflict texts) in the CSV"))
        self.prepare = primary(w._("Prepare downloads"))
        self.downloads = Downloads()
        self.export_status = Status(w)

        # The pickers are no form (the review records nothing, so there is no draft and nothing to reset):
        # each change redraws the page. The groups first list their members (redrawing once, after).
        self.groups.observe(self._groups_changed, "value")
        for picker in (self.members, self.start, self.end):
            picker.observe(self._picked, "value")
        self.reload.on_click(lambda _: self.reread())
        self.prepare.on_click(lambda _: self.prepare_downloads())

        pickers = widgets.HBox([self.groups, self.members, widgets.VBox([self.start, self.end, self.reload, choosing])])
        self.widget = ReviewPage([
            widgets.HTML(STYLE),
            section(w._("Groups, members and dates"), pickers, self.message.widget),
            section(w._("How trust grew"), *(shown for key in self.charts
                                             for shown in (self.charts[key], self.chart_tables[key]))),
            section(w._("In a few words"), self.summary),
            section(w._("Where the crews are in their seasons"), self.seasons),
            section(w._("Points per member"), self.totals),
            section(w._("Take it home"), hint(esc(w._("Tables (CSV), each chart as a picture (PNG and SVG), one "
                                                      "report page that opens in any browser, even with no internet, "
                                                      "and the crews' season report, one printed page per crew."))),
                    self.private, self.prepare, self.export_status.widget, self.downloads),
        ])
        self.widget.add_class("ms-page")
        self.widget.add_class("ms-review")
        self._show_summary()

    # --- what the pickers chose ----------------------------------------------------------------

    def selection(self) -> Selection:
        start, end = self.start.value, self.end.value
        if start and end and start > end:
            raise LedgerError(self.w._("“From” (%(start)s) is after “To” (%(end)s): swap them.",
                                       start=self.w.date(start, "medium"), end=self.w.date(end, "medium")))
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
        self._show_seasons(sel or self.selection())

    def _show_seasons(self, sel: Selection) -> None:
        w = i18n.words()
        lines = review.season_lines(self.data, sel, w) or [w._("None of the chosen groups is a crew: seasons are for "
                                                               "crews.")]
        self.seasons.value = html_list([esc(line) for line in lines], "ms-seasons")

    def _show_totals(self, sel: Selection) -> None:
        """Each chosen member's points by level and in all, for the chosen groups and dates (0 for
        those who scored nothing)."""
        table = review.member_totals(export.points_table(self.data, sel), review.chosen_members(self.data, sel))
        if table.empty:
            self.totals.value = snippet("paragraph", text=self.w._("No points in this choice of groups, members and dates."))
            return
        member = self.w._("Member")
        shown = table.reset_index().rename(columns={"member": member, "total": self.w._("Total")})
        self.totals.value = html_table(shown, numeric=[c for c in shown.columns if c != member], w=self.w)

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
        w = self.w
        self.export_status.info(w._("Preparing…"))
        files = export.review_files(self.ledger, self.data, sel, include_private=self.private.value)
        self.downloads.offer(files, w)
        at = w.time(dt.datetime.now())
        self.export_status.ok(
            w.ngettext("Ready at %(at)s: %(num)s file, with private notes. Click a name to save it.",
                       "Ready at %(at)s: %(num)s files, with private notes. Click a name to save it.", len(files), at=at)
            if self.private.value else
            w.ngettext("Ready at %(at)s: %(num)s file, without private notes. Click a name to save it.",
                       "Ready at %(at)s: %(num)s files, without private notes. Click a name to save it.", len(files),
                       at=at))


def show_review(ledger: Ledger | None = None) -> ReviewPage:
    """Build the review page (on ``$MICROSOLIDARITY_LEDGER`` by default) and return its widget."""
    return fresh_page(ReviewApp, _cannot_open, ledger)


def _cannot_open(exc: LedgerError) -> ReviewPage:
    page = cannot_open(i18n.words()._("The review cannot open its ledger."), exc, ReviewPage)
    page.summary_text = str(exc)
    return page
