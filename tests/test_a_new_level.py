"""A sixth level, "Gratitude", added as docs/architecture.md says a level is added: one folder, and one
line outside it.

How "one line outside its folder" is counted here: the level is written as a folder of its own (its
``__init__.py``: event, rule, role words, award, ties, phone form, review chart, landing card; its
``page.py``; its ``phone.html``) in a temporary directory, the package's sources are fingerprinted,
and the only thing done outside the folder is the one call ``levels.register(gratitude.LEVEL)``. The
package's files are the same afterwards, byte for byte, yet every part of the game knows the level:
its page, its phone form, its preview, the sentences that say "Recorded …" and "Undo …?", its points,
its ties, its review chart, its landing card and the exports. (A folder placed in
``microsolidarity_widgets/levels/`` itself needs not even that line: the package imports every
folder it holds, as it does for the five levels of docs/rules.md.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from tornado.testing import gen_test

import microsolidarity_widgets
from microsolidarity_widgets import LedgerError, charts, export, levels
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.members import views
from microsolidarity_widgets.review import ReviewData, Selection
from pages import ask_to_undo, find
from phones import PhoneServer

PACKAGE = Path(microsolidarity_widgets.__file__).parent

# --- the level's folder, as a crew would write it ------------------------------------------------

LEVEL_INIT = '''
"""Level 6, Gratitude: members thank each other (each thank-you gives +2 to both)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from microsolidarity_widgets import rules
from microsolidarity_widgets.errors import LedgerError
from microsolidarity_widgets.rules import InGroup
from microsolidarity_widgets.levels import Level, PhoneForm, ReviewChart
from microsolidarity_widgets.rules import Entry, Part

GIVER, RECEIVER = "giver", "receiver"
THANKS_TIE = "thanks"


def record_thanks(state, group, on, giver, receiver):
    g = state.group(group)
    on = rules.dated(state, g, on)
    giver = rules.one_member(state, g, on, giver, "member who gives thanks")
    receiver = rules.one_member(state, g, on, receiver, "member thanked")
    if giver == receiver:
        raise LedgerError("A thank-you goes to someone else.")
    return Entry(Thanks.kind, on, group=g.name, parts=[Part(giver, GIVER), Part(receiver, RECEIVER)])


@dataclass(frozen=True)
class Thanks(InGroup):
    """Level 6: one member thanks another."""

    kind = "thanks"
    giver: object
    receiver: object
    rule = record_thanks
    roles = {GIVER: "thanks from", RECEIVER: "thanked"}

    @classmethod
    def told(cls, row):
        return "thank-you"


def award(h, level):
    thanks = h.of_kind(Thanks.kind)
    return [h.award(h.roles(thanks, GIVER), level, level.points["thanks"], "gave thanks"),
            h.award(h.roles(thanks, RECEIVER), level, level.points["thanks"], "was thanked")]


def ties(t):
    thanks = t.of_kind(Thanks.kind)
    givers = t.named(GIVER, thanks).rename(columns={"m": "a"})
    pairs = givers.merge(t.named(RECEIVER, thanks).rename(columns={"m": "b"}), on="event_id")
    return [t.pairs(pairs, THANKS_TIE, directed=True)]


def review_chart(data, sel, colours, title):
    import altair as alt

    points = sel.who(data.points)
    return alt.Chart(points[points["level"] == 6]).mark_bar().encode(x="member:N", y="sum(points):Q").properties(
        title=title)


def from_phone(who, said):
    return Thanks(said("group"), dt.date.today(), giver=who, receiver=said("whom"))


LEVEL = Level(
    6, "Gratitude", "#AA4499", events=(Thanks,), points={"thanks": 2}, award=award, page="08_gratitude",
    folder=Path(__file__).parent, app=f"{__name__}.page:GratitudeApp",
    about="Members thank each other.", card="Say thank you, and record who thanked whom.",
    prompts=("Whom would you like to thank today, and for what?",),
    words="<b>How Level 6 scores.</b> Each thank-you gives {thanks} to the one who thanks and to the one thanked.",
    tie_words={THANKS_TIE: "thank-yous"}, tie=ties, directed_ties=(THANKS_TIE,),
    phone=PhoneForm("phone.html", "thanks", from_phone, failed="Not thanked", typed={"whom": "Whom you thanked"}),
    review_chart=ReviewChart("gratitude", "Level 6: who thanked most", review_chart))
'''

LEVEL_PAGE = '''
"""Level 6's page: who thanks whom."""

from microsolidarity_widgets.apps.controls import MemberChoice, section
from microsolidarity_widgets.apps.session import Session

from . import LEVEL, Thanks


class GratitudeApp:
    level = LEVEL

    def __init__(self, ledger):
        self.giver = MemberChoice("Who thanks")
        self.receiver = MemberChoice("Whom")
        self.session = Session(ledger, self.level, self.draft, controls=[self.giver, self.receiver],
                               present=None, hosts=False)
        self.session.on_context(self._refresh)
        self.widget = self.session.page(section("The thank-you", self.giver, self.receiver))

    def draft(self):
        s = self.session
        return Thanks(s.group_name, s.on, giver=self.giver.value, receiver=self.receiver.value)

    def _refresh(self):
        names = self.session.members()
        self.giver.set_names(names)
        self.receiver.set_names(names)
'''

LEVEL_PHONE = '''
<details><summary>Thank someone in {{ group.name }}</summary><div>
<form method="post" action="{{ form.action }}">{{ hidden }}
<label for="whom-{{ n }}">Whom do you thank?</label>
<input id="whom-{{ n }}" name="whom" required maxlength="100">
<button type="submit">Send thanks in {{ group.name }}</button>
</form></div></details>
'''


def fingerprint() -> dict[str, str]:
    return {str(p.relative_to(PACKAGE)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(PACKAGE.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def write_level(root: Path):
    """The level's folder, ``gratitude/``, under ``root`` (on the import path), imported."""
    folder = root / "gratitude"
    folder.mkdir(parents=True)
    for name, text in (("__init__.py", LEVEL_INIT), ("page.py", LEVEL_PAGE), ("phone.html", LEVEL_PHONE)):
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module("gratitude")
    finally:
        sys.path.remove(str(root))


@pytest.fixture
def gratitude(tmp_path):
    before = fingerprint()
    module = write_level(tmp_path / "crew-notebook")
    levels.register(module.LEVEL)  # <- the one line outside the level's folder
    yield module
    levels.unregister(module.LEVEL.number)
    for name in [m for m in sys.modules if m == "gratitude" or m.startswith("gratitude.")]:
        del sys.modules[name]
    assert fingerprint() == before, "adding the level changed the package's own files"


def test_the_sixth_level_scores_previews_records_and_undoes(crew_ledger, gratitude):
    thanks = gratitude.Thanks("Kestrels", "2026-01-12", giver="Ama", receiver="Bo")
    preview = crew_ledger.preview(thanks)
    assert sorted(zip(preview["member"], preview["points"], preview["level"])) == [("Ama", 2, 6), ("Bo", 2, 6)]
    assert crew_ledger.events().query("kind == 'thanks'").empty  # a preview writes nothing

    event_id = crew_ledger.record(thanks)
    assert crew_ledger.totals("Kestrels")["level 6"].to_dict() == {"Ama": 2, "Bo": 2}
    assert crew_ledger.events().set_index("id").loc[event_id, "level"] == 6

    with pytest.raises(LedgerError, match="someone else"):
        crew_ledger.record(gratitude.Thanks("Kestrels", "2026-01-12", giver="Caz", receiver="Caz"))
    with pytest.raises(LedgerError, match="not a member"):
        crew_ledger.record(gratitude.Thanks("Kestrels", "2026-01-12", giver="Caz", receiver="Zed"))

    crew_ledger.void(event_id, reason="thanked the wrong person")
    assert crew_ledger.points().empty


def test_the_sixth_level_has_a_page_that_previews_records_and_undoes_in_words(open_page, gratitude):
    from microsolidarity_widgets.apps import GratitudeApp  # offered with the other pages, by its class's name

    app = open_page(GratitudeApp, on=dt.date(2026, 1, 12))
    s = app.session
    assert "Each thank-you gives <b>2 points</b>" in s.scoring.value
    find(app, "Who thanks").value, find(app, "Whom").value = "Caz", "Dev"
    assert "If you record this now" in s.preview.value and "gave thanks" in s.preview.value
    find(app, "Record").click()
    # The sentence that names the record: its words and its role words, from the level's folder.
    assert s.status.kind == "ok" and s.status.text.startswith(
        "Recorded (thank-you on 2026-01-12 in Kestrels: thanks from Caz; thanked Dev).")
    assert "Kestrels now has 4 points in all" in s.status.text
    assert s.undo_kinds == ("thanks",)
    ask_to_undo(app, "wrong people")
    assert "<b>Undo thank-you on 2026-01-12 in Kestrels, recorded at" in s.undo_question.value
    assert "thanks from Caz; thanked Dev?</b>" in s.undo_question.value


def test_the_sixth_level_is_in_the_ties_the_legend_its_review_chart_and_the_exports(crew_ledger, gratitude):
    crew_ledger.record(gratitude.Thanks("Kestrels", "2026-01-12", giver="Ama", receiver="Bo"))
    crew_ledger.record(Listening("Kestrels", "2026-01-12", present=["Ama", "Bo", "Caz"]))
    ties = crew_ledger.ties()
    assert ties.loc[ties["kind"] == "thanks", ["source", "target"]].values.tolist() == [["Ama", "Bo"]]

    data = ReviewData.load(crew_ledger)
    chosen = charts.review_charts(data, Selection())
    scale = chosen["levels"].to_dict()["encoding"]["color"]["scale"]
    assert scale["domain"][-1] == "6 Gratitude" and scale["range"][-1] == "#AA4499"
    assert charts.title_text(chosen["gratitude"]) == "Level 6: who thanked most"
    tips = [tip["title"] for tip in chosen["network"].to_dict()["encoding"]["tooltip"]]
    assert {"thank-yous made to them", "thank-yous received from them"} <= set(tips)

    files = export.review_files(crew_ledger, data, Selection(groups=("Kestrels",)))
    points = pd.read_csv(io.BytesIO(files["Kestrels-points.csv"]))
    assert set(points.loc[points["level"] == 6, "reason"]) == {"gave thanks", "was thanked"}
    assert "Kestrels-gratitude.png" in files and "Kestrels-gratitude.svg" in files
    assert "6 Gratitude" in files["Kestrels-report.html"].decode()  # the per-member table has a column for it


def test_the_sixth_level_has_a_landing_card(gratitude):
    assert levels.cards()["08_gratitude.ipynb"] == ("Level 6", "Gratitude", "Say thank you, and record who thanked whom.")


def test_a_level_cannot_take_a_number_or_an_event_kind_twice(gratitude):
    with pytest.raises(LedgerError, match="already a level 6"):
        levels.register(gratitude.LEVEL)
    with pytest.raises(LedgerError, match="“venture” already belongs to the level Co-owners"):
        levels.register(levels.Level(7, "Copy", "#000000", events=(Venture,), points={}, words="",
                                     award=gratitude.award))


class TheSixthLevelsPhoneForm(PhoneServer):
    """Its phone form: on each member's page, posting to its own address, recording its own event."""

    def setUp(self):
        self.before = fingerprint()
        self.root = Path(self.place_level())
        self.module = write_level(self.root)
        levels.register(self.module.LEVEL)  # <- the one line outside the level's folder
        super().setUp()

    def place_level(self) -> str:
        import tempfile

        self.level_folder = tempfile.TemporaryDirectory()
        return self.level_folder.name

    def tearDown(self):
        super().tearDown()
        levels.unregister(self.module.LEVEL.number)
        for name in [m for m in sys.modules if m == "gratitude" or m.startswith("gratitude.")]:
            del sys.modules[name]
        self.level_folder.cleanup()
        assert fingerprint() == self.before

    @gen_test
    async def test_a_member_thanks_someone_from_their_phone(self):
        ama = await self.phone("Ama")
        page = await self.http_client.fetch(self.get_url("/m/"), headers={"Cookie": ama})
        body = page.body.decode()
        assert "Thank someone in Kestrels" in body and 'action="/m/thanks"' in body
        sent = await self.send(ama, "/m/thanks", {"group": "Kestrels", "whom": "Bo"})
        assert sent.code == 302
        thanks = self.ledger.events().query("kind == 'thanks'")
        assert len(thanks) == 1 and set(thanks.iloc[0]["members"].split(", ")) == {"Ama", "Bo"}
        refused = await self.send(ama, "/m/thanks", {"group": "Kestrels", "whom": "Ama"})
        assert refused.code == 400 and "Not thanked" in refused.body.decode()
        assert "Whom you thanked" in views.kept({"whom": "Ama"})  # what the member typed, named by the level
