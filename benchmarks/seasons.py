"""Seasons: the trust review and the printable season report of crews with four seasons of history each.

Each crew plays for two years through the workbook's own API (as the pages record): a listening round
and a meeting every week, a money round every month, two retrospectives a season (reflections from
every member, two topics, votes, two actions, reviewed at the next), and at each season's end the
decision to continue. Measured on that ledger: reading the review's data, building the review page,
where every crew is in its season (the crew page's section), the review's exports of one crew (its
season report among them) and the season report of every crew. Figures are seconds, each the median
of three runs after a first one that warms vl-convert and the caches.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta

CREWS, SEASONS = 6, 4
SMOKE_CREWS, SMOKE_SEASONS = 1, 1
START = dt.date(2024, 1, 1)
MEMBERS = ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay"]
OFFERS = ["perspective", "process or productivity idea", "introduction", "encouragement", "other"]


def play(ledger, crew: str, seasons: int) -> None:
    """``seasons`` seasons of six months for ``crew``, each ending with the decision to continue."""
    from microsolidarity_widgets.levels.consistency import Meeting
    from microsolidarity_widgets.levels.listening import Listening
    from microsolidarity_widgets.levels.money import Money
    from microsolidarity_widgets.seasons import (Action, ActionReviewed, Reflection, Retrospective, Reveal, Season,
                                                 Topic, Vote, decide)

    members = [f"{name} {crew}" for name in MEMBERS]
    ledger.add_group(crew, members, kind="crew", on=START)
    ledger.record(Season(crew, START))
    open_actions: list[int] = []
    for season in range(seasons):
        start = START + relativedelta(months=6 * season)
        end = start + relativedelta(months=6)
        day = start + dt.timedelta(days=3)
        retro_days = [start + relativedelta(months=3), end]
        while day < end:
            ledger.record(Listening(crew, day, present=members[:5], everyone_listened=True))
            ledger.record(Meeting(crew, day, attended=members[(day.day % 3):]))
            if day.day <= 7:  # the first week of each month
                speaker = members[day.month % len(members)]
                offerers = [m for m in members if m != speaker][:3]
                ledger.record(Money(crew, day, speaker=speaker, asks=["a lift to the market"],
                                    offers=[(m, OFFERS[i]) for i, m in enumerate(offerers)], respectful=offerers[:1]))
            day += dt.timedelta(days=7)
        for retro_day in retro_days:
            retro = ledger.record(Retrospective(crew, retro_day))
            for action in open_actions:
                ledger.record(ActionReviewed(action, retro_day, action % 2 == 0))
            said = [ledger.record(Reflection(retro, m, ("working", "better", "change")[i % 3],
                                             f"What {m} saw this quarter")) for i, m in enumerate(members)]
            ledger.record(Reveal(retro))
            topics = [ledger.record(Topic(retro, tuple(said[:3]), "Meeting on time")),
                      ledger.record(Topic(retro, tuple(said[3:]), "More money rounds"))]
            for i, m in enumerate(members):
                ledger.record(Vote(topics[i % 2], m, 1))
            open_actions = [ledger.record(Action(retro, members[i], retro_day + relativedelta(months=1),
                                                 f"Action {i} of {retro_day}")) for i in range(2)]
        if season < seasons - 1:
            decide(ledger, crew, end, "continue")


def median_time(run, repeats: int = 3) -> float:
    run()  # warm: vl-convert's first call starts its engine
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def measure(path: Path, crews: int, seasons: int, repeats: int = 3) -> dict:
    from microsolidarity_widgets import Ledger, export
    from microsolidarity_widgets.apps.review import ReviewApp
    from microsolidarity_widgets.review import ReviewData, Selection
    from microsolidarity_widgets.seasons import standings

    with Ledger.open(path) as ledger:
        started = time.perf_counter()
        for n in range(crews):
            play(ledger, f"Crew {n + 1}", seasons)
        made = time.perf_counter() - started
        events = len(ledger.events(texts=False))
        on = START + relativedelta(months=6 * seasons)
        data = ReviewData.load(ledger)
        report = export.season_report(ledger, on=on, data=data)
        return {
            "crews": crews, "seasons": seasons, "events": events, "record_s": round(made, 1),
            "review_data_s": median_time(lambda: ReviewData.load(ledger), repeats),
            "review_page_s": median_time(lambda: ReviewApp(ledger), repeats),
            "standings_s": median_time(lambda: standings(ledger, on), repeats),
            "one_crew_exports_s": median_time(lambda: export.review_files(ledger, data, Selection(groups=("Crew 1",))),
                                              repeats),
            "season_report_s": median_time(lambda: export.season_report(ledger, on=on, data=data), repeats),
            "report_pages": len(re.findall(r'<section class="crew"', report)),
            "report_charts": report.count("<svg"),
        }


def main() -> int:
    from .common import arguments, print_targets, save, table

    args = arguments(__doc__.splitlines()[0])
    crews, seasons = (SMOKE_CREWS, SMOKE_SEASONS) if args.smoke else (CREWS, SEASONS)
    work = Path(tempfile.mkdtemp(prefix="bench-seasons-"))
    try:
        row = measure(work / "ledger.sqlite", crews, seasons, 1 if args.smoke else 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    targets = {"the season report has a page per crew": row["report_pages"] == crews,
               "and four charts on each": row["report_charts"] == 4 * crews}
    print(f"Seasons: {crews} crew(s) of {len(MEMBERS)} with {seasons} season(s) each; seconds, median of "
          f"{'one run (smoke)' if args.smoke else 'three'}")
    table([row], list(row))
    print_targets(targets)
    save("seasons", {"smoke": args.smoke, "rows": [row], "targets": targets}, args.results)
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
