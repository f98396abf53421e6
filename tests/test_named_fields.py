"""Schema 4: an event's and each participant's meanings by name. A ledger written by the schema-3
workbook upgrades (after a backup) with every score and every reading as before, each kind's and each
role's words now under their names.

data/schema3.sqlite was written by the schema-3 workbook (commit 496b811): every kind of event a
crew, a partnership and a congregation record, a void, renames and a forgotten person. Beside it,
data/schema3.json holds what that workbook read of it: points, totals, the events' generic title,
detail and note, ventures, conflicts, proposals, agreements and the congregation's readings. The
participants' generic detail and note are read from the sample file itself.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.congregation import Congregation
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.money import Money
from pg import SCHEMA_3_COLUMNS

DATA = Path(__file__).parent / "data"
OLD = json.loads((DATA / "schema3.json").read_text())
# Where schema 3's participant words are now, by role: (the detail's name, the note's name).
PART_NAMES = {"offer": ("offer_kind", "note"), "ask": ("ask", "text"), "asked": ("ask", None), "placed": ("crew", None)}


def records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))


def sqlite_ledger(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite"
    shutil.copy(DATA / "schema3.sqlite", path)
    return str(path)


def server_ledger(pg_database) -> str:
    """A PostgreSQL ledger of schema 3 holding the sample's rows."""
    url = pg_database()
    engine = sa.create_engine(url)
    old = sqlite3.connect(DATA / "schema3.sqlite")
    with engine.begin() as con:
        for statement in SCHEMA_3_COLUMNS:
            con.exec_driver_sql(statement)
        con.execute(sa.update(st.meta).where(st.meta.c.key == "schema_version").values(value="3"))
        for name in ("groups", "members", "events", "participants"):
            cursor = old.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor]
            if name == "events":  # SQLite keeps a flag as 0 or 1
                rows = [{**row, "private": bool(row["private"])} for row in rows]
            con.execute(sa.insert(sa.table(name, *map(sa.column, columns))), rows)
            con.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
    old.close()
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def upgraded(request, tmp_path):
    location = (sqlite_ledger(tmp_path) if request.param == "sqlite"
                else server_ledger(request.getfixturevalue("pg_database")))
    with Ledger.open(location) as ledger:
        yield ledger


def test_the_sample_is_of_schema_3_and_opening_it_backs_it_up_first(tmp_path):
    path = sqlite_ledger(tmp_path)
    before = sqlite3.connect(path).execute("SELECT * FROM events ORDER BY id").fetchall()
    assert st.check_sqlite_file(Path(path)) == 3
    with Ledger.open(path) as ledger:
        version, backup = ledger.store.migrated_from
    assert version == 3 and "schema3" in backup.name
    assert sqlite3.connect(backup).execute("SELECT * FROM events ORDER BY id").fetchall() == before
    assert st.check_sqlite_file(Path(path)) == st.SCHEMA_VERSION == 5
    for table in ("events", "participants"):
        columns = [r[1] for r in sqlite3.connect(path).execute(f"PRAGMA table_info({table})")]
        named = columns[-3:-1] if table == "events" else columns[-2:]  # events end with schema 5's once_key
        assert named == ["data", "texts"] and not {"title", "detail", "note"} & set(columns)


def test_scores_are_the_same_after_the_upgrade(upgraded):
    assert records(upgraded.points()) == OLD["points"]
    assert records(upgraded.totals().reset_index()) == OLD["totals"]


def test_no_word_is_lost_and_private_ones_stay_private(upgraded):
    """Each old title, detail and note is now one of the event's named fields, and private texts are
    hidden as the note was."""
    new = upgraded.events(include_private=True).set_index("id")
    public = upgraded.events().set_index("id")
    for old in OLD["events"]:
        event = new.loc[old["id"]]
        said = [old[c] for c in ("title", "detail", "note") if old[c] is not None]
        named = list(event["data"].values()) + list((event["texts"] or {}).values())
        assert [json.loads(s) if s.startswith(("[", "{")) else s for s in said] == \
               [n if isinstance(n, (list, dict)) else str(n) for n in named], old
        assert (public.loc[old["id"], "texts"] is None) == (old["note"] is None or old["private"])
    assert {r["id"]: r["note"] for r in OLD["public_notes"] if r["note"] is not None} == {
        i: t["note"] if "note" in t else next(iter(t.values())) for i, t in public["texts"].items() if t}


def test_every_participants_words_are_under_their_names_and_private_ones_stay_private(upgraded):
    """An offer's kind and note, an ask's link and text, the asked's link, the crew a person was
    placed in: each old detail and note is now one named field of the participant, in the same row."""
    con = sqlite3.connect(DATA / "schema3.sqlite")
    old = con.execute("SELECT event_id, role, detail, note FROM participants ORDER BY id").fetchall()
    con.close()
    assert {role for _, role, detail, note in old if detail or note} == set(PART_NAMES)  # the sample has each
    new = upgraded.participants(include_private=True)
    assert list(zip(new["event_id"], new["role"])) == [(event_id, role) for event_id, role, _, _ in old]
    for (event_id, role, detail, note), data, texts in zip(old, new["data"], new["texts"]):
        detail_name, note_name = PART_NAMES.get(role, (None, None))
        assert data == ({} if detail is None else {detail_name: detail}), (event_id, role)
        assert texts == (None if note is None else {note_name: note}), (event_id, role)
    public = upgraded.participants()
    assert public["data"].tolist() == new["data"].tolist() and "texts" not in public


def test_each_kind_reads_as_before_through_its_named_fields(upgraded):
    assert records(upgraded.table("ventures")) == OLD["ventures"]
    assert records(upgraded.table("conflicts")) == OLD["conflicts"]
    assert records(upgraded.proposals("Kestrels", "2026-01-17").drop(columns="sent")) == OLD["proposals"]
    assert {g: [upgraded.agreements(g), upgraded.agreements(g, include_private=True)] for g in OLD["agreements"]} \
        == OLD["agreements"]
    congregation = Congregation(upgraded, "Lisbon circle")
    assert {k: v for k, v in congregation.details().items() if k != "started"} == OLD["details"]
    assert records(congregation.gatherings()) == OLD["gatherings"]
    assert records(congregation.formations(include_private=True)) == OLD["formations"]
    assert records(congregation.pool(include_private=True)) == OLD["pool"]
    events = upgraded.events().set_index("id")
    assert events.loc[events["kind"] == "venture", "data"].tolist() == [
        {"name": "Kestrel Pod", "form": "livelihood pod"}, {"name": "Otter Bikes", "form": "co-op"}]
    money_round = int(events.index[events["kind"] == "money"][0])
    assert events.loc[events["kind"] == "proposal_settled", "data"].tolist() == [{"round_id": money_round}, {}]


def test_an_upgraded_ledger_records_and_forgets_with_named_fields(upgraded):
    event_id = upgraded.record(Venture("Kestrels", "2026-06-01", name="Heron Co-op", form="co-op",
                                       owners=["Bo", "Caz"]))
    round_id = upgraded.record(Money("Kestrels", "2026-06-02", speaker="Bo", offers=[("Ama", "perspective", "a book")],
                                     asks=[("a ladder", ["Caz"])]))
    parts = upgraded.participants(include_private=True).query("event_id == @round_id")
    assert parts[["role", "data", "texts"]].values.tolist() == [
        ["speaker", {}, None], ["offer", {"offer_kind": "perspective"}, {"note": "a book"}],
        ["ask", {"ask": "ask 1"}, {"text": "a ladder"}], ["asked", {"ask": "ask 1"}, None]]
    assert upgraded.points().query("event_id == @round_id and member == 'Ama'")["reason"].tolist() == ["offer: perspective"]
    upgraded.forget_member("Caz")
    events = upgraded.events(include_private=True).set_index("id")
    assert events.loc[event_id, "data"] == {"name": "Heron Co-op", "form": "co-op"}
    money = events[events["kind"] == "money"]
    assert money["texts"].isna().all()  # Caz spoke in it: its private note went with them
    parts = upgraded.participants(include_private=True)
    assert parts.loc[parts["event_id"].isin(money.index), "texts"].isna().all()  # and its offers' and asks' texts
    assert parts.loc[parts["event_id"] == round_id, "data"].tolist()[1] == {"offer_kind": "perspective"}  # facts stay


def with_a_schema_3_row(tmp_path, kind: str, title, detail, note, private: bool, parts: list[tuple]) -> tuple[str, int]:
    """The schema-3 sample with one more event written as a hand or a crew's own code wrote it, and
    its participants ``(role, detail, note)`` (member 1): the path, not yet upgraded, and the event's id."""
    path = sqlite_ledger(tmp_path)
    con = sqlite3.connect(path)
    event_id = con.execute("INSERT INTO events (uid, kind, group_id, on_date, recorded_at, title, detail, note, private) "
                           "VALUES (?, ?, 1, '2026-06-01', '2026-06-01T10:00:00+00:00', ?, ?, ?, ?)",
                           (f"{kind}1", kind, title, detail, note, int(private))).lastrowid
    con.executemany("INSERT INTO participants (event_id, member_id, role, detail, note) VALUES (?, 1, ?, ?, ?)",
                    [(event_id, *part) for part in parts])
    con.commit()
    con.close()
    return path, event_id


def test_a_kind_the_upgrade_does_not_know_keeps_its_words_under_the_old_names(tmp_path):
    """A level a crew added in its own notebook: nothing of it is lost."""
    # a role the upgrade knows in money rounds, in a kind it does not know: nothing says what it meant
    path, event_id = with_a_schema_3_row(tmp_path, "thanks", "a meal", "warm", "for the soup", False,
                                         [("thanked", "twice", "you fed us"), ("offer", "a spoon", None)])
    with Ledger.open(path) as ledger:
        thanks = ledger.events().query("kind == 'thanks'").iloc[0]
        parts = ledger.participants(include_private=True).query("event_id == @event_id")
    assert thanks["data"] == {"title": "a meal", "detail": "warm"} and thanks["texts"] == {"note": "for the soup"}
    assert parts[["role", "data", "texts"]].values.tolist() == [
        ["thanked", {"detail": "twice"}, {"note": "you fed us"}], ["offer", {"detail": "a spoon"}, None]]


def test_words_in_a_column_a_known_kind_did_not_use_are_kept_under_the_old_name(tmp_path):
    """A meeting's row given a title by hand: its process moves under its name, the title stays too."""
    path, event_id = with_a_schema_3_row(tmp_path, "meeting", "by hand", "sociocracy", None, True,
                                         [("host", "kitchen", None)])
    with Ledger.open(path) as ledger:
        meeting = ledger.events().query("id == @event_id").iloc[0]
        host = ledger.participants().query("event_id == @event_id").iloc[0]
    assert meeting["data"] == {"process": "sociocracy", "title": "by hand"}
    assert host["data"] == {"detail": "kitchen"}


def test_a_sqlite_too_old_to_drop_a_column_is_said_in_words_and_changes_nothing(tmp_path, monkeypatch):
    path = sqlite_ledger(tmp_path)
    before = Path(path).read_bytes()
    monkeypatch.setattr(st.sqlite3, "sqlite_version_info", (3, 31, 1))
    from microsolidarity_widgets import LedgerError

    with pytest.raises(LedgerError, match="3.35 or newer"):
        Ledger.open(path).points()
    assert Path(path).read_bytes() == before
