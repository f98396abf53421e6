"""Reading tables into compact frames: every kind of column, chunk boundaries, empty tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, demo
from microsolidarity_widgets import storage as st

ROWS = [  # id, kind (word), ref (nullable integer), on (day), note (text), flag
    (1, "listening", None, "2026-01-10", None, False),
    (2, "money", 1, "2026-01-17", "a ‘note’, with commas", True),
    (3, "listening", 2, "2026-01-10", "", False),
    (4, None, None, "2025-12-31", "x" * 300, True),
    (5, "meeting", 4, "2026-02-01", None, False),
]
COLUMNS = {"id": st.ID, "kind": st.WORD, "ref": st.REF, "on": st.DAY, "note": st.TEXT,
           "flag": st.FLAG}


@pytest.fixture
def table(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    meta = sa.MetaData()
    t = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("kind", sa.String),
                 sa.Column("ref", sa.Integer), sa.Column("on", sa.String), sa.Column("note", sa.Text),
                 sa.Column("flag", sa.Boolean))
    meta.create_all(engine)
    yield engine, t
    engine.dispose()


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_every_kind_of_column_whatever_the_chunks(table, monkeypatch, chunk):
    engine, t = table
    with engine.begin() as con:
        con.execute(sa.insert(t), [dict(zip(COLUMNS, row)) for row in reversed(ROWS)])  # stored out of order
    monkeypatch.setattr(st, "CHUNK_ROWS", chunk)
    with engine.connect() as con:
        got = st.read_table(con, t, COLUMNS)
    assert got["id"].tolist() == [1, 2, 3, 4, 5] and got["id"].dtype == np.int64
    assert isinstance(got["kind"].dtype, pd.CategoricalDtype)
    assert got["kind"].tolist()[:3] == ["listening", "money", "listening"] and pd.isna(got["kind"][3])
    assert (got["kind"] == "listening").tolist() == [True, False, True, False, False]
    assert got["ref"].dtype == np.float64 and got["ref"].isna().tolist() == [True, False, False, True, False]
    assert got["on"].tolist() == [pd.Timestamp(r[3]) for r in ROWS]
    assert got["note"].tolist()[1:4] == [r[4] for r in ROWS[1:4]] and got["note"].isna().tolist()[::4] == [True, True]
    assert got["flag"].tolist() == [r[5] for r in ROWS]


def test_an_empty_table_gives_typed_columns(table):
    engine, t = table
    with engine.connect() as con:
        got = st.read_table(con, t, COLUMNS)
    assert got.empty and list(got.columns) == list(COLUMNS)
    assert got["id"].dtype == np.int64 and got["ref"].dtype == np.float64
    assert got["on"].dtype.kind == "M" and isinstance(got["kind"].dtype, pd.CategoricalDtype)


def test_names_per_event_keeps_order_and_drops_repeats():
    """The vectorised join says exactly what a per-event join says."""
    rng = np.random.default_rng(3)
    names = {1: "Ama", 2: "Bo", 3: "Caz", 4: "Dev"}
    events, members = rng.integers(1, 40, 500), rng.integers(1, 5, 500)
    expected = pd.Series(members).map(names).groupby(events).agg(lambda s: ", ".join(dict.fromkeys(s)))
    assert st.names_per_event(events, members, names).sort_index().to_dict() == expected.to_dict()
    assert st.names_per_event(events[:0], members[:0], names).empty


def test_a_ledger_read_in_tiny_chunks_says_the_same(monkeypatch, tmp_path):
    """Chunked reading (for memory at scale) changes nothing, chunk boundaries included."""
    path = demo.write(tmp_path / "demo.sqlite")
    with Ledger.open(path) as whole:
        expected = whole.points(), whole.trust_over_time(), whole.events(), whole.participants(True)
    monkeypatch.setattr(st, "CHUNK_ROWS", 7)
    with Ledger.open(path) as chunked:
        got = chunked.points(), chunked.trust_over_time(), chunked.events(), chunked.participants(True)
    for a, b in zip(got, expected):
        pd.testing.assert_frame_equal(a, b)


def test_events_without_texts_are_the_events_with_their_texts_left_out(tmp_path):
    with Ledger.open(demo.write(tmp_path / "demo.sqlite")) as ledger:
        full, lean = ledger.events(include_private=True), ledger.events(texts=False)
    texts = ["recorded_at", "members", "data", "texts"]
    assert not set(texts) & set(lean.columns)
    pd.testing.assert_frame_equal(lean, full.drop(columns=texts))
