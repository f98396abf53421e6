"""Issue 21, item 1: a tap lands once. Every write may carry a one-time key (a phone's form carries one,
made when the form was shown); the same key again records nothing and says so (``AlreadyRecorded``),
on both backends, even when the two sendings arrive at once. A money round answers the phones' offers
and asks it takes in within its own transaction."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from microsolidarity_widgets import AlreadyRecorded, Ledger, LedgerError
from microsolidarity_widgets import ledger as ledger_module
from microsolidarity_widgets import migrate, rules
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.congregation import Congregation
from microsolidarity_widgets.rules import CheckIn, Proposal
from microsolidarity_widgets.levels.money import Money
from microsolidarity_widgets.values import new_once_key
from pages import find

TODAY = dt.date.today()


@pytest.fixture
def crew(ledger):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    return ledger


def keyed_rows(ledger: Ledger, key: str) -> int:
    with ledger.store.read() as con:
        return con.execute(sa.select(sa.func.count()).where(st.events.c.once_key == key)).scalar()


def test_an_offer_sent_twice_is_recorded_once_and_scores_once(crew):
    key = new_once_key()
    offer = Proposal("Kestrels", TODAY, "Ama", "offer", "I know a lawyer", "introduction")
    first = crew.record(offer, key=key)
    with pytest.raises(AlreadyRecorded, match="sent already") as replay:
        crew.record(offer, key=key)
    assert replay.value.event_id == first and isinstance(replay.value, LedgerError)
    assert len(crew.proposals("Kestrels")) == 1 and keyed_rows(crew, key) == 1

    # Accepted into a round (whose offers the round lists), it scores +5 once.
    crew.record(Money("Kestrels", TODAY, speaker="Caz", offers=[("Ama", "introduction", "I know a lawyer")],
                      from_phones=[first]))
    assert crew.proposals("Kestrels")["answer"].tolist() == ["accepted"]
    points = crew.points()
    assert points.loc[points["member"] == "Ama", "points"].sum() == 5


def test_a_replay_is_answered_before_the_rules(crew):
    """A check-in sent twice is "already sent", not "already checked in": the second sending is the
    same request, which stood."""
    key = new_once_key()
    crew.record(CheckIn("Kestrels", TODAY, "Bo"), key=key)
    with pytest.raises(AlreadyRecorded):
        crew.record(CheckIn("Kestrels", TODAY, "Bo"), key=key)
    with pytest.raises(AlreadyRecorded):  # whatever the replay says, it records nothing
        crew.record(Proposal("Kestrels", TODAY, "Caz", "ask", "a lift"), key=key)
    assert crew.check_ins("Kestrels") == ["Bo"] and crew.proposals("Kestrels").empty


def test_a_refused_sending_keeps_its_key_free(crew):
    key = new_once_key()
    with pytest.raises(LedgerError, match="The ask is empty"):
        crew.record(Proposal("Kestrels", TODAY, "Caz", "ask", " "), key=key)
    crew.record(Proposal("Kestrels", TODAY, "Caz", "ask", "a lift"), key=key)  # corrected, sent again
    assert crew.proposals("Kestrels")["text"].tolist() == ["a lift"]


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "has space in it ok", 12345678901234567, "<script>x</script>!!"])
def test_a_key_the_workbook_did_not_make_is_refused_in_words(crew, key):
    with pytest.raises(LedgerError, match="one-time key is missing or not one the workbook made"):
        crew.record(CheckIn("Kestrels", TODAY, "Bo"), key=key)
    assert crew.check_ins("Kestrels") == []


def test_two_sendings_at_once_land_as_one(crew):
    """Two phones' requests with one key racing each other (a double tap on a slow network): one row,
    the other told it was sent already. Each thread has its own connection, as two server workers do."""
    key, n = new_once_key(), 4
    start = threading.Barrier(n)
    results: list[object] = []

    def send():
        with Ledger.open(crew.location) as mine:
            start.wait()
            try:
                results.append(mine.record(Proposal("Kestrels", TODAY, "Dev", "offer", None, "encouragement"), key=key))
            except AlreadyRecorded as exc:
                results.append(("replay", exc.event_id))

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    recorded = [r for r in results if isinstance(r, int)]
    assert len(results) == n and len(recorded) == 1
    assert {r[1] for r in results if isinstance(r, tuple)} == set(recorded)
    assert keyed_rows(crew, key) == 1 and len(crew.proposals("Kestrels")) == 1


def test_voids_and_pool_joins_obey_their_keys(crew):
    event_id = crew.record(CheckIn("Kestrels", TODAY, "Caz"))
    key = new_once_key()
    crew.void(event_id, reason="checked in by mistake", key=key)
    with pytest.raises(AlreadyRecorded):
        crew.void(event_id, reason="checked in by mistake", key=key)

    pool = Congregation.create(crew, "Porto circle", on="2026-01-01")
    join = new_once_key()
    pool.add_person("Eli", answers={"work": ["gardening"], "slots": ["Mon evening"]}, key=join)
    with pytest.raises(AlreadyRecorded):
        pool.add_person("Eli", answers={"work": ["gardening"], "slots": ["Mon evening"]}, key=join)
    with pytest.raises(AlreadyRecorded):
        pool.invite("Eli", "Fay", key=join)
    csv = new_once_key()
    pool.import_csv("name,work,slots\nGus,co-ops,Tue evening\nHal,care,Tue evening\n", key=csv)
    with pytest.raises(AlreadyRecorded):
        pool.import_csv("name,work,slots\nGus,co-ops,Tue evening\nHal,care,Tue evening\n", key=csv)
    assert sorted(pool.pool()["name"]) == ["Eli", "Gus", "Hal"]


def test_a_copy_brings_a_request_recorded_on_both_sides_once(tmp_path):
    """The same form sent to a crew's file and to the shared ledger: the copy adds it once, as two
    sendings to one ledger would be (before, the second row broke the copy on the key's uniqueness)."""
    key = new_once_key()
    crew_file, shared_file = str(tmp_path / "crew.sqlite"), str(tmp_path / "shared.sqlite")
    with Ledger.open(crew_file) as side:
        side.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
    migrate.copy(crew_file, shared_file)
    for location in (crew_file, shared_file):
        with Ledger.open(location) as side:
            side.record(CheckIn("Kestrels", TODAY, "Bo"), key=key)
    report = migrate.copy(crew_file, shared_file)
    assert report.events_added == 0 and report.events_already_there == 2
    with Ledger.open(shared_file) as shared:
        assert shared.check_ins("Kestrels") == ["Bo"] and keyed_rows(shared, key) == 1


def test_a_round_lands_with_its_answers_or_not_at_all(crew, monkeypatch):
    """The round and the answers to the phones' offers it takes in are one transaction: a failure
    after the round is written (here, while answering) takes the round back too."""
    offer = crew.record(Proposal("Kestrels", TODAY, "Ama", "offer", None, "perspective"))
    round_ = Money("Kestrels", TODAY, speaker="Caz", offers=[("Ama", "perspective")], from_phones=[offer])
    real = rules.settle

    def broken(state, *args, **kwargs):
        entry = real(state, *args, **kwargs)
        assert state.con.execute(sa.select(st.events.c.id).where(st.events.c.kind == "money")).first()  # written
        raise LedgerError("the laptop's battery ran out")

    monkeypatch.setattr(rules, "settle", broken)
    with pytest.raises(LedgerError, match="battery"):
        crew.record(round_)
    assert crew.events().query("kind == 'money'").empty and crew.points().empty
    assert crew.proposals("Kestrels")["answer"].tolist() == ["waiting"]

    monkeypatch.setattr(rules, "settle", real)
    round_id = crew.record(round_)
    answered = crew.events().query("kind == 'proposal_settled'")
    assert answered["data"].tolist() == [{"round_id": round_id}]
    with pytest.raises(LedgerError, match="answered already"):  # no round takes it twice
        crew.record(Money("Kestrels", TODAY, speaker="Bo", offers=[("Ama", "perspective")], from_phones=[offer]))


def test_a_round_takes_only_waiting_proposals_of_its_own_group(crew):
    crew.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2026-01-01")
    elsewhere = crew.record(Proposal("Ama+Bo", TODAY, "Ama", "offer", None, "perspective"))
    with pytest.raises(LedgerError, match="its own group"):
        crew.record(Money("Kestrels", TODAY, speaker="Caz", offers=[("Ama", "perspective")], from_phones=[elsewhere]))
    with pytest.raises(LedgerError, match="list of their ids"):
        crew.record(Money("Kestrels", TODAY, speaker="Caz", offers=[("Ama", "perspective")], from_phones=7))
    assert crew.events().query("kind == 'money'").empty


def test_the_money_page_records_a_round_and_its_phone_answers_as_one(open_page, crew_ledger, monkeypatch):
    """Before, the page recorded the round, then answered each phone in a second transaction: a failure
    in between left the round scored and the phone's offer waiting (to be accepted, and scored, again)."""
    from microsolidarity_widgets.apps import MoneyApp

    crew_ledger.record(Proposal("Kestrels", TODAY, "Ama", "offer", None, "introduction"))
    app = open_page(MoneyApp)
    find(app, "Speaker").value = "Caz"
    app.accept(app.waiting()[0])
    monkeypatch.setattr(ledger_module.rules, "settle",
                        lambda *a, **k: (_ for _ in ()).throw(LedgerError("the ledger's disk filled up")))
    find(app, "Record").click()
    assert app.session.status.kind == "error"
    assert crew_ledger.events().query("kind == 'money'").empty and crew_ledger.points().empty
    monkeypatch.undo()
    find(app, "Record").click()
    assert app.session.status.kind == "ok"
    assert crew_ledger.proposals("Kestrels")["answer"].tolist() == ["accepted"]
    assert crew_ledger.points().groupby("member")["points"].sum().to_dict() == {"Ama": 5}
