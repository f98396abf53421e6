"""The recipe of docs/architecture.md, followed in this module alone: a sixth level, "Gratitude"
(each thank-you gives +2 to the one who thanks and +2 to the one thanked), with its event, its
rule, its entry and its page. Nothing else in the package is edited, yet the level scores,
previews, records, undoes, and appears in the review's legend, the totals and the exports."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd
import pytest

from microsolidarity_widgets import LedgerError, charts, export, levels, rules
from microsolidarity_widgets.apps.controls import MemberChoice, section
from microsolidarity_widgets.apps.session import Session
from microsolidarity_widgets.events import Event
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.review import ReviewData, Selection
from microsolidarity_widgets.rules import Entry, Part, State
from microsolidarity_widgets.scoring import History
from pages import find

# 1. The event and its rule -------------------------------------------------------------------


def record_thanks(state: State, group, on, giver, receiver) -> Entry:
    g = state.group(group)
    on = rules.dated(state, g, on)
    giver = rules.one_member(state, g, on, giver, "member who gives thanks")
    receiver = rules.one_member(state, g, on, receiver, "member thanked")
    if giver == receiver:
        raise LedgerError("A thank-you goes to someone else.")
    return Entry("thanks", on, group=g.name, parts=[Part(giver, "giver"), Part(receiver, "receiver")])


@dataclass(frozen=True)
class Thanks(Event):
    """Level 6: one member thanks another."""

    kind = "thanks"
    group: str
    on: object
    giver: object
    receiver: object
    rule = record_thanks


# 2. The level's entry --------------------------------------------------------------------------


def _gratitude(h: History, level: levels.Level) -> list[pd.DataFrame]:
    thanks = h.of_kind("thanks")
    return [h.award(h.roles(thanks, "giver"), level, level.points["thanks"], "gave thanks"),
            h.award(h.roles(thanks, "receiver"), level, level.points["thanks"], "was thanked")]


GRATITUDE = levels.Level(
    6, "Gratitude", "#AA4499", events=(Thanks,), points={"thanks": 2}, award=_gratitude, page="08_gratitude",
    about="Members thank each other.",
    words="<b>How Level 6 scores.</b> Each thank-you gives {thanks} to the one who thanks and to the one thanked.")


# 3. Its page -------------------------------------------------------------------------------------


class GratitudeApp:
    """Level 6's page: who thanks whom."""

    level = GRATITUDE

    def __init__(self, ledger):
        self.giver = MemberChoice("Who thanks")
        self.receiver = MemberChoice("Whom")
        self.session = Session(ledger, self.level, self.draft, controls=[self.giver, self.receiver],
                               present=None, hosts=False)
        self.session.on_context(self._refresh)
        self.widget = self.session.page(section("The thank-you", self.giver, self.receiver))

    def draft(self) -> Thanks:
        s = self.session
        return Thanks(s.group_name, s.on, giver=self.giver.value, receiver=self.receiver.value)

    def _refresh(self):
        names = self.session.members()
        self.giver.set_names(names)
        self.receiver.set_names(names)


# 4. Its tests ------------------------------------------------------------------------------------


@pytest.fixture
def gratitude():
    levels.register(GRATITUDE)
    yield GRATITUDE
    levels.unregister(GRATITUDE.number)


def test_the_sixth_level_scores_previews_records_and_undoes(crew_ledger, gratitude):
    thanks = Thanks("Kestrels", "2026-01-12", giver="Ama", receiver="Bo")
    preview = crew_ledger.preview(thanks)
    assert sorted(zip(preview["member"], preview["points"], preview["level"])) == [("Ama", 2, 6), ("Bo", 2, 6)]
    assert crew_ledger.events().query("kind == 'thanks'").empty  # a preview writes nothing

    event_id = crew_ledger.record(thanks)
    assert crew_ledger.totals("Kestrels")["level 6"].to_dict() == {"Ama": 2, "Bo": 2}
    assert crew_ledger.events().set_index("id").loc[event_id, "level"] == 6

    with pytest.raises(LedgerError, match="someone else"):
        crew_ledger.record(Thanks("Kestrels", "2026-01-12", giver="Caz", receiver="Caz"))
    with pytest.raises(LedgerError, match="not a member|no member|isn't|is not"):
        crew_ledger.record(Thanks("Kestrels", "2026-01-12", giver="Caz", receiver="Zed"))

    crew_ledger.void(event_id, reason="thanked the wrong person")
    assert crew_ledger.points().empty


def test_the_sixth_level_is_in_the_legend_the_totals_and_the_exports(crew_ledger, gratitude):
    crew_ledger.record(Thanks("Kestrels", "2026-01-12", giver="Ama", receiver="Bo"))
    crew_ledger.record_listening("Kestrels", "2026-01-12", present=["Ama", "Bo", "Caz"])
    data = ReviewData.load(crew_ledger)
    chosen = charts.review_charts(data, Selection())
    scale = chosen["levels"].to_dict()["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == "6 Gratitude" and scale["range"][-1] == "#AA4499"

    files = export.review_files(crew_ledger, data, Selection(groups=("Kestrels",)))
    points = pd.read_csv(io.BytesIO(files["Kestrels-points.csv"]))
    assert set(points.loc[points["level"] == 6, "reason"]) == {"gave thanks", "was thanked"}
    report = files["Kestrels-report.html"].decode()
    assert "6 Gratitude" in report  # the per-member table has a column for it


def test_the_sixth_level_has_a_page_that_previews_and_records(open_page, gratitude):
    app = open_page(GratitudeApp, on=dt.date(2026, 1, 12))
    s = app.session
    assert "Each thank-you gives <b>2 points</b>" in s.scoring.value
    find(app, "Who thanks").value, find(app, "Whom").value = "Caz", "Dev"
    assert "If you record this now" in s.preview.value and "gave thanks" in s.preview.value
    find(app, "Record").click()
    assert s.status.kind == "ok" and "Kestrels now has 4 points in all" in s.status.text
    assert s.undo_kinds == ("thanks",)


def test_a_level_cannot_take_a_number_or_an_event_kind_twice(gratitude):
    with pytest.raises(LedgerError, match="already a level 6"):
        levels.register(GRATITUDE)
    with pytest.raises(LedgerError, match="“venture” already belongs to the level Co-owners"):
        levels.register(levels.Level(7, "Copy", "#000000", events=(Venture,), points={}, words="", award=_gratitude))
