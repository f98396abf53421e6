"""A fictional congregation to learn the workbook with, and to test it against.

    python -m microsolidarity_widgets.demo [PATH]      # default: data/demo.sqlite

Deterministic (seeded): the same ledger every time. It never writes to ``data/ledger.sqlite``
unless that path is given explicitly. Everyone here is made up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from dateutil.relativedelta import relativedelta

from .errors import LedgerError
from .ledger import Ledger
from .levels.co_owners import Venture
from .levels.conflict import ConflictClosed, ConflictOpened
from .levels.consistency import Meeting
from .levels.listening import Listening
from .levels.money import Money

SEED = 20250301
START = dt.date(2025, 3, 1)
MONTHS = 20  # March 2025 to October 2026

CREWS = {
    "Kestrels": ["Ama", "Bo", "Caz", "Dev"],
    "Herons": ["Fen", "Gus", "Hana", "Ines", "Joss", "Kofi"],
    "Otters": ["Lior", "Mina", "Noor", "Oren", "Pia"],
    "Wrens": ["Rafa", "Sol", "Tam"],
}
CREW_START = {"Wrens": 6}  # months after START: not every crew starts on day one
PARTNERSHIPS = {"Ama+Bo": ["Ama", "Bo"], "Fen+Gus": ["Fen", "Gus"], "Mina+Noor": ["Mina", "Noor"]}
LATE_JOINERS = [("Kestrels", "Eve", dt.date(2025, 9, 1)), ("Otters", "Quinn", dt.date(2026, 1, 15))]
OFFER_KINDS = ["perspective", "process or productivity idea", "introduction", "encouragement", "other"]
ASKS = ["an introduction to a co-op lawyer", "feedback on a pricing plan", "a reader for a grant draft",
        "help moving house", "a contact at the library", "a second opinion on a job offer"]
PROCESSES = ["Feelz Circle", "Care Pod", "Stewardship", "The Elephants"]


def month(n: int, day: int = 1) -> dt.date:
    return START + relativedelta(months=n, day=day)


def build(ledger: Ledger, seed: int = SEED) -> dict[str, int]:
    """Play twenty months of the game into an empty ledger; returns a few notable event ids."""
    rng = random.Random(seed)
    notable: dict[str, int] = {}
    for name, members in CREWS.items():
        ledger.add_group(name, members, kind="crew", on=month(CREW_START.get(name, 0)))
    for name, members in PARTNERSHIPS.items():
        ledger.add_group(name, members, kind="partnership", on=START)
    ledger.record_agreements("Kestrels", START, "What is said here stays here. No cross-talk during rounds; "
                             "questions after, with permission.")
    joiners = {(g, n): d for g, n, d in LATE_JOINERS}

    for n in range(MONTHS):
        for crew, founders in CREWS.items():
            if n < CREW_START.get(crew, 0):
                continue
            joined = [m for (g, m), d in joiners.items() if g == crew and d <= month(n, 10)]
            roster = founders + joined
            for g, m in joiners:
                if g == crew and month(n, 1) <= joiners[(g, m)] < month(n + 1, 1):
                    ledger.add_member(crew, m, on=joiners[(g, m)])
            day = 4 + list(CREWS).index(crew)
            hosts = rng.sample(roster, 3)
            ledger.record_hosting(crew, month(n, day), *hosts)
            present = sorted(rng.sample(roster, rng.randint(max(2, len(roster) - 2), len(roster))))
            ledger.record(Listening(crew, month(n, day), present=present, everyone_listened=rng.random() > 0.15))
            if n >= 2 and n % 2 == 0:
                speaker = rng.choice(present)
                others = [m for m in present if m != speaker]
                offers = [(m, rng.choice(OFFER_KINDS)) for m in rng.sample(others, rng.randint(1, min(3, len(others))))]
                asks = rng.sample(ASKS, rng.randint(0, 2))
                respectful = sorted({m for m, _ in offers if rng.random() > 0.2})
                ledger.record(Money(crew, month(n, day + 7), speaker=speaker, offers=offers, asks=asks,
                                    respectful=respectful, present=present))
            if n >= 3:
                attended = sorted(m for m in roster if rng.random() > 0.2) or roster[:1]
                ledger.record(Meeting(crew, month(n, day + 14), attended=attended,
                                      process=PROCESSES[list(CREWS).index(crew)]))
        for pair, people in PARTNERSHIPS.items():
            attended = [m for m in people if rng.random() > 0.15]
            ledger.record(Meeting(pair, month(n, 20), attended=attended))

    cid = ledger.record(ConflictOpened("Kestrels", month(4, 12), parties=["Bo", "Dev"]))
    ledger.record(ConflictClosed(cid, month(5, 2), outcome="resolved"))
    cid = ledger.record(ConflictOpened("Herons", month(8, 9), parties=["Hana", "Joss"]))
    ledger.record(ConflictClosed(cid, month(10, 9), outcome="unresolved"))
    notable["unresolved_conflict"] = cid
    notable["open_conflict"] = ledger.record(ConflictOpened("Otters", month(18, 14), parties=["Lior", "Pia"]))
    ledger.record(Venture("Kestrels", month(14, 1), name="Kestrel Pod", form="livelihood pod", owners=["Ama", "Caz"]))
    ledger.record(Venture("Herons", month(16, 20), name="Heron Savings Circle", form="savings pool",
                          owners=["Fen", "Gus", "Ines"]))
    twice = ledger.record(Listening("Otters", month(6, 6), present=["Lior", "Mina", "Noor"]))
    ledger.void(twice, reason="entered twice", on=month(6, 7))
    notable["voided"] = twice
    return notable


def write(path: str | Path, seed: int = SEED, force: bool = False) -> Path:
    """Write the demo ledger to a new file (refuses to touch an existing one unless ``force``)."""
    path = Path(path)
    if path.exists():
        if not force:
            raise LedgerError(f"{path} already exists; pass --force to replace it.")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    with Ledger.open(path) as ledger:
        build(ledger, seed)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m microsolidarity_widgets.demo",
                                     description="Write a fictional demo ledger (deterministic).")
    parser.add_argument("path", nargs="?", default="data/demo.sqlite", help="where to write it (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    args = parser.parse_args(argv)
    try:
        path = write(args.path, force=args.force)
    except LedgerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Demo ledger written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
