"""The congregation in the ledger (both backends): pool, invitations, answers, gatherings, formations,
undo, privacy, and bad input that records nothing."""

from __future__ import annotations

import pytest

from microsolidarity_widgets import LedgerError, export
from microsolidarity_widgets.congregation import Congregation
from microsolidarity_widgets.levels.listening import Listening

DAY = "2026-01-10"
ANSWERS = {
    "Ama": {"work": "gardening; co-ops", "slots": "Tue evening; Thu morning", "region": "Lisbon", "size": 5},
    "Bo": {"work": ["co-ops"], "slots": ["tuesday evenings"], "region": "Lisbon", "knows": ["Ama"]},
    "Caz": {"work": "software", "slots": "Tue-evening", "region": "Porto"},
    "Dev": {"work": "gardening", "slots": "Tue evening, Sat morning", "region": "Lisbon", "size": 4},
}
POOL_CSV = ("name,work,slots,invited_by,region,size,knows\n"
            "Eli,gardening;care work,Tue evening,Ama,Lisbon,5,\n"
            "Fay,software,Tue evening;Thu morning,Eli,Porto,,Eli\n"
            "Gus,food,Tue evening,Bo,Lisbon,6,\n"
            "Hal,music,Tue evening,Fay,,,\n")


@pytest.fixture
def cong(ledger):
    c = Congregation.create(ledger, "Lisbon circle", region="Lisbon", purpose="supporting each other", on=DAY)
    for name, answers in ANSWERS.items():
        if name == "Bo":
            c.invite("Ama", "Bo", on=DAY, answers=answers)
        else:
            c.add_person(name, on=DAY, answers=answers)
    return c


def test_pool_invitations_and_answers(cong, ledger):
    assert cong.import_csv(POOL_CSV.encode(), on="2026-01-11") == ["Eli", "Fay", "Gus", "Hal"]
    pool = cong.pool()
    assert list(pool["name"]) == ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay", "Gus", "Hal"]
    assert list(pool.columns) == ["name", "invited_by", "joined", "answered", "member"]  # answers are personal
    assert not pool["member"].any()
    private = cong.pool(include_private=True).set_index("name")
    assert private.loc["Ama", "slots"] == ["Tue evening", "Thu morning"]
    assert private.loc["Caz", "slots"] == ["Tue evening"]
    assert private.loc["Dev", "slots"] == ["Tue evening", "Sat morning"]
    assert private.loc["Bo", "knows"] == ["Ama"] and private.loc["Fay", "knows"] == ["Eli"]
    inv = cong.invitations().set_index("invitee")
    assert inv.loc["Hal", "inviter"] == "Fay" and inv.loc["Hal", "generation"] == 4
    assert inv.loc["Ama", "generation"] == 1
    kinds = ledger.events()["kind"].tolist()
    assert kinds.count("invitation") == 5 and kinds.count("pool_joined") == 3  # each invitation its own event
    tree = cong.invitation_tree().set_index("name")
    assert tree.loc["Hal", "generation"] == 4 and tree.loc["Hal", "parent_x"] == tree.loc["Fay", "x"]
    slots = cong.availability().set_index(["day", "part"])["people"]
    assert slots[("Tue", "evening")] == 8 and slots[("Thu", "morning")] == 2
    # A later answer replaces the earlier; both stay in the history.
    cong.record_answers("Caz", {"work": "software; teaching", "slots": "Thu morning"})
    assert cong.pool(include_private=True).set_index("name").loc["Caz", "work"] == ["software", "teaching"]
    # Congregations are not groups of the game: the crew pages never list one.
    assert ledger.groups().empty


def test_its_region_purpose_and_agreements(ledger):
    lisbon = Congregation.create(ledger, "Lisbon circle", region="Lisbon", purpose="supporting each other", on=DAY)
    ledger.record_agreements("Lisbon circle", DAY, "Two gatherings a year.")
    ledger.record_agreements("Lisbon circle", "2026-01-12", "Two gatherings a year; crews form for six months.")
    about = lisbon.details()
    assert (about["region"], about["purpose"], f"{about['started']:%Y-%m-%d}") == ("Lisbon", "supporting each other", DAY)
    assert about["agreements"] == "Two gatherings a year; crews form for six months."  # the latest
    porto = Congregation.create(ledger, "Porto circle", on=DAY).details()
    assert porto["region"] is None and porto["purpose"] is None and porto["agreements"] is None


def test_gatherings_formation_and_undo_as_a_whole(cong, ledger):
    cong.import_csv(POOL_CSV, on="2026-01-11")
    g = cong.record_gathering("First gathering", "2026-01-12", came=["Ama", "Bo", "caz"])
    assert cong.gatherings()["came"].iloc[0] == ["Ama", "Bo", "Caz"]
    suggestion = cong.suggest_crews(size=4, min_size=4, max_size=4, seed=3)
    assert sorted(len(c.members) for c in suggestion.crews) == [4, 4] and not suggestion.unplaced
    assert all(c.why.startswith("all can meet Tuesday evenings") for c in suggestion.crews)
    before = ledger.revision()
    fid = cong.form_crews(suggestion, on="2026-01-20")
    assert ledger.revision()[1] == before[1] + 3  # one formation and its two crews, in one step
    groups = ledger.groups()
    assert list(groups["group"]) == ["Lisbon circle crew 1", "Lisbon circle crew 2"]
    assert cong.pool()["member"].all()  # a person of the pool becomes a member with their crew
    with pytest.raises(LedgerError, match="undo it as a whole"):
        ledger.void(fid, reason="oops")
    cong.undo_formation(fid, "formed too early")
    assert ledger.groups().empty and not cong.pool()["member"].any()
    fid = cong.form_crews(suggestion, on="2026-01-20", names=["Tuesday crew", "Evening crew"])
    crew = ledger.groups()["group"].iloc[0]
    ledger.record(Listening(crew, "2026-01-21", present=ledger.members(crew)[:2]))
    with pytest.raises(LedgerError, match="has recorded something \\(listening\\) on 21 January 2026 since it formed"):
        cong.undo_formation(fid, "no")
    # Temporary crews for one gathering: recorded on the formation, no group of their own.
    tmp = cong.form_crews([["Ama", "Bo", "Caz"]], temporary_for=g)
    f = cong.formations().set_index("id")
    assert f.loc[tmp, "kind"] == "temporary" and f.loc[tmp, "crews"] == {"Lisbon circle table 1": ["Ama", "Bo", "Caz"]}
    assert len(ledger.groups()) == 2
    compare = cong.compare_crews()
    assert set(compare["crew"]) == {"Tuesday crew", "Evening crew"} and compare["points"].sum() == 2


def test_a_csv_with_columns_separated_by_semicolons(cong):
    """As a spreadsheet in a language with decimal commas saves it: lists inside a cell then take commas."""
    assert cong.import_csv("name;work;slots;invited_by\nYan;care, music;Tue evening, Thu morning;Ama\n") == ["Yan"]
    yan = cong.pool(include_private=True).set_index("name").loc["Yan"]
    assert (yan["work"], yan["slots"], yan["invited_by"]) == (["care", "music"], ["Tue evening", "Thu morning"], "Ama")


def nothing_recorded(ledger, action, match):
    before = ledger.revision()
    with pytest.raises(LedgerError, match=match):
        action()
    assert ledger.revision() == before


def test_bad_input_is_refused_with_a_plain_message_and_nothing_recorded(cong, ledger):
    nothing_recorded(ledger, lambda: cong.add_person(" ama "), "Ama is already in the pool")
    nothing_recorded(ledger, lambda: cong.invite("Zed", "Yan"), "Zed, who invited Yan, is not in the pool")
    nothing_recorded(ledger, lambda: cong.invite("Yan", "Yan"), "cannot invite themselves")
    nothing_recorded(ledger, lambda: cong.add_person("Yan", answers={"slots": "Tuesday-ish"}),
                     "“Tuesday-ish” is not a weekly slot we know")
    nothing_recorded(ledger, lambda: cong.add_person("Yan", answers={"slots": "Tue evening", "size": 9}),
                     "preferred crew size of Yan is a number from 3 to 8")
    nothing_recorded(ledger, lambda: cong.add_person("Yan", answers={"knows": ["Nobody"]}),
                     "Yan knows Nobody well, but Nobody is not in the pool")
    csv_ok = "name,work,slots,invited_by\n"
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + "Yan,x,Tue evening,\nyan ,y,Tue evening,\n"),
                     "Line 3: yan is listed twice \\(on line 2 too\\)")
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + "Yan,x,Tue evening,Ama\nBo,x,Tue evening,\n"),
                     "Line 3: Bo is already in the pool")
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + "Yan,x,Tue evening,Zoe\nZoe,x,Tue evening,Xi\n"
                                                              "Xi,x,Tue evening,Yan\n"),
                     "go round in a circle \\(Yan, invited by Zoe; Zoe, invited by Xi; Xi, invited by Yan\\)")
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + "Yan,x,Tue evening,\nZoe,x,Someday,\n"),
                     "Line 3: “Someday” is not a weekly slot")
    nothing_recorded(ledger, lambda: cong.import_csv("name,work\nYan,x\n"), "The CSV has no column slots")
    nothing_recorded(ledger, lambda: cong.import_csv((csv_ok + "Zoë,x,Tue evening,\n").encode("latin-1")),
                     "not UTF-8 text \\(byte 0xeb")
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + "Zo\ufffd,x,Tue evening,\n"),
                     "Line 2 holds a “\ufffd”")
    nothing_recorded(ledger, lambda: cong.import_csv(b""), "The file is empty")
    nothing_recorded(ledger, lambda: cong.import_csv(csv_ok + '"Yan,x,Tue evening,\n'),
                     "cannot be read as CSV \\(unexpected end of data\\): a quote mark left open")
    nothing_recorded(ledger, lambda: cong.record_gathering("Gathering", DAY, ["Ama", "Nobody"]),
                     "Nobody is not in the pool")
    nothing_recorded(ledger, lambda: cong.form_crews([["Ama", "Bo", "Caz"], ["Caz", "Dev", "Ama"]]),
                     "Caz is in two crews")
    nothing_recorded(ledger, lambda: cong.form_crews([["Ama", "Bo"]]), "Crew 1 has 2 people; a crew has 3 to 8")
    nothing_recorded(ledger, lambda: Congregation.create(ledger, "lisbon CIRCLE"), "There is already a group")
    nothing_recorded(ledger, lambda: cong.suggest_crews(together=[("Ama", "Bo")], apart=[("Bo", "Ama")]),
                     "pinned both together and apart")
    # Through a third person: Ama with Bo and Bo with Caz put Ama and Caz in one crew.
    nothing_recorded(ledger, lambda: cong.suggest_crews(together=[("Ama", "Bo"), ("bo", "Caz")], apart=[("Caz", "Ama")]),
                     "Caz and Ama are pinned apart, but the pins together put Ama, Bo, Caz in one crew")
    # A round of chosen people: nobody dropped without a word, nobody counted twice.
    nothing_recorded(ledger, lambda: cong.suggest_crews(names=["Ama", "Bo", "Caz", "Zed"]),
                     "Zed is not in the pool of Lisbon circle")
    nothing_recorded(ledger, lambda: cong.suggest_crews(names=["Ama", "Bo", "Caz", " ama"]), "“ama” is listed twice")
    nothing_recorded(ledger, lambda: cong.suggest_crews(names="Ama"), "Give each person of the round in a list")
    with pytest.raises(LedgerError, match="There is no congregation called “Porto”"):
        Congregation(ledger, "Porto")


def test_pool_answers_stay_out_of_exports_unless_asked(cong, ledger):
    secret = "gardening"
    assert secret not in ledger.events().to_csv()
    assert secret in ledger.events(include_private=True).to_csv()
    charts, tables = export.congregation_exports(ledger)
    assert "Lisbon-circle-availability" not in charts
    assert secret not in tables["Lisbon-circle-pool"].to_csv()
    charts, tables = export.congregation_exports(ledger, include_private=True)
    assert "Lisbon-circle-availability" in charts and secret in tables["Lisbon-circle-pool"].to_csv()


def test_forgetting_a_person_erases_their_answers(cong, ledger):
    ledger.forget_member("Dev")
    pool = cong.pool(include_private=True).set_index("name")
    former = [n for n in pool.index if n.startswith("Former member")]
    assert len(former) == 1 and pool.loc[former[0], "work"] == [] and pool.loc["Ama", "work"] == ["gardening", "co-ops"]


def test_the_next_round_knows_the_last_seasons_crews(ledger):
    """Issue 24: people whose crew closed are back in the pool, beside newcomers; last season's crew-mates
    count as knowing each other well, and a round can keep last season's crews from re-forming whole."""
    from microsolidarity_widgets.formation import violations
    from microsolidarity_widgets.seasons import decide

    c = Congregation.create(ledger, "Harbour", on=DAY)
    first = ["Ada", "Ben", "Cy", "Di", "Ed", "Flo", "Gil", "Hu"]
    for name in first + ["Ivy", "Jo"]:
        c.add_person(name, on=DAY, answers={"work": "care", "slots": "Tue evening"})
    c.form_crews([first[:4], first[4:]], on="2026-01-20", names=["Oaks", "Elms"])
    assert c.last_season() == (("Ed", "Flo", "Gil", "Hu"), ("Ada", "Ben", "Cy", "Di"))
    ledger.add_member("Oaks", "Kit", "2026-02-01")  # joined during the season: one of its crew-mates
    decide(ledger, "Oaks", "2026-07-01", "close")
    assert c.last_season() == (("Ed", "Flo", "Gil", "Hu"), ("Ada", "Ben", "Cy", "Di", "Kit"))
    free = {p.name for p in c.people(free=True)}
    assert free == {"Ada", "Ben", "Cy", "Di", "Ivy", "Jo"}  # Kit is not of the pool; Elms continue
    # Six people, four of whom shared Oaks: one crew can hold only one of those pairs.
    s = c.suggest_crews(size=3, min_size=3, max_size=3)
    assert not violations([cr.members for cr in s.crews], c.people(free=True), s.round)
    for crew in s.crews:
        assert len({"Ada", "Ben", "Cy", "Di"} & set(crew.members)) <= 2
    said = " ".join(cr.why for cr in s.crews)
    assert "were together last season" in said
    # Without history they may share a crew freely: one crew of all six re-forms Oaks whole, which a
    # round keeping last season's crews apart never does (one of the six is then left out, with a reason).
    everyone = c.suggest_crews(size=6, min_size=4, max_size=6, history=False)
    assert [sorted(cr.members) for cr in everyone.crews] == [sorted(free)]
    apart = c.suggest_crews(size=6, min_size=4, max_size=6, history=False, keep_apart=True)
    assert [len(cr.members) for cr in apart.crews] == [5] and len(apart.unplaced) == 1
    assert not {"Ada", "Ben", "Cy", "Di"} <= set(apart.crews[0].members)
