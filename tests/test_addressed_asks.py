"""Level 2's respect bonus goes only to members who exchanged with the speaker (docs/rules.md): those who
made an offer, or to whom an ask was addressed. Asks may name whom they are addressed to."""

import pytest
import sqlalchemy as sa

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.levels.money import Money

ROUND = ("Kestrels", "2026-01-17")


@pytest.fixture
def crew(ledger):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2025-01-01")
    return ledger


def per_member(ledger):
    return ledger.points().groupby("member")["points"].sum().to_dict()


def test_no_bonus_without_an_exchange(crew):
    with pytest.raises(LedgerError, match="Ama made no offer and was not asked for anything"):
        crew.preview(Money(*ROUND, speaker="Caz", offers=[], asks=[], respectful=["Ama"]))
    with pytest.raises(LedgerError, match="only for members who exchanged with the speaker"):
        crew.record(Money(*ROUND, speaker="Caz", asks=["a lift"], respectful=["Ama"]))  # an ask to the whole group
    with pytest.raises(LedgerError, match="Bo made no offer"):  # Ama's offer makes Ama eligible, not Bo
        crew.record(Money(*ROUND, speaker="Caz", offers=[("Ama", "introduction")], respectful=["Ama", "Bo"]))
    assert crew.events().query("kind == 'money'").empty


def test_an_ask_addressed_to_a_member_is_an_exchange(crew):
    preview = crew.preview(Money(*ROUND, speaker="Caz", asks=[("an intro to a lawyer", ["Bo"])],
                                 respectful=["Bo"]))
    assert preview.groupby("member")["points"].sum().to_dict() == {"Bo": 1, "Caz": 6}
    crew.record(Money(*ROUND, speaker="Caz", asks=[("an intro to a lawyer", "Bo"), "a reader"], respectful=["Bo"]))
    assert per_member(crew) == {"Bo": 1, "Caz": 5 + 5 + 1}


def test_an_ask_to_several_members_links_each_to_its_ask(crew):
    crew.record(Money(*ROUND, speaker="Caz", asks=["a reader", ("a lift", ["Ama", "Dev"])], respectful=["Ama", "Dev"]))
    parts = crew.participants()
    asks = parts[parts["role"] == "ask"]
    asked = parts[parts["role"] == "asked"]
    assert asks["data"].tolist() == [{}, {"ask": "ask 2"}]  # a whole-group ask names nobody
    assert sorted(asked["member"]) == ["Ama", "Dev"] and asked["data"].tolist() == [{"ask": "ask 2"}] * 2
    assert per_member(crew) == {"Ama": 1, "Dev": 1, "Caz": 5 + 5 + 2}  # being asked earns nothing by itself


@pytest.mark.parametrize("asks, message", [
    ([("a lift", ["Caz"])], "Caz is the speaker"),
    ([("a lift", ["Zed"])], "“Zed” is not a member of Kestrels"),
    ([("a lift", ["Ama", "ama"])], "listed twice"),
    ([("a lift", "Ama", "extra")], "Each ask is its text"),
    ([("", ["Ama"])], "ask"),
])
def test_bad_addressed_asks_are_refused(crew, asks, message):
    with pytest.raises(LedgerError, match=message):
        crew.record(Money(*ROUND, speaker="Caz", asks=asks))


def test_an_addressee_must_be_present(crew):
    with pytest.raises(LedgerError, match="Dev took part but is not marked present"):
        crew.record(Money(*ROUND, speaker="Caz", asks=[("a lift", ["Dev"])], present=["Caz", "Ama", "Bo"]))


def test_history_keeps_scoring_as_recorded(crew):
    """A bonus recorded before the rule (no offer, no addressed ask) stays: history is never rescored."""
    eid = crew.record(Money(*ROUND, speaker="Caz", offers=[("Ama", "perspective")], respectful=["Ama"]))
    bo = crew.store  # write the row an older version of the workbook accepted
    with bo.write() as con:
        member = con.execute(sa.select(st.members.c.id).where(st.members.c.name == "Bo")).scalar_one()
        con.execute(sa.insert(st.participants).values(event_id=eid, member_id=member, role="respectful"))
    crew._cached = None
    assert per_member(crew) == {"Ama": 6, "Bo": 1, "Caz": 2}
