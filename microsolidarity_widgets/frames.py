"""Reading the ledger's tables into compact pandas frames, column by column.

A congregation's whole history is read whenever it is scored, so this is the one place where a
million events cost seconds or minutes and hundreds of MB or gigabytes (benchmarks/scale.py).
The rows come from the driver's own cursor, a chunk at a time, and each chunk is turned into
numpy columns at once: only one chunk of Python objects ever waits, and the frame holds numbers.
Words that repeat (kinds, roles, outcomes) become categoricals and ISO dates are parsed once per
distinct day, not once per row.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import sqlalchemy as sa

CHUNK_ROWS = 200_000

# How each column is held:
#   id    integer, never empty                  -> int64
#   ref   integer or empty (a group, a voided event) -> float64 with NaN
#   word  one of a few texts (kind, role, outcome)   -> category
#   day   ISO date text "YYYY-MM-DD"              -> datetime64
#   text  free text                              -> str
#   flag  yes/no                                 -> bool
#   named JSON of named fields (an event's data, texts) -> dict, or None
ID, REF, WORD, DAY, TEXT, FLAG, NAMED = "id", "ref", "word", "day", "text", "flag", "named"


class _Column:
    """One column's chunks, converted as they arrive."""

    def __init__(self, how: str):
        self.how = how
        self.chunks: list[np.ndarray] = []
        self.words: dict[object, int] = {}  # each distinct value (word or day) and its code

    def add(self, values: np.ndarray) -> None:
        """Add one chunk of this column's values (an object array)."""
        if self.how == ID:
            self.chunks.append(values.astype(np.int64))
        elif self.how == REF:
            self.chunks.append(np.where(values == None, np.nan, values).astype(np.float64))  # noqa: E711 (elementwise)
        elif self.how == FLAG:
            self.chunks.append(values.astype(bool))
        elif self.how == NAMED:
            if any(v is not None and not isinstance(v, str) for v in values[:1000]):
                self.chunks.append(values)  # PostgreSQL's driver decoded the JSON already
                return
            # SQLite's gives the text. The same few facts repeat (an offer's kind, a crew's name) over
            # millions of rows: each distinct text is decoded once and its rows share the value (which
            # readers only read), instead of a dict per row.
            codes, uniques = pd.factorize(values)
            decoded = np.empty(len(uniques) + 1, dtype=object)  # the last slot: no fields (code -1)
            decoded[:-1] = [json.loads(u) for u in uniques]
            self.chunks.append(decoded[codes])
        elif self.how in (WORD, DAY):
            codes, uniques = pd.factorize(values)
            # this chunk's codes into the whole column's; the last slot keeps -1 (empty) as -1
            to_column = np.array([self.words.setdefault(u, len(self.words)) for u in uniques] + [-1], dtype=np.int32)
            self.chunks.append(to_column[codes])
        else:
            self.chunks.append(values)

    def finish(self) -> pd.api.extensions.ExtensionArray | np.ndarray:
        empty = {ID: np.int64, REF: np.float64, FLAG: bool, WORD: np.int32, DAY: np.int32, TEXT: object,
                 NAMED: object}[self.how]
        data = np.concatenate(self.chunks) if self.chunks else np.array([], dtype=empty)
        if self.how == WORD:
            return pd.Categorical.from_codes(data, categories=pd.Index(list(self.words), dtype=object))
        if self.how == DAY:
            days = pd.to_datetime(pd.Index([str(d) for d in self.words], dtype=object), format="%Y-%m-%d")
            return days.take(data, allow_fill=True, fill_value=pd.NaT).to_numpy()
        if self.how == TEXT:
            return pd.array(data, dtype="str")
        return data


def read_table(con: sa.Connection, table: sa.Table, columns: dict[str, str]) -> pd.DataFrame:
    """Every row of ``table`` in id order, the given columns held as ``columns`` says (see above).

    The query reads plain columns (no bound values, no type conversion), so the driver's own
    values are the right ones: SQLAlchemy's result rows would cost about twice the time.
    """
    query = sa.select(*(table.c[name] for name in columns)).order_by(table.c.id)
    compiled = str(query.compile(dialect=con.dialect))
    kept = [_Column(how) for how in columns.values()]
    cursor = con.connection.cursor()
    try:
        cursor.execute(compiled)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            table_chunk = np.empty((len(rows), len(kept)), dtype=object)
            table_chunk[:] = rows  # one C loop, where zip(*rows) builds a tuple per column value
            for i, column in enumerate(kept):
                column.add(table_chunk[:, i])
    except con.dialect.loaded_dbapi.Error as exc:
        # Past SQLAlchemy here, so wrap the driver's error as SQLAlchemy would: storage then
        # words it for the page (a damaged file, a busy or unreachable database).
        raise sa.exc.DBAPIError.instance(compiled, None, exc, con.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
    return pd.DataFrame({name: column.finish() for name, column in zip(columns, kept)})


def names_per_event(event_ids: np.ndarray, member_ids: np.ndarray, names: dict[int, str]) -> pd.Series:
    """Each event's members, in the order they took part, each once: "Ama, Bo" (indexed by event id).

    Built a rank at a time (every event's first member, then every second one, ...): a handful of
    vectorised passes instead of one Python join per event, which took seconds at a million events.
    """
    # Repeats (a speaker who also asked) found on one integer per (event, member): cheap to hash.
    event_ids, member_ids = np.asarray(event_ids, dtype=np.int64), np.asarray(member_ids, dtype=np.int64)
    first = ~pd.Series(event_ids * (int(member_ids.max(initial=0)) + 1) + member_ids).duplicated().to_numpy()
    ids, members = event_ids[first], member_ids[first]
    if len(ids) > 1 and not (ids[1:] >= ids[:-1]).all():  # rows come in event order unless built by hand
        order = np.argsort(ids, kind="stable")
        ids, members = ids[order], members[order]
    who = pd.Series(names, dtype=object).reindex(members).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], dtype=np.int64)
    event_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ids)]))
    rank = np.arange(len(ids)) - starts[event_of]
    joined = who[starts].copy()
    for k in range(1, int(rank.max(initial=0)) + 1):
        at = rank == k
        joined[event_of[at]] = joined[event_of[at]] + ", " + who[at]
    return pd.Series(joined, index=ids[starts], dtype=object)
