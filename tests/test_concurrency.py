"""Eight pages recording into one ledger at the same moment: every answer lands exactly once, the
rule checks stay atomic, and the scores are those of the same answers recorded one by one."""

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.levels.conflict import ConflictOpened

# Eight pages writing at once is the contention; how long each goes on adds little to it (each answer is a
# transaction of its own either way), and the serial reference run repeats all of them.
PROCESSES, EACH = 8, 150

# The work of one page; run in a child process as ``python -c WORKER path i``, and in this process
# (exec'd) for the serial reference run.
WORKER = '''
import datetime as dt
import sys

from microsolidarity_widgets import Ledger, LedgerError
from microsolidarity_widgets.levels.conflict import ConflictClosed
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money

CREW = ["Ama", "Bo", "Caz", "Dev", "Eve", "Fen", "Gus", "Hana"]
KINDS = ["perspective", "introduction", "encouragement", "other"]


def plan(i, j):
    """The j-th answer of page i: a listening round, a money round or a meeting, on a day of its own."""
    day = dt.date(2000, 1, 1) + dt.timedelta(days=i * 500 + j)
    a, b = CREW[(i + j) % 8], CREW[(i + j + 3) % 8]
    if j % 3 == 0:
        return Listening("Kestrels", day, present=CREW[: 2 + (i * 7 + j) % 7], everyone_listened=j % 5 != 0)
    if j % 3 == 1:
        return Money("Kestrels", day, speaker=a, offers=[(b, KINDS[j % 4])], asks=["a lift"] * (j % 2),
                     respectful=[b] * (i % 2))
    return Meeting("Kestrels", day, attended=CREW[(i + j) % 8:][:5])


def run(ledger, i, n, out=None):
    for j in range(n):
        event_id = ledger.record(plan(i, j))
        if out:
            print(event_id, flush=True)


def close_the_conflict(ledger, conflict_id):
    try:
        ledger.record(ConflictClosed(conflict_id, "2000-01-02", "resolved"))
        return "closed"
    except LedgerError as exc:
        return "refused: " + str(exc)


if __name__ == "__main__":
    path, i, n, conflict_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    ledger = Ledger.open(path)
    print("ready", flush=True)
    sys.stdin.readline()  # all pages start together
    print(close_the_conflict(ledger, conflict_id), flush=True)
    run(ledger, i, n, out=sys.stdout)
'''


def worker_namespace() -> dict:
    ns = {"__name__": "worker"}
    exec(WORKER, ns)
    return ns


def set_up(ledger: Ledger) -> int:
    ledger.add_group("Kestrels", worker_namespace()["CREW"], on="1999-01-01")
    return ledger.record(ConflictOpened("Kestrels", "2000-01-01", parties=["Ama", "Bo"]))


def comparable(points: pd.DataFrame) -> pd.DataFrame:
    """Awards without event ids (they differ between runs), in a fixed order."""
    cols = ["date", "group", "member", "level", "points", "reason"]
    return points[cols].sort_values(cols, kind="stable").reset_index(drop=True)


@pytest.mark.slow
def test_eight_pages_at_once_record_every_answer_exactly_once(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        conflict_id = set_up(ledger)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(i), str(EACH), str(conflict_id)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(PROCESSES)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0] * PROCESSES, [err[-2000:] for _, err in outs]

    lines = [out.splitlines() for out, _ in outs]
    closings = [ls[0] for ls in lines]
    # The "is it still open?" check and the insert are one transaction: exactly one page closed it.
    assert closings.count("closed") == 1, closings
    assert all(c == "closed" or c.endswith("The conflict between Ama and Bo opened on 2000-01-01 is already closed.") for c in closings), closings
    acked = [int(x) for ls in lines for x in ls[1:]]
    assert len(acked) == len(set(acked)) == PROCESSES * EACH

    with Ledger.open(path) as ledger:
        events = ledger.events()
        recorded = events[events["kind"].isin(["listening", "money", "meeting"])]
        assert len(recorded) == PROCESSES * EACH
        assert set(recorded["id"]) == set(acked)
        assert recorded["date"].is_unique  # each planned answer landed once: no duplicates
        expected_days = {pd.Timestamp(dt.date(2000, 1, 1) + dt.timedelta(days=i * 500 + j))  # as plan() dates them
                         for i in range(PROCESSES) for j in range(EACH)}
        assert set(recorded["date"]) == expected_days
        with ledger.store.read() as con:
            uids = con.execute(sa.select(sa.func.count(sa.distinct(st.events.c.uid)))).scalar()
            orphans = con.execute(sa.select(sa.func.count()).select_from(st.events).where(
                st.events.c.kind.in_(["listening", "money", "meeting"]),
                ~st.events.c.id.in_(sa.select(st.participants.c.event_id)))).scalar()
        assert uids == len(events) and orphans == 0
        concurrent = comparable(ledger.points())

    # The same answers, one after another, in one page.
    ns = worker_namespace()
    with Ledger.open(tmp_path / "serial.sqlite") as serial:
        serial_conflict = set_up(serial)
        assert ns["close_the_conflict"](serial, serial_conflict) == "closed"
        for i in range(PROCESSES):
            ns["run"](serial, i, EACH)
        pd.testing.assert_frame_equal(concurrent, comparable(serial.points()))
        assert concurrent["points"].abs().sum() > 10_000  # the comparison is of real scores
