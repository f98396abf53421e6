"""Scale: ledgers of 10k, 100k and 1M events; time to open, score and build the review's chart data.

Each size is measured in fresh processes (one for the floor, one for the ledger), so each peak
memory (ru_maxrss) is its own. Beside the
ledger's numbers, the floor: reading the raw events and participants tables into pandas, which
no computation over the whole history can avoid. Targets at 1M events: points() and the chart
data each <= 2x the floor, peak memory < 1 GB, cost growing about linearly.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

SIZES = [10_000, 100_000, 1_000_000]
SMOKE_SIZES = [2_000]
FLOOR_FACTOR = 2.0
MEMORY_LIMIT_MB = 1024
MONTHS = 48
START = dt.date(2022, 1, 1)
OFFERS = ["perspective", "process or productivity idea", "introduction", "encouragement", "other"]


def generate(path: Path, n_events: int, seed: int = 5) -> None:
    """A congregation of crews and partnerships playing for four years, written in bulk.

    Per crew and month: a listening round, a hosting, a meeting, and every other month a money
    round; per partnership a monthly meeting; now and then a conflict, a venture or a void.
    """
    from microsolidarity_widgets import Ledger
    from microsolidarity_widgets import storage as st

    rng = np.random.default_rng(seed)
    Ledger.open(path).close()  # the schema, exactly as the workbook creates it
    per_crew = MONTHS * 3.6 + 1
    n_crews = max(2, int(n_events * 0.8 / per_crew))
    n_pairs = max(1, int(n_events * 0.2 / (MONTHS + 1)))
    engine = sa.create_engine(f"sqlite:///{path}")
    events, parts = [], []
    next_id = 1
    member_id = 0

    def event(kind, group, day, **cols):
        nonlocal next_id
        on = (START + dt.timedelta(days=int(day))).isoformat()
        events.append({"id": next_id, "uid": f"b{next_id}", "kind": kind, "group_id": group, "on_date": on,
                       "recorded_at": on + "T20:00:00+00:00", "ref_id": cols.get("ref_id"),
                       "outcome": cols.get("outcome"), "data": cols.get("data"), "texts": cols.get("texts"),
                       "private": cols.get("private", False)})
        next_id += 1
        return next_id - 1

    def part(event_id, member, role, data=None):
        parts.append({"event_id": event_id, "member_id": int(member), "role": role, "data": data, "texts": None})

    with engine.begin() as con:
        groups, members = [], []
        for g in range(1, n_crews + n_pairs + 1):
            crew = g <= n_crews
            groups.append({"id": g, "name": f"{'Crew' if crew else 'Pair'} {g}", "name_key": f"g{g}",
                           "kind": "crew" if crew else "partnership"})
        for g in groups:
            size = int(rng.integers(4, 9)) if g["kind"] == "crew" else 2
            roster = list(range(member_id + 1, member_id + size + 1))
            member_id += size
            members += [{"id": m, "name": f"Member {m}", "name_key": f"m{m}"} for m in roster]
            gid = g["id"]
            created = event("group_created", gid, 0, data={"group_kind": g["kind"]})
            for m in roster:
                part(created, m, "member")
            for month in range(MONTHS):
                day = month * 30.4 + int(rng.integers(0, 20))
                attended = [m for m in roster if rng.random() > 0.2] or roster[:1]
                meeting = event("meeting", gid, day + 5)
                for m in attended:
                    part(meeting, m, "attended")
                if g["kind"] != "crew":
                    continue
                listening = event("listening", gid, day, outcome="listened" if rng.random() > 0.15 else "not_listened")
                for m in attended:
                    part(listening, m, "present")
                hosting = event("hosting", gid, day)
                for role, m in zip(("facilitator", "timekeeper", "note_taker"), rng.choice(roster, 3, replace=False)):
                    part(hosting, m, role)
                if month % 2 == 0 and len(attended) >= 2:
                    money = event("money", gid, day + 1, private=True)
                    speaker, *others = attended
                    part(money, speaker, "speaker")
                    for m in others[:2]:
                        part(money, m, "offer", {"offer_kind": OFFERS[int(rng.integers(0, len(OFFERS)))]})
                        part(money, m, "respectful")
                    part(money, speaker, "ask")
                    for m in attended:
                        part(money, m, "present")
                if month % 12 == 6:
                    opened = event("conflict_opened", gid, day + 2, private=True)
                    for m in roster[:2]:
                        part(opened, m, "party")
                    event("conflict_closed", gid, day + 20, ref_id=opened,
                          outcome="resolved" if rng.random() > 0.3 else "unresolved")
                if month == 30:
                    venture = event("venture", gid, day + 3, data={"name": f"Venture {gid}", "form": "savings pool"})
                    for m in roster[:2]:
                        part(venture, m, "owner")
                if month % 16 == 3:
                    event("void", None, day + 4, ref_id=listening, texts={"reason": "entered twice"})
            if len(events) > 50_000 or g is groups[-1]:
                con.execute(sa.insert(st.events), events)
                con.execute(sa.insert(st.participants), parts)
                events.clear()
                parts.clear()
        con.execute(sa.insert(st.groups), groups)
        con.execute(sa.insert(st.members), members)
    engine.dispose()


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def timed(action):
    started = time.perf_counter()
    value = action()
    return value, round(time.perf_counter() - started, 3)


def measure_floor(path: Path) -> dict:
    """In its own process: read both raw tables whole, as any computation over the history must."""
    import pandas as pd

    from microsolidarity_widgets import storage as st

    def read():
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as con:
            frames = pd.read_sql(sa.select(st.events), con), pd.read_sql(sa.select(st.participants), con)
        engine.dispose()
        return frames

    (events, parts), floor_s = timed(read)
    return {"events": len(events), "participants": len(parts), "floor_s": floor_s, "floor_peak_mb": peak_mb()}


def measure_ledger(path: Path) -> dict:
    """In its own process: what the workbook does, and the peak memory it needs for it.

    Each result is let go before the next step, as a page keeps what it shows rather than every
    frame it made on the way; the peak is the highest any one step needed.
    """
    from microsolidarity_widgets import Ledger, charts, review

    def seconds(action) -> float:
        return timed(action)[1]

    ledger, open_s = timed(lambda: Ledger.open(path))
    points_s = seconds(ledger.points)
    trust_s = seconds(ledger.trust_over_time)
    ledger.close()
    del ledger  # the review below starts from nothing, as a review page's kernel does

    def chart_data():
        with Ledger.open(path) as fresh:  # nothing cached: the review page reads everything itself
            return charts.review_charts(review.ReviewData.load(fresh), review.Selection())

    charts_s = seconds(chart_data)
    return {"open_s": open_s, "points_s": points_s, "trust_over_time_s": trust_s, "chart_data_s": charts_s,
            "peak_mb": peak_mb()}


def in_subprocess(what: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.scale", what, str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    from .common import arguments, print_targets, save, table

    args = arguments(__doc__.splitlines()[0])
    sizes = SMOKE_SIZES if args.smoke else SIZES
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    rows = []
    try:
        for size in sizes:
            path = work / f"ledger-{size}.sqlite"
            started = time.perf_counter()
            generate(path, size)
            made = time.perf_counter() - started
            # Small sizes take a fraction of a second, where start-up noise decides: the median of three.
            runs = [{**in_subprocess("--floor", path), **in_subprocess("--ledger", path)}
                    for _ in range(3 if size < 1_000_000 else 1)]
            row = {key: sorted(run[key] for run in runs)[len(runs) // 2] for key in runs[0]}
            row["generate_s"] = round(made, 1)
            row["points/floor"] = round(row["points_s"] / row["floor_s"], 2)
            row["charts/floor"] = round(row["chart_data_s"] / row["floor_s"], 2)
            rows.append(row)
            path.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    big = rows[-1]
    targets = {
        "points <= 2x floor": big["points/floor"] <= FLOOR_FACTOR,
        "chart data <= 2x floor": big["charts/floor"] <= FLOOR_FACTOR,
        "peak < 1 GB": big["peak_mb"] < MEMORY_LIMIT_MB,
    }
    if len(rows) > 1:
        # Cost per event at the largest size against the smallest: ~1 means linear.
        growth = (big["points_s"] / big["events"]) / (rows[0]["points_s"] / rows[0]["events"])
        targets["about linear (points cost/event, largest vs smallest <= 2)"] = growth <= 2
    print("Scale: seconds (and peak MB), one process per size")
    table(rows, ["events", "participants", "floor_s", "open_s", "points_s", "trust_over_time_s", "chart_data_s",
                 "points/floor", "charts/floor", "peak_mb", "floor_peak_mb"])
    print_targets(targets, f" (at {big['events']:,} events)")
    save("scale", {"smoke": args.smoke, "rows": rows, "targets": targets}, args.results)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--floor"]:
        print(json.dumps(measure_floor(Path(sys.argv[2]))))
    elif sys.argv[1:2] == ["--ledger"]:
        print(json.dumps(measure_ledger(Path(sys.argv[2]))))
    else:
        raise SystemExit(main())
