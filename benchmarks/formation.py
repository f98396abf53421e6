"""Crew formation: CP-SAT against greedy and random crews on the same generated pools.

For pools of 90 and 300 people (three pools each, seeded), the time to a suggestion (building the model
included, importing OR-Tools not), its score, the solver's proven bound and gap, and the score and broken
hard rules of a greedy and a random assignment of the same people. Targets: 90 people into crews of 5
within 2 s with the gap reported, 300 within 10 s.
"""

from __future__ import annotations

import random
import statistics
import time

from microsolidarity_widgets import formation as f

TAGS = ["gardening", "co-ops", "software", "care work", "teaching", "music", "housing", "food", "writing", "design",
        "health", "finance", "climate", "parenting", "research", "crafts", "law", "farming", "energy", "media"]
REGIONS = ["Lisbon", "Porto", "Madrid", "Paris", "Berlin"]
SIZES = {90: 2.0, 300: 10.0}   # people: wall-clock limit of the search (the target)
SMOKE_SIZES = {20: 2.0}


def pool(n: int, seed: int) -> list[f.Person]:
    """A congregation-like pool: a few popular evening slots, 1–3 interests, 0–2 people known well."""
    r = random.Random(seed)
    names = [f"Person {i:03d}" for i in range(n)]
    popular = r.sample(f.SLOTS, 6)
    people = []
    for i, name in enumerate(names):
        slots = set(r.sample(popular, r.randint(1, 3))) | set(r.sample(f.SLOTS, r.randint(0, 2)))
        knows = tuple(r.sample(names[:i], min(i, r.choice([0, 0, 1, 1, 2]))))
        people.append(f.Person(name, tuple(r.sample(TAGS, r.randint(1, 3))), tuple(s for s in f.SLOTS if s in slots),
                               r.choice(REGIONS), r.choice([None, 4, 5, 5, 6]), knows))
    return people


def measure(n: int, limit: float, seed: int) -> dict:
    people = pool(n, seed)
    rnd = f.Round(size=5, min_size=4, max_size=6, seed=seed, time_limit=limit, work=10_000)
    started = time.perf_counter()
    g = f.greedy(people, rnd)
    greedy_s = time.perf_counter() - started
    s = f.suggest(people, rnd)
    rc = f.random_crews(people, rnd, seed=seed)
    return {"people": n, "pool_seed": seed, "limit_s": limit, "seconds": round(s.seconds, 2), "status": s.status,
            "placed": sum(len(c.members) for c in s.crews), "crews": len(s.crews), "score": s.score, "bound": s.bound,
            "gap": None if s.gap is None else round(s.gap, 3),
            "broken_rules": len(f.violations(f.solution(s), people, rnd)),
            "greedy_score": f.score(g, people, rnd), "greedy_placed": sum(map(len, g)),
            "greedy_broken": len(f.violations(g, people, rnd)), "greedy_s": round(greedy_s, 3),
            "random_score": f.score(rc, people, rnd), "random_broken": len(f.violations(rc, people, rnd))}


def main() -> int:
    from ortools.sat.python import cp_model  # noqa: F401  (loaded before timing: a page loads it once)

    from .common import arguments, print_targets, save, table

    args = arguments(__doc__.splitlines()[0])
    sizes = SMOKE_SIZES if args.smoke else SIZES
    rows = [measure(n, limit, seed) for n, limit in sizes.items() for seed in (range(1) if args.smoke else range(3))]
    print("Formation: CP-SAT (score, proven bound and gap) against greedy and random crews on the same pools")
    table(rows, ["people", "pool_seed", "seconds", "status", "placed", "crews", "score", "bound", "gap",
                 "broken_rules", "greedy_score", "greedy_placed", "greedy_broken", "random_score", "random_broken"])
    targets = {}
    for n, limit in sizes.items():
        mine = [r for r in rows if r["people"] == n]
        targets[f"{n} people: a suggestion within {limit:g} s, every hard rule kept"] = all(
            r["seconds"] <= limit * 1.1 and r["status"] in ("optimal", "feasible") and r["broken_rules"] == 0
            for r in mine)
        targets[f"{n} people: at least as good as greedy"] = all(r["score"] >= r["greedy_score"] for r in mine)
        print(f"{n} people: median {statistics.median(r['seconds'] for r in mine):.2f} s, "
              f"median gap {statistics.median(r['gap'] for r in mine if r['gap'] is not None) if any(r['gap'] is not None for r in mine) else 'n/a'}")
    print_targets(targets)
    save("formation", {"smoke": args.smoke, "rows": rows, "targets": targets}, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
