"""A crew formation round: suggest crews for a congregation's pool with OR-Tools CP-SAT.

Plain Python (no widgets, no ledger): the people of the round and the round's settings go in, a
``Suggestion`` comes out. The congregation module feeds it from the ledger and records the crews.

Hard constraints (a suggestion never breaks them):
- every crew's size is within the round's range (docs/rules.md allows 3–8; the default range is 4–6 around 5);
- every crew shares at least one weekly slot when all of its members can meet;
- at most one pair of people who already know each other well per crew (either of them saying so counts);
- pairs pinned together share a crew, pairs pinned apart do not;
- when the round keeps last season's crews apart (``Round.keep_apart``), no crew holds every one of a
  previous crew's members who are in the round (two or more of them).
People who shared a crew last season (``Round.last_season``) count as knowing each other well unless the
round says otherwise (``Round.history``, or a pair in ``Round.new_to_each_other``): see ``with_history``.
Whoever cannot be placed without breaking one of them is left out with a plain reason.

Soft goals, in the objective (``score``): interests shared by two or more in a crew (+3 a tag) and the
variety a crew brings (+1 a tag), one region per crew (−4 for each extra region), and crew sizes near
what each person asked for (−2 per person per seat away; the round's size for those who did not say).
Placing a person outweighs all of them (+1000 each), so nobody is left out for a better mix.

How: a pool of up to 40 people is one CP-SAT model (small ones are proven optimal). A larger pool
starts from greedy crews (``greedy``, or greedy region by region when that places more); CP-SAT
re-forms two or three crews at a time while someone who could be placed is left out; then simulated
annealing (``_anneal``) moves and swaps single people between crews, taking some changes for the worse
while it is hot, and the best crews it saw are polished by the best move or swap for each person
(``_improve``); the annealing and the polish run at once in a forked copy of the process per core, each with
a seed of its own, and the best crews are kept (``_search``). One model of the whole pool was too slow to build and search (90 people: no better than
greedy in 2 s), and the neighbourhood search that re-formed crews with CP-SAT for the whole time did
worse in 20 s than the annealing in 2 (README, "Formation figures").

The bound: ``upper_bound`` is the lower of two bounds for any crews keeping the rules, whatever the
search did (for a whole-pool model the solver's own bound is used when it is lower): ``_share_bound``
splits every crew's score among its members and bounds each person's share from what they could have in
common with people who share a slot with them (and a region, or the crew pays for a second one), with
crew sizes that add up; ``_pairing_bound`` bounds each term on its own over the whole pool. ``gap`` is
measured against it, so it is a real, proven gap. It is still large on the benchmark's pools (32–55 %):
both bounds look at one person or one interest at a time, and assume everyone's interests can be paired
off at once, which crews of five with one to three interests each rarely allow. The bound that would see
that, the linear relaxation of choosing crews from all possible crews (column generation), needs the best
crew for given prices, which CP-SAT could not prove in a second even for one slot's 25–41 people: it was
tried, and left out (README, "Formation figures").

The same people, settings and seed give the same suggestion: the search uses a fixed number of
workers (interleaved when more than one), a fixed random seed and a deterministic time limit (a measure
of work done, not of seconds; for the neighbourhood search, the sum over its steps; for the annealing, a
number of draws). The wall-clock limit is a safety net (the moves and swaps, too, run in an order drawn from the seed and stop after a
fixed number of passes): when it cuts a search short on a loaded machine, the answer is the best found by
then, and when the search could not run at all the greedy crews (which keep every hard rule), polished
by moves and swaps, are returned, marked "greedy". The search starts from those greedy crews and
returns the best crews it saw, so it is never worse than them. A page that must answer in a few seconds
whatever the load asks for ``work=math.inf``: the wall-clock limit is then the budget, and the annealing
cools over it (the answer then depends on the machine's speed, not only on the seed).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import operator
import os
import random
import re
import select
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .errors import LedgerError
from .values import name_key

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("morning", "afternoon", "evening")
SLOTS = tuple(f"{d} {p}" for d in DAYS for p in PARTS)
CREW_RANGE = (3, 8)  # docs/rules.md
DEFAULT_SIZE, DEFAULT_RANGE = 5, (4, 6)

PLACED, SHARED_TAG, TAG, EXTRA_REGION, SEAT_AWAY = 1000, 3, 1, -4, -2

_DAY_WORDS = {**{d.lower(): d for d in DAYS}, **{n.lower(): d for n, d in zip(DAY_NAMES, DAYS)},
              "tues": "Tue", "weds": "Wed", "thur": "Thu", "thurs": "Thu"}
_PART_WORDS = {p: p for p in PARTS} | {p + "s": p for p in PARTS} | {"am": "morning", "pm": "afternoon",
                                                                     "night": "evening", "nights": "evening"}


def parse_slot(text: object) -> str:
    """One weekly slot in its usual form ("Tue evening"), from "tuesday evenings", "TUE-evening", …"""
    if not isinstance(text, str):
        raise LedgerError(f"A weekly slot is text such as “Tue evening”, not {type(text).__name__}.")
    words = [w for w in re.split(r"[\s\-_/]+", text.strip().lower()) if w]
    if len(words) == 2 and words[0] in _DAY_WORDS and words[1] in _PART_WORDS:
        return f"{_DAY_WORDS[words[0]]} {_PART_WORDS[words[1]]}"
    shown = text.strip()[:30]
    raise LedgerError(f"“{shown}” is not a weekly slot we know: write a day and a part of the day, "
                      "such as “Tue evening” or “Saturday morning”.")


def parse_slots(value: object) -> tuple[str, ...]:
    """Slots from a list or from text separated by ; or , (a form's export), in week order, once each."""
    items = re.split(r"[;,\n]", value) if isinstance(value, str) else list(value or ())
    found = {parse_slot(s) for s in items if not (isinstance(s, str) and not s.strip())}
    return tuple(s for s in SLOTS if s in found)


def slot_words(slot: str) -> str:
    """“Tue evening” → “Tuesday evenings”, as an explanation says it."""
    day, part = slot.split()
    return f"{DAY_NAMES[DAYS.index(day)]} {part}s"


@dataclass(frozen=True)
class Person:
    """What one person of the pool said about themselves (all of it optional but the name)."""

    name: str
    work: tuple[str, ...] = ()        # meaningful work, a few words or tags
    slots: tuple[str, ...] = ()       # weekly slots they can meet, as parse_slot gives them
    region: str | None = None         # region or time zone
    size: int | None = None           # preferred crew size
    knows: tuple[str, ...] = ()       # people of the pool they already know well


@dataclass(frozen=True)
class Round:
    """One formation round's settings, set by the facilitator."""

    size: int = DEFAULT_SIZE
    min_size: int = DEFAULT_RANGE[0]
    max_size: int = DEFAULT_RANGE[1]
    together: tuple[tuple[str, str], ...] = ()
    apart: tuple[tuple[str, str], ...] = ()
    seed: int = 0
    # Deterministic seconds of search (a measure of work, so the answer does not depend on the load);
    # the wall-clock limit is only a safety net.
    work: float = 1.0
    time_limit: float = 10.0
    workers: int = 1
    # Last season's crews (their members' names; docs/rules.md, "Crew formation"): people who shared one
    # count as knowing each other well (``history``), unless the facilitator marks them new to each other;
    # with ``keep_apart`` no crew holds all of a previous crew's members who are in the round.
    last_season: tuple[tuple[str, ...], ...] = ()
    history: bool = True
    new_to_each_other: tuple[tuple[str, str], ...] = ()
    keep_apart: bool = False
    # How many processes anneal at once, each from the same crews with a seed of its own, the best crews
    # kept (``_search``); 0: one for each core this process may use, up to ``PROCESSES``.
    processes: int = 0

    def check(self) -> None:
        low, high = CREW_RANGE
        for what, value in (("smallest crew size", self.min_size), ("largest crew size", self.max_size),
                            ("crew size", self.size)):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise LedgerError(f"The {what} must be a whole number from {low} to {high}; got {value!r}.")
        if not self.min_size <= self.size <= self.max_size:
            raise LedgerError(f"The crew size {self.size} must lie within the range {self.min_size}–{self.max_size}.")
        self.check_pins()

    def check_pins(self) -> None:
        """Refuse pins no crews could keep (a page checks each pin as it is added)."""
        for a, b in itertools.chain(self.together, self.apart):
            if name_key(a) == name_key(b):
                raise LedgerError(f"A pin joins two different people; {a} is pinned to themselves.")
        # Pins together chain (A–B and B–C put A and C in one crew), so a pin apart can contradict them
        # through a third person: no crews could keep both, and the solver must not be asked.
        pairs_together = {frozenset(map(name_key, p)) for p in self.together}
        typed: dict[str, str] = {}  # each person as first typed in a pin
        for n in itertools.chain.from_iterable(self.together):
            typed.setdefault(name_key(n), n)
        groups = _clusters(sorted(typed), [tuple(map(name_key, p)) for p in self.together])
        cluster = {k: group for group in groups for k in group}
        for a, b in self.apart:
            ka, kb = name_key(a), name_key(b)
            if frozenset((ka, kb)) in pairs_together:
                raise LedgerError(f"{a} and {b} are pinned both together and apart; remove one of the two pins.")
            if kb in cluster.get(ka, ()):
                joined = ", ".join(typed[k] for k in cluster[ka])
                raise LedgerError(f"{a} and {b} are pinned apart, but the pins together put {joined} in one crew; "
                                  "remove one of those pins.")


@dataclass
class Crew:
    members: list[str]
    slots: list[str]               # slots every member can meet
    shared: list[str]              # interests two or more of them share
    brings: list[str]              # interests only one of them brings
    regions: list[str]
    known_pair: tuple[str, str] | None
    why: str = ""


@dataclass
class Suggestion:
    crews: list[Crew]
    unplaced: dict[str, str]       # name → why they could not be placed
    score: int                     # the soft objective of these crews (see ``score``)
    bound: int | None              # a proven upper bound of that score (see ``upper_bound``; None: not solved)
    status: str                    # "optimal", "feasible", "greedy" (solver out of time), "not solved"
    seconds: float
    round: Round = field(default_factory=Round)

    @property
    def gap(self) -> float | None:
        """Proven distance between this score and the best one possible, as a share of the proven
        bound (0.0: optimal). None when the solver did not run."""
        if self.bound is None:
            return None
        return max(0, self.bound - self.score) / max(1, abs(self.bound))

    def crew_of(self, name: str) -> int | None:
        key = name_key(name)
        return next((i for i, c in enumerate(self.crews) if key in {name_key(m) for m in c.members}), None)


@dataclass(frozen=True)
class Progress:
    """How far a search has got, for a page to show while it works: the share of its time (or work)
    spent, and the best crews so far (their number, how many people they place, their score)."""

    done: float
    crews: int
    placed: int
    score: int


# --- the objective, for any assignment (the solver's, a greedy one, a random one) ---------------


def crew_score(members: list[Person], target: int) -> int:
    tags = Counter(t for p in members for t in {name_key(w) for w in p.work})
    regions = {name_key(p.region) for p in members if p.region}
    seats = sum(abs(len(members) - (p.size or target)) for p in members)
    return (SHARED_TAG * sum(1 for n in tags.values() if n >= 2) + TAG * len(tags)
            + EXTRA_REGION * max(0, len(regions) - 1) + SEAT_AWAY * seats)


def score(crews: list[list[str]], people: list[Person], rnd: Round = Round()) -> int:
    """The soft objective of crews given by names (placement not counted)."""
    by = {name_key(p.name): p for p in people}
    return sum(crew_score([by[name_key(n)] for n in c], rnd.size) for c in crews)


def violations(crews: list[list[str]], people: list[Person], rnd: Round = Round()) -> list[str]:
    """Every hard constraint the crews break, in words (empty: none)."""
    rnd = _present(people, rnd)
    people = with_history(people, rnd)
    by = {name_key(p.name): p for p in people}
    where = {name_key(n): i for i, c in enumerate(crews) for n in c}
    out = []
    for i, names in enumerate(crews, 1):
        members = [by[name_key(n)] for n in names]
        if not rnd.min_size <= len(members) <= rnd.max_size:
            out.append(f"crew {i} has {len(members)} people, outside {rnd.min_size}–{rnd.max_size}")
        if members and not set.intersection(*(set(p.slots) for p in members)):
            out.append(f"crew {i} shares no weekly slot")
        if len(known_pairs(members)) > 1:
            out.append(f"crew {i} holds {len(known_pairs(members))} pairs who already know each other well")
    for whole in _whole_crews(people, rnd):
        shared = {where.get(name_key(people[p].name)) for p in whole}
        if len(shared) == 1 and None not in shared:
            names = ", ".join(sorted((people[p].name for p in whole), key=name_key))
            out.append(f"crew {shared.pop() + 1} re-forms last season's crew of {names}")
    for a, b in rnd.together:
        if where.get(name_key(a)) != where.get(name_key(b)):  # both left out keeps the pin too
            out.append(f"{a} and {b} are pinned together but not in one crew")
    for a, b in rnd.apart:
        if name_key(a) in where and where.get(name_key(a)) == where.get(name_key(b)):
            out.append(f"{a} and {b} are pinned apart but share crew {where[name_key(a)] + 1}")
    return out


def known_pairs(members: list[Person]) -> list[tuple[str, str]]:
    keys = {name_key(p.name): p.name for p in members}
    pairs = set()
    for p in members:
        for k in p.knows:
            if name_key(k) in keys and name_key(k) != name_key(p.name):
                pairs.add(tuple(sorted((p.name, keys[name_key(k)]), key=name_key)))
    return sorted(pairs)


def with_history(people: list[Person], rnd: Round) -> list[Person]:
    """The people as the round sees them: with ``rnd.history``, each also knows well whoever shared a crew
    of last season with them (both in ``people``), except the pairs the facilitator marked new to each other."""
    if not rnd.history or not rnd.last_season:
        return list(people)
    fresh = {frozenset(map(name_key, pair)) for pair in rnd.new_to_each_other}
    spelled = {name_key(p.name): p.name for p in people}
    mates: dict[str, set[str]] = {}
    for crew in rnd.last_season:
        here = {name_key(n) for n in crew if name_key(n) in spelled}
        for a in here:
            mates.setdefault(a, set()).update(b for b in here if b != a and frozenset((a, b)) not in fresh)
    out = []
    for p in people:
        known = {name_key(k) for k in p.knows}
        extra = tuple(spelled[b] for b in sorted(mates.get(name_key(p.name), ())) if b not in known)
        out.append(replace(p, knows=p.knows + extra) if extra else p)
    return out


def _present(people: list[Person], rnd: Round) -> Round:
    """The round with last season's crews cut down to their members in ``people`` (the still-present ones,
    whom the rule of not re-forming a crew whole is about)."""
    keys = {name_key(p.name) for p in people}
    return replace(rnd, last_season=tuple(c for c in (tuple(n for n in crew if name_key(n) in keys)
                                                      for crew in rnd.last_season) if c))


def _whole_crews(people: list[Person], rnd: Round) -> list[frozenset[int]]:
    """With ``rnd.keep_apart``: last season's crews of two or more, all of whose members are in ``people``
    (as indices into it); no crew of the round may hold one of them whole."""
    if not rnd.keep_apart:
        return []
    idx = {name_key(p.name): i for i, p in enumerate(people)}
    out = set()
    for crew in rnd.last_season:
        keys = {name_key(n) for n in crew}
        if len(keys) >= 2 and keys <= idx.keys():
            out.add(frozenset(idx[k] for k in keys))
    return sorted(out, key=sorted)


def _together_last_season(members: list[Person], rnd: Round) -> list[list[str]]:
    """Who of ``members`` shared a crew last season: one list of two or more per crew of last season."""
    keys = {name_key(p.name): p.name for p in members}
    groups = (sorted({keys[name_key(n)] for n in crew if name_key(n) in keys}, key=name_key) for crew in rnd.last_season)
    return sorted((g for g in groups if len(g) >= 2), key=lambda g: [name_key(n) for n in g])


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe(members: list[Person], rnd: Round | None = None) -> Crew:
    """A crew's common ground, and a sentence saying why these people were put together (with the round,
    who of them were together last season)."""
    before = _together_last_season(members, rnd) if rnd is not None else []
    if rnd is not None:
        members = with_history(members, rnd)
    slots = [s for s in SLOTS if all(s in p.slots for p in members)]
    tags = Counter(name_key(w) for p in members for w in dict.fromkeys(map(str.strip, p.work)))
    spelled = {name_key(w): w.strip() for p in members for w in p.work}
    shared = sorted((spelled[t] for t, n in tags.items() if n >= 2), key=lambda t: (-tags[name_key(t)], t.casefold()))
    brings = sorted((spelled[t] for t, n in tags.items() if n == 1), key=str.casefold)
    regions = sorted({p.region for p in members if p.region}, key=str.casefold)
    pairs = known_pairs(members)
    crew = Crew([p.name for p in members], slots, shared, brings, regions, pairs[0] if pairs else None)
    days = ", ".join(slot_words(s) for s in slots[:3]) + (" and more" if len(slots) > 3 else "")
    parts = [f"all can meet {days}" if slots else "no common slot"]
    if shared:
        parts.append("share: " + ", ".join(shared[:5]))
    if brings:
        parts.append("each also brings: " + ", ".join(brings[:5]))
    placed = [p for p in members if p.region]
    if len(regions) == 1 and len(placed) == len(members):
        parts.append(f"all in {regions[0]}")
    elif len(regions) == 1:  # "all in Porto" would speak for those who did not say where they live
        parts.append(f"{', '.join(p.name for p in placed)} in {regions[0]}, the others gave no region")
    elif regions:
        parts.append("regions: " + ", ".join(regions))
    wanted = [p.size for p in members if p.size]
    if wanted:
        fits = sum(1 for s in wanted if s == len(members))
        parts.append(f"{fits} of the {len(wanted)} who gave a crew size asked for {len(members)}")
    # Known well in their own words, not only from sharing a crew last season (said apart below).
    said = [pair for pair in pairs if not any(set(pair) <= set(g) for g in before)]
    if said:
        parts.append(f"{said[0][0]} and {said[0][1]} already know each other well")
    parts.extend(f"{_and(g)} were together last season" for g in before)
    crew.why = "; ".join(parts) + "."
    return crew


# --- who cannot be placed, whatever the solver does -----------------------------------------


def _clusters(names: list[str], together) -> list[list[str]]:
    """People pinned together, as groups (a pin chain A–B, B–C makes one group)."""
    parent = {n: n for n in names}

    def root(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in together:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for n in names:
        groups.setdefault(root(n), []).append(n)
    return list(groups.values())


def _cannot(people: list[Person], rnd: Round) -> dict[str, str]:
    """People no crew can take, with the reason (checked before solving, so the reason is exact)."""
    out: dict[str, str] = {}
    keys = [name_key(p.name) for p in people]
    by = dict(zip(keys, people))
    if len(people) < rnd.min_size:
        return {p.name: f"the round has {len(people)} people; a crew needs at least {rnd.min_size}" for p in people}
    for p in people:
        if not p.slots:
            out[p.name] = "they gave no weekly slot, and every crew must share one"
            continue
        others = max(sum(1 for q in people if q is not p and s in q.slots) for s in p.slots)
        if others < rnd.min_size - 1:
            out[p.name] = (f"no weekly slot of theirs ({', '.join(p.slots)}) is shared by {rnd.min_size - 1} others "
                           f"(at most {others} share one)")
    together = [(name_key(a), name_key(b)) for a, b in rnd.together]
    whole_crews = [{keys[i] for i in whole} for whole in _whole_crews(people, rnd)]
    for group in _clusters(keys, together):
        if len(group) < 2:
            continue
        members = [by[k] for k in group]
        names = ", ".join(p.name for p in members)
        reason = None
        if len(group) > rnd.max_size:
            reason = f"{names} are pinned together, more than the largest crew of {rnd.max_size}"
        elif not set.intersection(*(set(p.slots) for p in members)):
            reason = f"{names} are pinned together but share no weekly slot"
        elif len(known_pairs(members)) > 1:
            reason = f"{names} are pinned together and hold more than one pair who know each other well"
        elif any(whole <= set(group) for whole in whole_crews):
            reason = f"{names} are pinned together and would re-form one of last season's crews whole"
        elif blocked := [p.name for p in members if p.name in out]:
            reason = f"they are pinned together with {blocked[0]}, who cannot be placed"
        if reason:
            for p in members:
                out.setdefault(p.name, reason)
    return out


# --- the solver -------------------------------------------------------------------------------

# Pools up to this size are solved as one CP-SAT model (which proves small ones optimal); larger ones
# by annealing from the greedy crews (CP-SAT re-forms a few crews at a time first, to place whoever they
# leave out).
WHOLE_POOL = 40
# The share of a small pool's time that placing as many as possible may take: placing someone outweighs
# any score, and proving how many can be placed took 0.08–0.4 CPU-seconds on pools of 20 (docs/benchmarks.md),
# more than half of 2 s gives a process on a loaded machine (at a load average of 13 on 2 cores, 0.15 CPU-s a second).
PLACING = 3 / 4
# How many crews one step of the neighbourhood search re-forms, at first and at most.
STEP_CREWS, MAX_STEP_CREWS = 2, 3
# Deterministic seconds of search one step may spend (the round's ``work`` is the budget of all steps).
STEP_WORK = 0.03
# The most steps (people × table entries × sizes) the share bound's table of crew sizes may take (about 0.1 s).
SIZE_TABLE = 150_000
# The share of the round's time kept for moves and swaps after the annealing: one pass looks at every pair
# of people, so larger pools get more (90 people: 3 %, 300 and more: 10 %).
POLISH = 1 / 3000
# The annealing: draws per unit of the round's deterministic ``work`` (100,000 take about 0.3 CPU-seconds
# here), its temperature from hot to cold (a crew's score moves by 1 to 4 points a change: at 1.5, a change
# losing 4 is taken one time in 14; at 0.4, a change losing 1 one time in 12), and the share of draws
# that move a person rather than swap two. Chosen among 15 settings on three pools of 90, two seeds each,
# with 300,000 draws (what 2 s give on this machine under some load): these scored 1110 in all, the
# others 1059–1104 (1.5 to 0.2 or 0.4, with 0.3 moves, around the settings before: 1059 and 1098); the
# differences are within what another seed changes, so the choice matters less than the number of draws (tuned
# before q was drawn among those with a slot p's crew shares; kept after).
ANNEAL_STEPS, ANNEAL_HEAT, ANNEAL_COLD, ANNEAL_MOVES = 100_000, 1.5, 0.4, 0.15
# The most processes a round anneals in (one per core): on a loaded machine each runnable process gets
# its share of the cores, so a second one doubles the round's CPU-seconds, and one run differs from another
# by a few per cent, so the best of two is nearer the best known than either (docs/benchmarks.md).
PROCESSES = 4
# The share of the round's time the copies stop before its deadline, and are waited for after it.
COPY_MARGIN = 0.02
# The least share of the round's time left for a copy to be worth starting: a fork costs 5–8 ms of CPU here and
# as much again in the copy (a process of 150 MB), a tenth of a second or more on a loaded machine, more than a
# search of a tenth of 2 s would find (a small pool after CP-SAT: 2.26 s for 2 s with two busy processes).
COPY_LEAST = 1 / 4


def suggest(people: list[Person], rnd: Round = Round(), hint: list[list[str]] | None = None,
            progress: Callable[[Progress], None] | None = None) -> Suggestion:
    """Suggest crews for everyone in ``people`` (see the module's docstring). ``progress``, when given, is
    called with a ``Progress`` each time the search has better crews, and as it goes (a page shows it)."""
    from ortools.sat.python import cp_model  # imported here: pages that never form crews skip its load

    started = time.perf_counter()
    rnd.check()
    seen: dict[str, str] = {}
    for p in people:
        if name_key(p.name) in seen:
            raise LedgerError(f"“{p.name}” is in the round twice (as “{seen[name_key(p.name)]}” too).")
        seen[name_key(p.name)] = p.name
    for a, b in itertools.chain(rnd.together, rnd.apart):
        for n in (a, b):
            if name_key(n) not in seen:
                raise LedgerError(f"{n} is pinned but is not in this round.")
    rnd = _present(people, rnd)
    people = with_history(people, rnd)
    unplaced = _cannot(people, rnd)
    round_people = [p for p in people if p.name not in unplaced]
    idx = {name_key(p.name): i for i, p in enumerate(round_people)}
    n = len(round_people)
    if n < rnd.min_size:
        for p in round_people:
            unplaced[p.name] = (f"only {n} people could be placed at all, fewer than the smallest crew of {rnd.min_size}")
        return Suggestion([], unplaced, 0, None, "not solved", time.perf_counter() - started, rnd)

    # The greedy crews (or the facilitator's edited ones, when they keep every rule) are a complete
    # starting point: the search begins there, so it is never worse than them.
    first, regional = greedy(round_people, rnd), _by_region(round_people, rnd)
    if n <= WHOLE_POOL:
        start = max(first, regional, key=lambda cs: (sum(map(len, cs)), score(cs, round_people, rnd)))
    else:
        # The annealing does better from the greedy crews, formed around the scarcest slots, than from crews
        # formed region by region, whose slots lock them in (pool 90/0: 180 against 112 in 2 s), even when
        # those score more at first; they start it only when they place more people.
        start = first if sum(map(len, first)) >= sum(map(len, regional)) else regional
    if hint is not None and all(name_key(nm) in idx for c in hint for nm in c) and not violations(
            hint, round_people, rnd) and sum(map(len, hint)) >= sum(map(len, start)):
        start = [list(c) for c in hint if c]
    crews = [[idx[name_key(nm)] for nm in c] for c in start]
    proven, proven_everyone = upper_bounds(round_people, rnd)
    deadline = started + rnd.time_limit

    best = None  # (placed, score, crews) of the best crews reported: a whole-pool search may find worse first

    def report(found: list[list[int]], spent: float = 0.0) -> None:
        nonlocal best
        if progress is None:
            return
        value = (sum(map(len, found)), sum(crew_score([round_people[p] for p in c], rnd.size) for c in found))
        if best is None or value > best[:2]:
            best = (*value, len(found))
        done = max((time.perf_counter() - started) / rnd.time_limit, spent / rnd.work)
        progress(Progress(min(1.0, done), best[2], best[0], best[1]))

    report(crews)
    if n <= WHOLE_POOL:
        # First a model that only places as many as it can, for ``PLACING`` of the time at most (it stops once
        # proven, usually in a moment): on a loaded machine the whole model's 2 s are a fraction of a second
        # of work, too little to place everyone (pool 20/101: 18 of 20 placed, where 20 can be). Then the
        # whole model from there, for half of what is left: it proves small pools optimal. What it leaves
        # unproven, the annealing and moves and swaps work on with the rest.
        placing = _solve(cp_model, round_people, crews, rnd, rnd.work / 4, (deadline - time.perf_counter()) * PLACING,
                         rnd.seed, presolve=True, placing=True)
        if placing is not None and sum(map(len, placing[0])) > sum(map(len, crews)):
            crews = placing[0]
            report(crews)
        found = _solve(cp_model, round_people, crews, rnd, rnd.work, (deadline - time.perf_counter()) / 2,
                       rnd.seed, presolve=True, found=report if progress else None)
        solved = found is not None
        if solved:
            new, optimal, objective_bound = found
            def value(cs):
                return sum(map(len, cs)), sum(crew_score([round_people[p] for p in c], rnd.size) for c in cs)

            if value(new) >= value(crews):
                crews = new
            # The solver's bound counts PLACED for each person placed: what is left bounds the score of
            # any answer that places as many as this one.
            bound = objective_bound - PLACED * sum(map(len, crews))
            proven = min(proven, bound)
        if not solved or not optimal:
            crews = _search(round_people, crews, rnd, deadline - rnd.time_limit * POLISH * n, deadline, report)
    else:
        # Whoever the start leaves out is placed by CP-SAT re-forming a few crews at a time (with half of the
        # time at most); then the annealing, and moves and swaps, each the best for its person, to finish.
        reserve = rnd.time_limit * min(0.1, POLISH * n)
        solved = time.perf_counter() < deadline - reserve
        if sum(map(len, crews)) < n:
            crews = _neighbourhoods(cp_model, round_people, crews, rnd,
                                    min(deadline - reserve, time.perf_counter() + rnd.time_limit / 2), report)
        crews = _search(round_people, crews, rnd, deadline - reserve, deadline, report)
    crews = _relabel([[round_people[p].name for p in c] for c in crews], {k: i for k, i in idx.items()})
    by = {name_key(p.name): p for p in round_people}
    placed_names = {name_key(nm) for c in crews for nm in c}
    for person in round_people:
        if name_key(person.name) not in placed_names:
            unplaced[person.name] = _left_out(person, rnd)
    soft = score(crews, round_people, rnd)
    if len(placed_names) == n:  # everyone placed: so does any answer as good, and their seats can be bounded
        proven = min(proven, proven_everyone)
    status = ("greedy" if not solved else "optimal" if soft >= proven else "feasible")
    if progress is not None:
        progress(Progress(1.0, len(crews), len(placed_names), soft))
    return Suggestion([describe([by[name_key(nm)] for nm in c], rnd) for c in crews], unplaced, soft, proven, status,
                      time.perf_counter() - started, rnd)


def upper_bound(people: list[Person], rnd: Round = Round(), everyone: bool = True) -> int:
    """A proven upper bound of ``score`` for any crews of these people that keep the hard rules (with
    ``everyone``: crews that place all of them; without, crews of any of them): the lower of two.

    ``_share_bound``: a crew's score is the sum of its members' shares, and each share is bounded on its
    own (see there). ``_pairing_bound``: each term of the score bounded on its own over the whole pool.
    Neither depends on how the search went."""
    return upper_bounds(people, rnd)[everyone]


def upper_bounds(people: list[Person], rnd: Round = Round()) -> tuple[int, int]:
    """``upper_bound`` for crews of any of these people and for crews placing all of them, in one go."""
    shares = _share_bound(people, rnd)
    return tuple(min(shares[everyone], _pairing_bound(people, rnd, everyone)) for everyone in (False, True))


def _share_bound(people: list[Person], rnd: Round) -> tuple[int, int]:
    """Split every crew's score among its members: an interest held by j of them gives each
    (TAG + SHARED_TAG)/j when j ≥ 2 and TAG when j = 1 (so at most (TAG + SHARED_TAG)/2 each, and only
    when someone else in the crew holds it too); the extra regions' cost −EXTRA_REGION·(r − 1) is split
    evenly among its k members; each pays their own seats away, −SEAT_AWAY·|k − asked|. The shares add
    up to the crew's score exactly.

    One person's share in any crew that keeps the rules is then at most the best, over the weekly slots
    s they have (the crew's meeting slot is one of them), the crew sizes k and the crew being of one
    region or mixed, of: for each of their interests, (TAG + SHARED_TAG)/2 when someone else with slot s
    holds it (not pinned apart from them, and of the same region or of none when the crew is of one
    region), TAG otherwise; less their seats away for k; less EXTRA_REGION/k when mixed (r ≥ 2).

    The score of any answer is at most the sum of these over the people it places, with each placed
    person's crew size k; the sizes must be consistent: the people seated in crews of size k are a
    multiple of k. A small dynamic program over (number seated in crews of each size, modulo that size)
    finds the best choice (when the round allows many sizes and that table would be large, sizes are
    chosen for each person freely, still a bound). For crews of any of them a person may be left out (0).
    Returns the bound for crews of any of them, then for crews placing all of them."""
    sizes = list(range(rnd.min_size, rnd.max_size + 1))
    if not people:
        return 0, 0
    scale = 2 * math.lcm(*sizes)            # every share below is a whole number of 1/scale
    apart = {frozenset(pair) for pair in _pins(people, rnd.apart)}
    tags = [{name_key(w) for w in p.work} for p in people]
    slots = [set(p.slots) for p in people]
    regions = [name_key(p.region) if p.region else None for p in people]
    holders: dict[str, list[int]] = {}
    for i, ts in enumerate(tags):
        for t in ts:
            holders.setdefault(t, []).append(i)
    every_region = sorted({r for r in regions if r is not None}) or [None]
    paired, alone = (TAG + SHARED_TAG) * scale // 2, TAG * scale
    shares: list[dict[int, int]] = []        # person → {crew size: the most their share can be}
    for i in range(len(people)):
        best = {}
        for s in slots[i]:
            partners = {t: [q for q in holders[t] if q != i and s in slots[q] and frozenset((i, q)) not in apart]
                        for t in tags[i]}
            mixed = sum(paired if partners[t] else alone for t in tags[i])
            pure = max(sum(paired if any(regions[q] in (r, None) for q in partners[t]) else alone for t in tags[i])
                       for r in ([regions[i]] if regions[i] is not None else every_region))
            for k in sizes:
                seats = SEAT_AWAY * abs(k - (people[i].size or rnd.size)) * scale
                value = max(pure, mixed + EXTRA_REGION * scale // k) + seats
                best[k] = max(best.get(k, value), value)
        shares.append(best)
    return _best_sizes(shares, sizes, False) // scale, _best_sizes(shares, sizes, True) // scale


def _best_sizes(shares: list[dict[int, int]], sizes: list[int], everyone: bool) -> int:
    """The most the sum of people's shares can be with crew sizes that add up (see ``_share_bound``)."""
    if any(not b for b in shares) and everyone:
        return 0  # someone has no weekly slot: no answer places everyone
    if len(shares) * math.prod(sizes) * len(sizes) > SIZE_TABLE:  # the table would be slow: sizes chosen freely
        return sum(max(max(b.values()), 0 if not everyone else -math.inf) if b else 0 for b in shares)
    # table[(seated in crews of each size, modulo that size)] = the most the people so far can have.
    table = {tuple(0 for _ in sizes): 0}
    for b in shares:
        new: dict[tuple, int] = {} if everyone else dict(table)
        for state, value in table.items():
            for j, k in enumerate(sizes):
                if k not in b:
                    continue
                key = state[:j] + ((state[j] + 1) % k,) + state[j + 1:]
                v = value + b[k]
                if new.get(key, -math.inf) < v:
                    new[key] = v
        table = new
    done = table.get(tuple(0 for _ in sizes))
    return 0 if done is None else done  # None: no crew sizes seat everyone, so no answer does


def _pairing_bound(people: list[Person], rnd: Round, everyone: bool) -> int:
    """Each term of the score is bounded on its own. An interest held by m people scores TAG in a crew
    where one of them is and TAG + SHARED_TAG where two or more are: splitting its holders into g groups
    of two or more and s single ones scores at most TAG·m + (SHARED_TAG − TAG)·g, and g is at most half
    the holders who share a weekly slot with another holder (not pinned apart), and at most the number
    of crews there can be. An extra region only costs (at most 0). Seats away: whatever the crews, their
    sizes give so many seats of each size, and people sorted by the size they asked for, seated in
    that order, is the cheapest way to fill them; the cheapest choice of crew sizes is found by a small
    dynamic program (without ``everyone``, 0). The sum does not depend on how the search went."""
    apart = {frozenset((name_key(a), name_key(b))) for a, b in rnd.apart}
    holders: dict[str, list[Person]] = {}
    for p in people:
        for t in {name_key(w) for w in p.work}:
            holders.setdefault(t, []).append(p)
    most_crews = len(people) // rnd.min_size
    total = 0
    for group in holders.values():
        paired = sum(1 for p in group if any(q is not p and set(p.slots) & set(q.slots)
                                             and frozenset((name_key(p.name), name_key(q.name))) not in apart
                                             for q in group))
        g = min(paired // 2, most_crews)
        total += TAG * len(group) + max(0, SHARED_TAG + TAG - 2 * TAG) * g
    if everyone and people:
        total += SEAT_AWAY * _fewest_seats_away(sorted(p.size or rnd.size for p in people), rnd)
    return total


def _fewest_seats_away(wanted: list[int], rnd: Round) -> int:
    """The fewest seats away (``crew_score``'s seats) any crews of these people can have, sizes allowed
    by the round; ``wanted`` sorted. Crews taken by increasing size, each seating the next people in
    order of the size they asked for."""
    n = len(wanted)
    ahead = [0] * (n + 1)
    best = [0] + [math.inf] * n           # best[j]: the first j people seated in crews of the sizes so far
    for k in range(rnd.min_size, rnd.max_size + 1):
        ahead = [0]
        for w in wanted:
            ahead.append(ahead[-1] + abs(k - w))
        new = list(best)
        for j in range(n - k + 1):        # add crews of size k one at a time (unbounded knapsack order)
            if new[j] < math.inf and new[j] + ahead[j + k] - ahead[j] < new[j + k]:
                new[j + k] = new[j] + ahead[j + k] - ahead[j]
        best = new
    return 0 if best[n] == math.inf else int(best[n])


def _neighbourhoods(cp_model, people: list[Person], crews: list[list[int]], rnd: Round, deadline: float,
                    report: Callable[..., None] = lambda *_: None) -> list[list[int]]:
    """Large-neighbourhood search: re-form a few crews at a time with CP-SAT, keeping every change that
    places more people or scores more, until everyone who can be is placed (moves and swaps of single
    people, the annealing's, cannot place anyone). Which crews are re-formed is drawn from ``rnd.seed``,
    and the budget is deterministic work (``rnd.work``), so the same round gives the same crews; the wall
    clock (``deadline``) only cuts the search short on a loaded machine."""
    rng = random.Random(rnd.seed)
    crews = [list(c) for c in crews]
    out = sorted(set(range(len(people))) - {p for c in crews for p in c})
    groups = _clusters(list(range(len(people))), [(i, j) for i, j in _pins(people, rnd.together)])
    unit_of = {p: g for g in groups for p in g}
    slots = [set(p.slots) for p in people]
    regions = [name_key(p.region) if p.region else None for p in people]
    spent, steps, width, stale = 0.0, 0, STEP_CREWS, 0
    while spent < rnd.work and time.perf_counter() < deadline and out:
        if len(crews) <= width:
            chosen = list(range(len(crews)))
        else:
            # Crews that mix regions or sizes people did not ask for have most to gain: they go first more often.
            first = rng.choices(range(len(crews)), [1 + _loss([people[p] for p in c], rnd.size) for c in crews])[0]
            near = {p for p in crews[first]}
            weights = []
            for c, members in enumerate(crews):
                if c == first:
                    weights.append(0)
                    continue
                ties = sum(1 for p in near for q in members if slots[p] & slots[q] and regions[p] == regions[q])
                weights.append(1 + ties)
            chosen = [first]
            for _ in range(width - 1):
                c = rng.choices(range(len(crews)), weights)[0]
                chosen.append(c)
                weights[c] = 0
                if not any(weights):
                    break
        chosen.sort()
        sub = sorted(p for c in chosen for p in crews[c])
        if not crews:  # nobody placed yet: try some of those left out on their own
            sub = sorted({q for p in rng.sample(out, min(len(out), width * rnd.size)) for q in unit_of[p]})
        else:  # people not placed yet who could meet one of these crews, with whoever is pinned to them
            common = set().union(*(set.intersection(*(slots[p] for p in crews[c])) for c in chosen))
            extra = sorted({q for p in out if slots[p] & common for q in unit_of[p]})[:2 * rnd.max_size]
            extra = [q for q in extra if all(r in extra for r in unit_of[q])]
            sub = sorted(set(sub) | set(extra))
        local = {p: i for i, p in enumerate(sub)}
        before = [[local[p] for p in crews[c]] for c in chosen]
        work = min(STEP_WORK, rnd.work - spent)
        found = _solve(cp_model, [people[p] for p in sub], before, rnd, work,
                       deadline - time.perf_counter(), rnd.seed + steps, presolve=True, spent=True)
        steps += 1
        if found is None:
            break  # out of wall-clock time
        after, optimal, used = found
        spent += max(used, 1e-3)
        new = [[sub[i] for i in c] for c in after]
        gain = (sum(map(len, new)) - sum(len(crews[c]) for c in chosen),
                sum(crew_score([people[p] for p in c], rnd.size) for c in new)
                - sum(crew_score([people[p] for p in crews[c]], rnd.size) for c in chosen))
        # Equal scores are kept too when the crews changed: the search moves on instead of circling.
        moved = sorted(map(sorted, new)) != sorted(sorted(crews[c]) for c in chosen)
        if gain > (0, 0) or (gain == (0, 0) and moved):
            crews = [c for i, c in enumerate(crews) if i not in chosen] + new
            out = sorted(set(range(len(people))) - {p for c in crews for p in c})
        report(crews, spent)
        if gain > (0, 0):
            stale = 0
        else:
            stale += 1
            if stale >= 2 * len(crews) // width:  # this width seems exhausted: look at more crews at once
                width, stale = min(width + 1, MAX_STEP_CREWS, len(crews)), 0
    return crews


def _by_region(people: list[Person], rnd: Round) -> list[list[str]]:
    """Greedy crews formed region by region (those pinned together go with the first one's region),
    then the people left over formed greedily among themselves and added where they fit. A second start
    for the search beside ``greedy``: mixing regions costs most, and moving many people between regions
    one few crews at a time is what the search does worst."""
    by = {name_key(p.name): p for p in people}
    units = _clusters(list(by), [(name_key(a), name_key(b)) for a, b in rnd.together])
    regions: dict[str, list[Person]] = {}
    for u in units:
        regions.setdefault(name_key(by[u[0]].region or ""), []).extend(by[k] for k in u)
    crews = [c for g in sorted(regions) for c in greedy(regions[g], rnd)]
    placed = {name_key(nm) for c in crews for nm in c}
    rest = [p for p in people if name_key(p.name) not in placed]
    crews += greedy(rest, rnd)
    placed = {name_key(nm) for c in crews for nm in c}
    for u in units:
        if u[0] in placed:
            continue
        for c in sorted(crews, key=lambda c: (len(c), c[0])):
            if len(c) + len(u) <= rnd.max_size and not violations([c + [by[k].name for k in u]], people,
                                                                   replace(rnd, min_size=1)):
                c.extend(by[k].name for k in u)
                break
    return crews


class _Bits:
    """The people of a round as bit masks (interests, regions, slots, people known well, pins apart), so
    that a crew's value and its hard rules take a few operations: the moves, swaps and annealing below
    look at hundreds of thousands of crews in a second or two."""

    def __init__(self, people: list[Person], rnd: Round):
        n = len(people)
        tag_bit: dict[str, int] = {}
        self.tags = [functools.reduce(operator.or_, (1 << tag_bit.setdefault(name_key(w), len(tag_bit))
                                                     for w in p.work), 0) for p in people]
        region_bit: dict[str, int] = {}
        self.region = [1 << region_bit.setdefault(name_key(p.region), len(region_bit)) if p.region else 0
                       for p in people]
        self.seat = [[abs(k - (p.size or rnd.size)) for k in range(rnd.max_size + 2)] for p in people]
        self.mask = [sum(1 << SLOTS.index(s) for s in p.slots if s in SLOTS) for p in people]
        idx = {name_key(p.name): i for i, p in enumerate(people)}
        self.knows = [0] * n
        for i, p in enumerate(people):
            for k in p.knows:
                j = idx.get(name_key(k))
                if j is not None and j != i:
                    self.knows[i] |= 1 << j
                    self.knows[j] |= 1 << i
        self.apart = [0] * n
        for i, j in _pins(people, rnd.apart):
            self.apart[i] |= 1 << j
            self.apart[j] |= 1 << i
        self.pinned = {p for i, j in _pins(people, rnd.together) for p in (i, j)}
        # Last season's crews not to re-form whole, as masks, listed under each of their members.
        self.wholes: list[list[int]] = [[] for _ in range(n)]
        for whole in _whole_crews(people, rnd):
            for p in whole:
                self.wholes[p].append(sum(1 << q for q in whole))

    def value(self, members) -> int:
        """``crew_score`` of these people."""
        tags, region, seat = self.tags, self.region, self.seat
        once = twice = regions = 0
        seats = 0
        k = len(members)
        for p in members:
            twice |= once & tags[p]
            once |= tags[p]
            regions |= region[p]
            seats += seat[p][k]
        return (TAG * once.bit_count() + SHARED_TAG * twice.bit_count()
                + EXTRA_REGION * max(0, regions.bit_count() - 1) + SEAT_AWAY * seats)

    def keeps_rules(self, members, new) -> bool:
        """Whether ``new`` may join ``members`` (who keep the rules) as to pins apart and people known well
        (the slot is checked apart)."""
        group = sum(1 << a for a in members)
        if self.apart[new] & group:
            return False
        joined = group | 1 << new
        if any(whole & joined == whole for whole in self.wholes[new]):
            return False
        pairs = sum((self.knows[a] & group).bit_count() for a in members) // 2 + (self.knows[new] & group).bit_count()
        return pairs <= 1

    def common(self, members, start: int = -1) -> int:
        """The slots all of ``members`` share (and ``start``'s), as a mask."""
        mask = self.mask
        for p in members:
            start &= mask[p]
        return start


class _Tally:
    """The crews of a round as running counts (each crew's interests, regions, seats away at every size,
    and the slots each person's crew-mates share), so that the annealing prices a move or a swap from the
    few interests and the region of the one or two people who change crews, without looking at the others:
    a draw costs a few lookups, and the counts are brought up to date only when a change is taken."""

    def __init__(self, people: list[Person], crews: list[list[int]], rnd: Round, b: _Bits):
        tag_col: dict[str, int] = {}
        region_col: dict[str, int] = {}
        self.tags = [tuple(tag_col.setdefault(t, len(tag_col)) for t in sorted({name_key(w) for w in p.work}))
                     for p in people]
        self.region = [region_col.setdefault(name_key(p.region), len(region_col)) if p.region else -1 for p in people]
        self.seat, self.mask = b.seat, b.mask
        # What a crew of r regions pays for them, by r.
        self.extra = [EXTRA_REGION * max(0, r - 1) for r in range(len(region_col) + 2)]
        self.crews = [list(c) for c in crews]
        self.where = [-1] * len(people)                 # each person's crew (-1: none yet)
        for c, members in enumerate(crews):
            for p in members:
                self.where[p] = c
        self.counts = [[0] * len(tag_col) for _ in crews]
        self.region_counts = [[0] * len(region_col) for _ in crews]
        self.regions = [0] * len(crews)                 # regions present in each crew
        self.seats = [[0] * (rnd.max_size + 2) for _ in crews]  # each crew's seats away, at every size
        self.common = [0] * len(crews)                  # the slots each crew shares
        self.rest = [0] * len(people)                   # the slots a person's crew-mates share
        for c, members in enumerate(self.crews):
            for p in members:
                self._count(c, p, 1)
            self._slots(c)

    def _count(self, c: int, p: int, sign: int) -> None:
        counts = self.counts[c]
        for t in self.tags[p]:
            counts[t] += sign
        r = self.region[p]
        if r >= 0:
            before = self.region_counts[c][r]
            self.region_counts[c][r] += sign
            self.regions[c] += (before == 0) - (before + sign == 0)
        seats, mine = self.seats[c], self.seat[p]
        for k in range(len(seats)):
            seats[k] += sign * mine[k]

    def _slots(self, c: int) -> None:
        members, mask = self.crews[c], self.mask
        every = (1 << len(SLOTS)) - 1
        self.common[c] = functools.reduce(operator.and_, (mask[p] for p in members), every)
        for i, p in enumerate(members):
            self.rest[p] = functools.reduce(operator.and_, (mask[q] for j, q in enumerate(members) if j != i), every)

    # What an interest held by n of a crew gains it when one of them leaves (``_LEAVES[n]``) and when someone
    # else holding it joins (``_JOINS[n]``): a change is priced by a lookup per interest of those who change crews.
    _LEAVES = (0, -TAG, -SHARED_TAG) + (0,) * (CREW_RANGE[1] + 2)
    _JOINS = (TAG, SHARED_TAG) + (0,) * (CREW_RANGE[1] + 3)

    def move_gain(self, p: int, c: int, d: int, kc: int, kd: int) -> int:
        """What the score gains when ``p`` moves from crew ``c`` (of ``kc`` people) to crew ``d`` (of ``kd``).
        Written out in one function, without calls: the annealing prices a change at almost every draw."""
        leaves, joins, extra = self._LEAVES, self._JOINS, self.extra
        here, there = self.counts[c], self.counts[d]
        gain = 0
        for t in self.tags[p]:
            gain += leaves[here[t]] + joins[there[t]]
        r = self.region[p]
        if r >= 0:
            in_c, in_d = self.regions[c], self.regions[d]
            gain += (extra[in_c - (self.region_counts[c][r] == 1)] - extra[in_c]
                     + extra[in_d + (self.region_counts[d][r] == 0)] - extra[in_d])
        seat, seats_c, seats_d = self.seat[p], self.seats[c], self.seats[d]
        return gain + SEAT_AWAY * (seats_c[kc - 1] - seat[kc - 1] - seats_c[kc] + seats_d[kd + 1] + seat[kd + 1] - seats_d[kd])

    def swap_gain(self, p: int, q: int, c: int, d: int, kc: int, kd: int) -> int:
        """What the score gains when ``p`` (of crew ``c``, ``kc`` people) and ``q`` (of ``d``, ``kd``) swap."""
        leaves, joins = self._LEAVES, self._JOINS
        here, there = self.counts[c], self.counts[d]
        tp, tq = self.tags[p], self.tags[q]
        gain = 0
        for t in tp:
            gain += leaves[here[t]] + joins[there[t] - (t in tq)]
        for t in tq:
            gain += leaves[there[t]] + joins[here[t] - (t in tp)]
        rp, rq = self.region[p], self.region[q]
        if rp != rq:  # each crew loses one region's person and gains another's
            extra, at_c, at_d = self.extra, self.region_counts[c], self.region_counts[d]
            in_c, in_d = self.regions[c], self.regions[d]
            gain += (extra[in_c - (rp >= 0 and at_c[rp] == 1) + (rq >= 0 and at_c[rq] == 0)] - extra[in_c]
                     + extra[in_d - (rq >= 0 and at_d[rq] == 1) + (rp >= 0 and at_d[rp] == 0)] - extra[in_d])
        sp, sq = self.seat[p], self.seat[q]
        return gain + SEAT_AWAY * (sq[kc] - sp[kc] + sp[kd] - sq[kd])

    def move(self, p: int, d: int) -> None:
        c = self.where[p]
        self._count(c, p, -1)
        self._count(d, p, 1)
        self.crews[c].remove(p)
        self.crews[d].append(p)
        self.where[p] = d
        self._slots(c)
        self._slots(d)

    def swap(self, p: int, q: int) -> None:
        c, d = self.where[p], self.where[q]
        self._count(c, p, -1)
        self._count(c, q, 1)
        self._count(d, q, -1)
        self._count(d, p, 1)
        self.crews[c][self.crews[c].index(p)] = q
        self.crews[d][self.crews[d].index(q)] = p
        self.where[p], self.where[q] = d, c
        self._slots(c)
        self._slots(d)

    def join(self, p: int, d: int) -> None:
        """``p``, placed nowhere yet, joins crew ``d``."""
        self._count(d, p, 1)
        self.crews[d].append(p)
        self.where[p] = d
        self._slots(d)


def _processes(rnd: Round) -> int:
    """How many processes the round anneals in: ``rnd.processes``, or one per core it may use. Only where a
    process can be forked (Linux): elsewhere forking a process with threads is not safe, and starting a fresh
    interpreter costs more than the search it would add."""
    if not sys.platform.startswith("linux"):
        return 1
    return rnd.processes or min(PROCESSES, len(os.sched_getaffinity(0)))


def _search(people: list[Person], crews: list[list[int]], rnd: Round, cool_by: float, deadline: float,
            report: Callable[..., None]) -> list[list[int]]:
    """The annealing (until ``cool_by``) and its polish by moves and swaps (until ``deadline``), here and in
    ``_processes`` − 1 forked copies of this process at once, each from ``crews`` with a seed of its own
    (the round's seed, then the next ones); the best crews are kept, placing the most people, then scoring
    the most, the first in seed order on a tie: with a fixed number of draws the same round still gives the
    same crews. A copy that has not answered by the deadline is stopped and left out; none is started when
    less than ``COPY_LEAST`` of the round's time is left."""
    def run(seed: int, done_by: float, report: Callable[..., None]) -> list[list[int]]:
        own = replace(rnd, seed=seed)
        return _improve(people, _anneal(people, crews, own, min(cool_by, done_by), rnd.work * ANNEAL_STEPS, report),
                        own, done_by, report=report)

    # The copies stop a little before the deadline and are waited for a little after it (a loaded machine
    # may keep a process waiting for a tenth of a second): their answers are seldom lost, nor the round late.
    margin = COPY_MARGIN * rnd.time_limit
    worth = cool_by - time.perf_counter() >= COPY_LEAST * rnd.time_limit
    copies = [_Forked(functools.partial(run, rnd.seed + i, deadline - margin, lambda *_: None))
              for i in range(1, _processes(rnd) if worth else 1)]
    try:
        found = [run(rnd.seed, deadline, report)] + [copy.result(deadline + margin) for copy in copies]
    finally:
        for copy in copies:
            copy.stop()
    b = _Bits(people, rnd)
    return max((c for c in found if c is not None), key=lambda cs: (sum(map(len, cs)), sum(map(b.value, cs))))


class _Forked:
    """A job run in a forked copy of this process, its answer (crews: lists of numbers) sent back as JSON
    through a pipe. The copy leaves with ``os._exit``: nothing of the page's server (its threads, sockets
    and exit handlers) runs in it, and a copy that fails says nothing and sends nothing."""

    def __init__(self, job: Callable[[], object]):
        self._read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                os.close(self._read)
                data = memoryview(json.dumps(job()).encode())
                while data:
                    data = data[os.write(write, data):]
                code = 0
            finally:
                os._exit(code)
        os.close(write)

    def result(self, deadline: float):
        """The job's answer, or None when it failed or has not sent it by ``deadline`` (then it is stopped)."""
        chunks, ended = [], False
        while not ended:
            wait = deadline - time.perf_counter()
            ready, _, _ = select.select([self._read], [], [], None if wait == math.inf else max(0.0, wait))
            if not ready:
                break
            chunk = os.read(self._read, 1 << 16)
            chunks.append(chunk)
            ended = not chunk
        self.stop()
        try:
            return json.loads(b"".join(chunks)) if ended and len(chunks) > 1 else None
        except ValueError:  # cut short: the copy failed while writing
            return None

    def stop(self) -> None:
        """Close the pipe, and stop the copy if it is still running (reaped either way, no zombie left)."""
        if self._read is None:
            return
        os.close(self._read)
        self._read = None
        if os.waitpid(self.pid, os.WNOHANG) == (0, 0):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def _anneal(people: list[Person], crews: list[list[int]], rnd: Round, deadline: float, steps: float,
            report: Callable[..., None] = lambda *_: None) -> list[list[int]]:
    """Simulated annealing over moves and swaps of one person at a time: a person p is drawn, then someone
    who has one of p's weekly slots, and p moves to their crew; or someone who has a slot p's crew-mates
    share, and they swap (most of what is drawn then keeps the slots); a change that
    keeps every hard rule is taken when it raises the score, and when it lowers it by d with the chance
    e^(d/T), the temperature T cooling from ANNEAL_HEAT to ANNEAL_COLD. A change is priced from running
    counts (``_Tally``), not by scoring the two crews again. Whoever ``crews`` leave out joins a crew as
    soon as one can take them (not those pinned together: they stay as they are). Returns the best crews
    seen, placing the most people (never worse than ``crews``).

    It cools over ``steps`` draws (drawn from the round's seed: the same round gives the same crews) or,
    when ``steps`` is infinite, over the time left to ``deadline`` (a page's time budget). When the
    deadline comes before the draws are done (a loaded machine), it cools by whichever is further along,
    so that the search still ends cold instead of being cut short while hot. On the benchmark's pools it
    did better in 2 s than the neighbourhood search in 20 s: a draw costs a microsecond or two where one
    CP-SAT step costs a tenth of a second."""
    b = _Bits(people, rnd)
    mask = b.mask
    tally = _Tally(people, crews, rnd, b)
    crews, where, rest, common = tally.crews, tally.where, tally.rest, tally.common
    # Whoever the start left out (and is pinned to nobody) joins a crew as soon as one can take them.
    pinned = b.pinned
    waiting = [p for p in range(len(people)) if where[p] < 0 and p not in pinned and mask[p]]
    slot_people = [[p for p in range(len(people)) if mask[p] >> s & 1] for s in range(len(SLOTS))]
    slots_of = functools.cache(lambda m: [s for s in range(len(SLOTS)) if m >> s & 1])
    movable = [p for members in crews for p in members
               if p not in pinned and any(len(slot_people[s]) > 1 for s in slots_of(mask[p]))]
    if len(crews) < 2 or not movable:
        return [list(c) for c in crews]
    placed, current = sum(map(len, crews)), sum(b.value(c) for c in crews)
    best, best_crews = (placed, current), [list(c) for c in crews]
    draw = random.Random(rnd.seed).random
    exp = math.exp
    low, high = rnd.min_size, rnd.max_size
    began = time.perf_counter()
    cooling = ANNEAL_COLD / ANNEAL_HEAT
    heat, step = ANNEAL_HEAT, 0
    # Bound once: the loop below runs hundreds of thousands of times, and each lookup of an attribute costs.
    move_gain, swap_gain, keeps_rules, moves = tally.move_gain, tally.swap_gain, b.keeps_rules, ANNEAL_MOVES
    some = len(movable)
    while step < steps:
        if step % 1024 == 0:
            now = time.perf_counter()
            if now >= deadline:
                break
            done = max(step / steps, (now - began) / max(1e-9, deadline - began))
            heat = ANNEAL_HEAT * cooling ** min(1.0, done)
            for p in list(waiting):  # placing someone outweighs any score: always taken
                fits = [d for d, there in enumerate(crews)
                        if len(there) < high and common[d] & mask[p] and b.keeps_rules(there, p)]
                if fits:
                    d = max(fits, key=lambda d: b.value(crews[d] + [p]) - b.value(crews[d]))
                    current += b.value(crews[d] + [p]) - b.value(crews[d])
                    tally.join(p, d)
                    placed += 1
                    waiting.remove(p)
                    movable.append(p)
                    some += 1
            if (placed, current) > best:
                best, best_crews = (placed, current), [list(m) for m in crews]
            if step % 8192 == 0:
                report(best_crews)
        step += 1
        p = movable[int(draw() * some)]  # draw() is random.random: a C call, where randrange is Python
        moving = draw() < moves
        # q is drawn among those who have a slot p's crew-mates share (a swap) or one of p's own (a move):
        # most draws then price a change that keeps the slots, where drawing among everyone wasted most.
        slots = slots_of(mask[p] if moving else rest[p])
        if not slots:
            continue
        others = slot_people[slots[int(draw() * len(slots))]]
        q = others[int(draw() * len(others))]
        c, d = where[p], where[q]
        if c == d or d < 0:
            continue
        kc, kd = len(crews[c]), len(crews[d])
        if moving:  # p moves to q's crew
            if kc <= low or kd >= high or not common[d] & mask[p]:
                continue
            gain = move_gain(p, c, d, kc, kd)
            if gain < 0 and draw() >= exp(gain / heat):
                continue
            if not keeps_rules(crews[d], p):
                continue
            tally.move(p, d)
        else:  # p and q swap
            if q in pinned or not mask[p] & rest[q]:
                continue
            gain = swap_gain(p, q, c, d, kc, kd)
            if gain < 0 and draw() >= exp(gain / heat):
                continue
            here = [r for r in crews[c] if r != p]
            there = [r for r in crews[d] if r != q]
            if not keeps_rules(here, q) or not keeps_rules(there, p):
                continue
            tally.swap(p, q)
        current += gain
        if (placed, current) > best:
            best, best_crews = (placed, current), [list(m) for m in crews]
    return best_crews


def _improve(people: list[Person], crews: list[list[int]], rnd: Round, deadline: float,
             passes: int = 30, report: Callable[..., None] = lambda *_: None) -> list[list[int]]:
    """Moves and swaps of one person at a time between crews, each the best for that person, kept when it
    raises the score and keeps every hard rule (people pinned together stay where they are). It polishes
    what the annealing leaves, as a last step: each move is the best for its person, where the annealing
    draws them at random. Whom it looks at first is drawn from the round's seed and it stops after
    ``passes`` passes or a pass without a change (the wall clock, ``deadline``, only cuts it short), so
    the same round gives the same crews."""
    b = _Bits(people, rnd)
    mask, value, keeps_rules, pinned = b.mask, b.value, b.keeps_rules, b.pinned
    crews = [list(c) for c in crews]
    where = {p: c for c, members in enumerate(crews) for p in members}
    values = [value(c) for c in crews]
    rng = random.Random(rnd.seed)
    order = sorted(p for p in where if p not in pinned)
    for _ in range(passes):
        changed = False
        rng.shuffle(order)
        for p in order:
            if time.perf_counter() > deadline:
                return crews
            c = where[p]
            rest = [q for q in crews[c] if q != p]
            rest_mask = functools.reduce(operator.and_, (mask[q] for q in rest), (1 << len(SLOTS)) - 1)
            rest_value = value(rest) if len(rest) >= rnd.min_size else None
            best, best_gain = None, 0
            for d, other in enumerate(crews):
                if d == c:
                    continue
                if rest_value is not None and len(other) < rnd.max_size:  # move p to d
                    common = functools.reduce(operator.and_, (mask[q] for q in other), mask[p])
                    if common and keeps_rules(other, p):
                        gain = rest_value + value(other + [p]) - values[c] - values[d]
                        if gain > best_gain:
                            best, best_gain = (d, None), gain
                for q in other:  # swap p and q
                    if q in pinned or not mask[q] & rest_mask:
                        continue
                    stay = [r for r in other if r != q]
                    if (not functools.reduce(operator.and_, (mask[r] for r in stay), mask[p])
                            or not keeps_rules(stay, p) or not keeps_rules(rest, q)):
                        continue
                    gain = value(rest + [q]) + value(stay + [p]) - values[c] - values[d]
                    if gain > best_gain:
                        best, best_gain = (d, q), gain
            if best is None:
                continue
            d, q = best
            crews[d] = [r for r in crews[d] if r != q] + [p]
            crews[c] = rest + ([q] if q is not None else [])
            where[p] = d
            if q is not None:
                where[q] = c
            values[c], values[d] = value(crews[c]), value(crews[d])
            changed = True
        if not changed:
            break
        report(crews)
    return crews

def _loss(members: list[Person], target: int) -> int:
    """What a crew loses to its extra regions and seats away (``crew_score``'s costs, as a positive number)."""
    regions = {name_key(p.region) for p in members if p.region}
    return (-EXTRA_REGION * max(0, len(regions) - 1)
            - SEAT_AWAY * sum(abs(len(members) - (p.size or target)) for p in members))


def _pins(people: list[Person], pairs) -> list[tuple[int, int]]:
    idx = {name_key(p.name): i for i, p in enumerate(people)}
    return [(idx[name_key(a)], idx[name_key(b)]) for a, b in pairs if name_key(a) in idx and name_key(b) in idx]


def _solve(cp_model, ps: list[Person], hinted_crews: list[list[int]], rnd: Round, work: float,
           seconds: float, seed: int, presolve: bool, spent: bool = False,
           found: Callable[[list[list[int]]], None] | None = None, placing: bool = False):
    """Form crews from ``ps`` with CP-SAT, hinted with ``hinted_crews`` (indices into ``ps``); ``found`` is
    called with the crews of each better solution as the solver finds it; with ``placing`` the objective is
    only to place as many as possible (no soft goals), which the solver proves far sooner.

    Returns (crews, proven optimal, the objective's proven bound) — with ``spent`` the deterministic
    time used instead of the bound — or None when no answer was found in time."""
    n = len(ps)
    if seconds <= 0.01:
        return None
    idx = {name_key(p.name): i for i, p in enumerate(ps)}
    # Enough crews for everyone at the round's size, and a couple more for the solver to play with.
    K = max(min(n // rnd.min_size, -(-n // rnd.size) + 2), len([c for c in hinted_crews if c]))
    ordered = sorted((sorted(c) for c in hinted_crews if c), key=lambda c: c[0])  # numbered by first member
    crew_at = {p: c for c, members in enumerate(ordered) for p in members}
    m = cp_model.CpModel()

    def var(name: str, value, upper: int = 1):
        v = m.NewBoolVar(name) if upper == 1 else m.NewIntVar(0, upper, name)
        m.AddHint(v, int(value))
        return v

    x = {}
    for p in range(n):
        for c in range(min(K, p + 1)):  # symmetry: crews numbered by their first member
            x[p, c] = var(f"x{p}_{c}", crew_at.get(p) == c)
    crews_of = {p: [c for c in range(K) if (p, c) in x] for p in range(n)}
    members_of = {c: [p for p in range(n) if (p, c) in x] for c in range(K)}
    hinted = {c: [p for p in members_of[c] if crew_at.get(p) == c] for c in range(K)}
    placed = [var(f"placed{p}", p in crew_at) for p in range(n)]
    for p in range(n):
        m.Add(sum(x[p, c] for c in crews_of[p]) == placed[p])
    used = [var(f"used{c}", bool(hinted[c])) for c in range(K)]
    sizes = range(rnd.min_size, rnd.max_size + 1)
    # Each used crew has exactly one size: one flag per possible size (a handful), which also prices
    # the seats away from what people asked for per crew rather than per person and crew.
    size_is = {}
    for c in range(K):
        for k in sizes:
            size_is[c, k] = var(f"size{c}_{k}", len(hinted[c]) == k)
        m.Add(sum(size_is[c, k] for k in sizes) == used[c])
        m.Add(sum(x[p, c] for p in members_of[c]) == sum(k * size_is[c, k] for k in sizes))
        if c:
            m.AddImplication(used[c], used[c - 1])
    # A meeting slot per crew, which every member must have.
    slots = sorted({s for p in ps for s in p.slots}, key=SLOTS.index)
    meet = {}
    for c in range(K):
        common = [s for s in slots if hinted[c] and all(s in ps[p].slots for p in hinted[c])]
        for s in slots:
            meet[c, s] = var(f"meet{c}_{s}", bool(common) and s == common[0])
        m.Add(sum(meet[c, s] for s in slots) == used[c])
    # Nobody without the crew's slot is in it: one constraint per crew and slot, not per person.
    for c in range(K):
        for s in slots:
            lacking = [x[p, c] for p in members_of[c] if s not in ps[p].slots]
            if lacking:
                m.Add(sum(lacking) == 0).OnlyEnforceIf(meet[c, s])
    # At most one pair who know each other well per crew.
    pairs = sorted({tuple(sorted((idx[name_key(p.name)], idx[name_key(k)])))
                    for p in ps for k in p.knows
                    if name_key(k) in idx and name_key(k) != name_key(p.name)})
    for c in range(K):
        both = []
        for a, b in pairs:
            if (a, c) in x and (b, c) in x:
                v = var("", a in hinted[c] and b in hinted[c])
                m.AddBoolOr([x[a, c].Not(), x[b, c].Not(), v])
                both.append(v)
        if len(both) > 1:
            m.Add(sum(both) <= 1)
    # Last season's crews, when the round keeps them apart: never all of one in a crew.
    for whole in _whole_crews(ps, rnd):
        for c in range(K):
            if all((p, c) in x for p in whole):
                m.Add(sum(x[p, c] for p in whole) <= len(whole) - 1)
    # Pins.
    for i, j in _pins(ps, rnd.together):
        m.Add(placed[i] == placed[j])
        for c in range(K):
            m.Add(x.get((i, c), 0) == x.get((j, c), 0))
    for i, j in _pins(ps, rnd.apart):
        for c in range(K):
            if (i, c) in x and (j, c) in x:
                m.AddBoolOr([x[i, c].Not(), x[j, c].Not()])
    terms = [PLACED * sum(placed)]
    if placing:
        m.Maximize(sum(terms))
        return _run(cp_model, m, rnd, work, seconds, seed, presolve, spent, found, x, members_of, K)
    # Soft goals: the same terms as ``crew_score``.
    tag_holders: dict[str, list[int]] = {}
    for p, person in enumerate(ps):
        for t in {name_key(w) for w in person.work}:
            tag_holders.setdefault(t, []).append(p)
    region_of: dict[str, list[int]] = {}
    for p, person in enumerate(ps):
        if person.region:
            region_of.setdefault(name_key(person.region), []).append(p)
    for c in range(K):
        for t, holders in tag_holders.items():
            here = [p for p in holders if (p, c) in x]
            if not here:
                continue
            count = sum(1 for p in here if p in hinted[c])
            any_ = var("", count >= 1)
            m.Add(any_ <= sum(x[p, c] for p in here))
            terms.append(TAG * any_)
            if len(here) > 1:
                two = var("", count >= 2)
                m.Add(2 * two <= sum(x[p, c] for p in here))
                terms.append(SHARED_TAG * two)
        present = []
        for g, holders in region_of.items():
            here = [p for p in holders if (p, c) in x]
            if here:
                r = var("", any(p in hinted[c] for p in here))
                for p in here:
                    m.AddImplication(x[p, c], r)
                present.append(r)
        if len(present) > 1:
            some = var("", bool(hinted[c]) and any(ps[p].region for p in hinted[c]))
            m.Add(some <= sum(present))
            terms.append(EXTRA_REGION * (sum(present) - some))
    for c in range(K):
        cost = {k: [(abs(k - (ps[p].size or rnd.size)), x[p, c]) for p in members_of[c]] for k in sizes}
        top = max(sum(w for w, _ in cost[k]) for k in sizes)
        seats = var(f"seats{c}", sum(abs(len(hinted[c]) - (ps[p].size or rnd.size)) for p in hinted[c]), top)
        for k in sizes:
            m.Add(seats >= sum(w * v for w, v in cost[k] if w)).OnlyEnforceIf(size_is[c, k])
        terms.append(SEAT_AWAY * seats)
    m.Maximize(sum(terms))
    return _run(cp_model, m, rnd, work, seconds, seed, presolve, spent, found, x, members_of, K)


def _run(cp_model, m, rnd: Round, work: float, seconds: float, seed: int, presolve: bool, spent: bool, found,
         x, members_of, K):
    """Solve ``_solve``'s model ``m`` and read its crews back (see there)."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.random_seed = int(seed)
    prm.num_workers = rnd.workers
    prm.interleave_search = True  # with several workers, they take turns: the same answer for the same seed
    # Probing in presolve took seconds on a pool of 90 and bought nothing the search does not find.
    prm.cp_model_probing_level = 0
    prm.cp_model_presolve = presolve
    prm.max_deterministic_time = work
    prm.max_time_in_seconds = seconds

    class Found(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            found([c for c in ([p for p in members_of[c] if self.Value(x[p, c])] for c in range(K)) if c])

    status = solver.Solve(m, Found() if found else None)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    crews = [[p for p in members_of[c] if solver.Value(x[p, c])] for c in range(K)]
    crews = [c for c in crews if c]
    if spent:
        return crews, status == cp_model.OPTIMAL, solver.ResponseProto().deterministic_time
    return crews, status == cp_model.OPTIMAL, int(math.floor(solver.BestObjectiveBound() + 1e-6))


def _left_out(person: Person, rnd: Round) -> str:
    return (f"no crew of {rnd.min_size}–{rnd.max_size} could take them without breaking a rule: every crew shares a "
            f"weekly slot (theirs: {', '.join(person.slots)}), holds at most one pair who know each other well, "
            "and keeps the pins" + (", and none re-forms last season's crews whole" if _keeps_crews_apart(rnd) else ""))


def _keeps_crews_apart(rnd: Round) -> bool:
    return rnd.keep_apart and any(len(c) >= 2 for c in rnd.last_season)


def _relabel(crews: list[list[str]], idx: dict[str, int]) -> list[list[str]]:
    """Crews numbered by their first member, as the model's symmetry breaking expects."""
    crews = [sorted(c, key=lambda n: idx[name_key(n)]) for c in crews if c]
    return sorted(crews, key=lambda c: idx[name_key(c[0])])


def solution(s: Suggestion) -> list[list[str]]:
    return [list(c.members) for c in s.crews]


# --- baselines: the same objective, reached without a solver -------------------------------------


def greedy(people: list[Person], rnd: Round = Round()) -> list[list[str]]:
    """Crews built one person at a time (the least available first), each into the open crew where
    they add most to the score without breaking a hard constraint; crews left too small are undone."""
    by = {name_key(p.name): p for p in people}
    units = _clusters([name_key(p.name) for p in people], [(name_key(a), name_key(b)) for a, b in rnd.together])
    units = [[by[k] for k in u] for u in units]
    units.sort(key=lambda u: (len(set.intersection(*(set(p.slots) for p in u))), -len(u), name_key(u[0].name)))
    apart = {frozenset((name_key(a), name_key(b))) for a, b in rnd.apart}
    whole_crews = [{name_key(people[i].name) for i in whole} for whole in _whole_crews(people, rnd)]
    crews: list[list[Person]] = []

    def fits(crew, unit, limit):
        group = crew + unit
        return (len(group) <= limit and set.intersection(*(set(p.slots) for p in group))
                and len(known_pairs(group)) <= 1
                and not any(whole <= {name_key(p.name) for p in group} for whole in whole_crews)
                and not any(frozenset((name_key(a.name), name_key(b.name))) in apart for a in crew for b in unit))

    def place(unit, limit):
        best, gain = None, None
        for crew in crews:
            if fits(crew, unit, limit):
                g = crew_score(crew + unit, rnd.size) - crew_score(crew, rnd.size)
                if gain is None or g > gain:
                    best, gain = crew, g
        if best is not None:
            best.extend(unit)
            return True
        return False

    cannot = _cannot(people, rnd)  # e.g. pinned together with two pairs who know each other well
    for unit in units:
        if any(p.name in cannot for p in unit):
            continue
        if not place(unit, rnd.size):
            crews.append(list(unit))
    small = [c for c in crews if len(c) < rnd.min_size]
    crews = [c for c in crews if len(c) >= rnd.min_size]
    for crew in small:
        for unit in _clusters([name_key(p.name) for p in crew], [(name_key(a), name_key(b)) for a, b in rnd.together]):
            place([by[k] for k in unit], rnd.max_size)
    return [[p.name for p in c] for c in crews]


def random_crews(people: list[Person], rnd: Round = Round(), seed: int = 0) -> list[list[str]]:
    """Everyone shuffled and dealt into crews of the round's size (the last few join the others)."""
    names = [p.name for p in people]
    random.Random(seed).shuffle(names)
    k = max(1, len(names) // rnd.size)
    crews = [names[i * rnd.size:(i + 1) * rnd.size] for i in range(k)]
    for i, name in enumerate(names[k * rnd.size:]):
        crews[i % k].append(name)
    return crews
