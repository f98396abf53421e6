"""The formation round: every hard rule holds in every suggestion, or the reason says who cannot be placed
and why; the same pool and seed give the same crews; the explanations say what the crew shares."""

from __future__ import annotations

import itertools
import os
import select
import time
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets import formation as f
from microsolidarity_widgets.formation import Person, Round

SOME_SLOTS = ["Tue evening", "Thu morning", "Sat morning", "Sun afternoon"]
TAGS = ["gardening", "co-ops", "software", "care", "music"]
# Small searches keep the property tests quick; the hard rules do not depend on how long it searched, nor
# on how many copies searched (a copy would double a fixed search's CPU while the suite keeps both cores busy).
QUICK = dict(work=0.3, time_limit=20.0, processes=1)


@st.composite
def pools(draw):
    n = draw(st.integers(0, 14))
    names = [f"P{i}" for i in range(n)]
    people = []
    for i, name in enumerate(names):
        knows = draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []
        people.append(Person(name, tuple(draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))),
                             tuple(s for s in f.SLOTS if s in draw(st.lists(st.sampled_from(SOME_SLOTS), max_size=3))),
                             draw(st.sampled_from([None, "Lisbon", "Porto"])), draw(st.sampled_from([None, 3, 4, 5, 6])),
                             tuple(k for k in knows if k != name)))
    low = draw(st.integers(3, 5))
    high = draw(st.integers(low, 7))
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1]) if n > 1 else None
    together = draw(st.lists(pairs, max_size=2)) if pairs is not None else []
    # Pins apart that pins together contradict (directly or through a chain) are refused by Round.check.
    crew_of = {n: i for i, group in enumerate(f._clusters(names, together)) for n in group}
    apart = [p for p in (draw(st.lists(pairs, max_size=2)) if pairs is not None else [])
             if crew_of[p[0]] != crew_of[p[1]]]
    rnd = Round(size=draw(st.integers(low, high)), min_size=low, max_size=high, together=tuple(together),
                apart=tuple(apart), seed=draw(st.integers(0, 3)), **QUICK)
    return people, rnd


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_every_hard_rule_holds_or_the_reason_says_who_and_why(case):
    people, rnd = case
    s = f.suggest(people, rnd)
    crews = f.solution(s)
    assert f.violations(crews, people, rnd) == []
    placed = [n for c in crews for n in c]
    assert len(placed) == len(set(placed))
    assert sorted(placed + list(s.unplaced)) == sorted(p.name for p in people)  # placed, or a reason
    assert all(isinstance(why, str) and why for why in s.unplaced.values())
    for name, why in s.unplaced.items():
        person = next(p for p in people if p.name == name)
        if not person.slots and len(people) >= rnd.min_size:
            assert "gave no weekly slot" in why
    if s.bound is not None:
        assert s.score <= s.bound and s.gap >= 0
    assert s.score == f.score(crews, people, rnd)  # the solver's objective is the one the baselines get
    assert s.score >= f.score(f.greedy(people, rnd), people, rnd) or len(placed) > len(
        [n for c in f.greedy(people, rnd) for n in c])  # never worse than where it started


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_same_pool_and_seed_same_suggestion(case):
    people, rnd = case
    first, again = f.suggest(people, rnd), f.suggest(people, rnd)
    assert f.solution(first) == f.solution(again) and first.unplaced == again.unplaced


def test_same_seed_same_crews_on_a_pool_of_forty():
    people = [Person(f"P{i:02d}", (TAGS[i % 5], TAGS[(i * 3) % 5]), (SOME_SLOTS[i % 2], "Sat morning"),
                     ["Lisbon", "Porto"][i % 2], [None, 5, 6][i % 3]) for i in range(40)]
    rnd = Round(seed=7, work=0.5, time_limit=60, processes=1)
    assert f.solution(f.suggest(people, rnd)) == f.solution(f.suggest(people, rnd))


def test_a_crew_is_explained_in_words():
    people = [Person("Ama", ("gardening", "co-ops"), ("Tue evening",), "Lisbon"),
              Person("Bo", ("co-ops", "software"), ("Tue evening", "Thu morning"), "Lisbon", knows=("Ama",)),
              Person("Caz", ("gardening",), ("Tue evening",), "Lisbon", 3)]
    s = f.suggest(people, Round(size=3, min_size=3, max_size=3))
    assert s.status == "optimal" and s.gap == 0
    assert s.crews[0].why == ("all can meet Tuesday evenings; share: co-ops, gardening; each also brings: software; "
                              "all in Lisbon; 1 of the 1 who gave a crew size asked for 3; "
                              "Ama and Bo already know each other well.")


def test_one_region_is_not_said_of_those_who_gave_none():
    people = [Person("Ama", ("co-ops",), ("Tue evening",), "Porto"), Person("Bo", ("co-ops",), ("Tue evening",)),
              Person("Caz", ("co-ops",), ("Tue evening",))]
    why = f.describe(people).why
    assert "all in Porto" not in why and "Ama in Porto, the others gave no region" in why


def test_reasons_name_the_rule_and_the_person():
    lone = Person("Lone", ("x",), ("Sun evening",))
    none = Person("Nobody", ("x",), ())
    rest = [Person(f"P{i}", ("x",), ("Tue evening",)) for i in range(6)]
    s = f.suggest(rest + [lone, none], Round(size=3, min_size=3, max_size=4, **QUICK))
    assert "no weekly slot of theirs (Sun evening) is shared by 2 others" in s.unplaced["Lone"]
    assert "gave no weekly slot" in s.unplaced["Nobody"]
    big = Round(size=3, min_size=3, max_size=3, together=(("P0", "P1"), ("P1", "P2"), ("P2", "P3")), **QUICK)
    s = f.suggest(rest, big)
    assert "P0, P1, P2, P3 are pinned together, more than the largest crew of 3" in s.unplaced["P0"]
    friends = [Person(f"F{i}", (), ("Tue evening",), knows=tuple(f"F{j}" for j in range(4) if j != i)) for i in range(4)]
    s = f.suggest(friends, Round(size=4, min_size=4, max_size=4, **QUICK))
    assert not s.crews and all("at most one pair who know each other well" in w for w in s.unplaced.values())
    s = f.suggest(rest[:2], Round(**QUICK))
    assert all("the round has 2 people; a crew needs at least 4" == w for w in s.unplaced.values())


def test_pins_apart_and_together_are_kept():
    people = [Person(f"P{i}", (), ("Tue evening",)) for i in range(8)]
    rnd = Round(size=4, min_size=4, max_size=4, together=(("P0", "P7"),), apart=(("P0", "P1"), ("P2", "P3")), **QUICK)
    s = f.suggest(people, rnd)
    assert not s.unplaced and s.crew_of("P0") == s.crew_of("P7") != s.crew_of("P1")
    assert s.crew_of("P2") != s.crew_of("P3")


@pytest.mark.parametrize("text, slot", [("tuesday evenings", "Tue evening"), ("SAT-morning", "Sat morning"),
                                        (" Thu   afternoon ", "Thu afternoon"), ("sun night", "Sun evening")])
def test_slots_in_the_forms_people_write(text, slot):
    assert f.parse_slot(text) == slot


@pytest.mark.parametrize("text", ["Tuesday", "evening", "Tue 19:00", "every day", "Mon morning evening"])
def test_a_slot_in_an_unknown_format_is_refused_in_plain_words(text):
    with pytest.raises(LedgerError, match="is not a weekly slot we know: write a day and a part of the day"):
        f.parse_slot(text)


def test_bad_rounds_are_refused():
    people = [Person("A", (), ("Tue evening",)), Person("a ", (), ("Tue evening",))]
    with pytest.raises(LedgerError, match="in the round twice"):
        f.suggest(people)
    with pytest.raises(LedgerError, match="from 3 to 8"):
        f.suggest([], Round(max_size=9))
    with pytest.raises(LedgerError, match="must lie within the range 4–6"):
        f.suggest([], Round(size=3))
    with pytest.raises(LedgerError, match="Zed is pinned but is not in this round"):
        f.suggest(people[:1], Round(apart=(("A", "Zed"),)))


# --- the bound and the neighbourhood search (pools above formation.WHOLE_POOL) ---------------------


def _every_answer(people, rnd):
    """Every assignment of these people to crews or to none (each crew listed once), as name lists."""
    names = [p.name for p in people]

    def walk(i, crews):
        if i == len(names):
            yield [list(c) for c in crews if c]
            return
        yield from walk(i + 1, crews)  # left out
        for c in crews:
            c.append(names[i])
            yield from walk(i + 1, crews)
            c.pop()
        crews.append([names[i]])
        yield from walk(i + 1, crews)
        crews.pop()

    yield from walk(0, [])


def few(case, n: int) -> tuple[list, Round]:
    """The first ``n`` people of a drawn pool, and its round with only their pins: small enough to
    try every answer."""
    people, rnd = case
    people = people[:n]
    keys = {p.name for p in people}
    return people, Round(size=rnd.size, min_size=rnd.min_size, max_size=rnd.max_size,
                         together=tuple(p for p in rnd.together if set(p) <= keys),
                         apart=tuple(p for p in rnd.apart if set(p) <= keys), seed=rnd.seed, **QUICK)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_the_bound_is_above_the_score_of_every_answer_that_keeps_the_rules(case):
    people, rnd = few(case, 7)
    anyone, everyone = f.upper_bound(people, rnd, everyone=False), f.upper_bound(people, rnd)
    best = None
    for crews in _every_answer(people, rnd):
        if f.violations(crews, people, rnd):
            continue
        s = f.score(crews, people, rnd)
        assert s <= anyone
        if sum(map(len, crews)) == len(people):
            assert s <= everyone
        best = s if best is None else max(best, s)
    if people:
        s = f.suggest(people, rnd)
        if s.bound is not None and s.crews:
            placed = sum(len(c.members) for c in s.crews)
            as_many = [f.score(c, people, rnd) for c in _every_answer(people, rnd)
                       if sum(map(len, c)) == placed and not f.violations(c, people, rnd)]
            assert max(as_many) <= s.bound  # the suggestion's bound holds for every answer placing as many


@pytest.mark.parametrize("wanted, low, high, fewest", [
    ([4] * 4 + [6] * 6, 4, 6, 0), ([5] * 10, 4, 6, 0), ([4] * 5, 4, 6, 5), ([6] * 7, 4, 6, 0),  # 7 people fit no crews of 4–6: nothing to bound
    ([3, 8, 8, 8, 8, 8, 8, 8], 4, 8, 5)])
def test_the_fewest_seats_away(wanted, low, high, fewest):
    assert f._fewest_seats_away(sorted(wanted), Round(size=low, min_size=low, max_size=high)) == fewest


def _big_pool(n=60, seed=3):
    import random

    r = random.Random(seed)
    names = [f"Q{i:02d}" for i in range(n)]
    people = []
    for i, name in enumerate(names):
        slots = tuple(s for s in f.SLOTS if s in set(r.sample(SOME_SLOTS, r.randint(1, 2))))
        people.append(Person(name, tuple(r.sample(TAGS, r.randint(1, 3))), slots if i != 7 else (),
                             r.choice(["Lisbon", "Porto", "Madrid", None]), r.choice([None, 4, 5, 6]),
                             tuple(r.sample(names[:i], min(i, r.choice([0, 1, 2]))))))
    return people


def test_a_large_pool_keeps_every_rule_and_is_never_worse_than_greedy():
    people = _big_pool()
    assert len(people) > f.WHOLE_POOL
    rnd = Round(together=(("Q01", "Q02"), ("Q02", "Q30")), apart=(("Q03", "Q04"), ("Q05", "Q06")), seed=2, **QUICK)
    s = f.suggest(people, rnd)
    crews = f.solution(s)
    assert s.status in ("feasible", "optimal") and f.violations(crews, people, rnd) == []
    placed = [n for c in crews for n in c]
    assert sorted(placed + list(s.unplaced)) == sorted(p.name for p in people)
    assert "gave no weekly slot" in s.unplaced["Q07"]
    assert s.score == f.score(crews, people, rnd)
    g = f.greedy(people, rnd)
    assert (len(placed), s.score) >= (sum(map(len, g)), f.score(g, people, rnd))
    assert f.score(g, people, rnd) <= s.bound and s.score <= s.bound and 0 <= s.gap < 1


def test_the_search_of_a_large_pool_gives_the_same_crews_for_the_same_seed():
    people = _big_pool(seed=4)
    rnd = Round(seed=5, work=0.3, time_limit=120, processes=1)
    first, again = f.suggest(people, rnd), f.suggest(people, rnd)
    assert f.solution(first) == f.solution(again) and first.unplaced == again.unplaced
    assert (first.score, first.bound, first.status) == (again.score, again.bound, again.status)


def test_edited_crews_that_keep_the_rules_are_where_the_search_starts():
    people = _big_pool(seed=6)
    rnd = Round(seed=1, **QUICK)
    start = f.greedy(people, rnd)
    s = f.suggest(people, rnd, hint=start)
    assert s.score >= f.score(start, people, rnd) and f.violations(f.solution(s), people, rnd) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_the_share_bound_alone_is_above_the_best_answer(case):
    """``upper_bound`` is the lower of two bounds; each must hold on its own, so the share bound is checked
    without the other one to hide behind, against every answer of small pools."""
    people, rnd = few(case, 7)
    anyone, everyone = f._share_bound(people, rnd)
    assert f.upper_bounds(people, rnd) == (f.upper_bound(people, rnd, everyone=False), f.upper_bound(people, rnd))
    best_any = best_all = None
    for crews in _every_answer(people, rnd):
        if f.violations(crews, people, rnd):
            continue
        s = f.score(crews, people, rnd)
        best_any = s if best_any is None else max(best_any, s)
        if sum(map(len, crews)) == len(people):
            best_all = s if best_all is None else max(best_all, s)
    assert best_any is None or best_any <= anyone
    assert best_all is None or best_all <= everyone


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_the_share_bound_without_its_table_of_sizes_is_still_above_the_best_answer(case):
    """Rounds with many sizes skip the table (too slow): each person's best size on their own, still a bound."""
    people, rnd = few(case, 6)
    with_table = f._share_bound(people, rnd)
    old, f.SIZE_TABLE = f.SIZE_TABLE, 0
    try:
        anyone, everyone = f._share_bound(people, rnd)
    finally:
        f.SIZE_TABLE = old
    assert anyone >= with_table[0] and (everyone >= with_table[1] or with_table[1] == 0)
    for crews in _every_answer(people, rnd):
        if not f.violations(crews, people, rnd):
            s = f.score(crews, people, rnd)
            assert s <= anyone and (sum(map(len, crews)) < len(people) or s <= everyone)


def test_the_bound_is_tight_when_sharing_needs_mixed_regions():
    """Each interest is held by one person in Lisbon and one in Porto: pairing them costs a second region.
    Crews of four score 8 at best either way (4 + 4 kept apart, or 2 × (8 − 4) mixed); the bound assuming
    every interest pairs off says 16, the share bound 8, so the answer is proven optimal."""
    people = [Person(f"{city[0]}{i}", (f"t{i}",), ("Tue evening",), city, 4) for city in ("Lisbon", "Porto")
              for i in range(4)]
    rnd = Round(size=4, min_size=4, max_size=4, **QUICK)
    best = max(f.score(c, people, rnd) for c in _every_answer(people, rnd)
               if sum(map(len, c)) == 8 and not f.violations(c, people, rnd))
    assert best == 8
    assert f._pairing_bound(people, rnd, True) == 16
    assert f.upper_bound(people, rnd) == 8
    s = f.suggest(people, rnd)
    assert s.score == 8 and s.gap == 0 and s.status == "optimal"


def test_the_bound_counts_a_slot_shared_with_the_partner():
    """Ama and Bo share an interest but no slot: neither can gain from it, whatever the crews."""
    people = [Person("Ama", ("gardening",), ("Tue evening",)), Person("Bo", ("gardening",), ("Sat morning",))]
    people += [Person(f"T{i}", (), ("Tue evening",)) for i in range(3)]
    people += [Person(f"S{i}", (), ("Sat morning",)) for i in range(3)]
    rnd = Round(size=4, min_size=4, max_size=4, **QUICK)
    assert f.upper_bound(people, rnd) == 2 == f.suggest(people, rnd).score


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_moves_and_swaps_keep_every_rule_and_never_lower_the_score(case):
    people, rnd = case
    people = [p for p in people if p.name not in f._cannot(people, rnd)]
    idx = {p.name: i for i, p in enumerate(people)}
    start = [[idx[n] for n in c] for c in f.greedy(people, rnd)]
    better = f._improve(people, start, rnd, deadline=float("inf"))
    names = [[people[i].name for i in c] for c in better]
    assert f.violations(names, people, rnd) == []
    assert sorted(i for c in better for i in c) == sorted(i for c in start for i in c)
    before = f.score([[people[i].name for i in c] for c in start], people, rnd)
    assert f.score(names, people, rnd) >= before
    assert f._improve(people, start, rnd, deadline=float("inf")) == better  # the same seed, the same crews


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools(), st.integers(0, 2))
def test_the_annealing_keeps_every_rule_leaves_nobody_out_it_had_and_never_does_worse(case, dropped):
    """From greedy crews with one crew taken apart (its people left out, to be placed again if a crew can
    take them), over a fixed number of draws: every hard rule, everyone placed still placed, never worse."""
    people, rnd = case
    people = [p for p in people if p.name not in f._cannot(people, rnd)]
    idx = {p.name: i for i, p in enumerate(people)}
    start = [[idx[n] for n in c] for c in f.greedy(people, rnd)]
    start = [c for i, c in enumerate(start) if i != dropped or len(start) < 3]
    after = f._anneal(people, start, rnd, deadline=float("inf"), steps=3000)
    names = [[people[i].name for i in c] for c in after]
    assert f.violations(names, people, rnd) == []
    assert {i for c in start for i in c} <= {i for c in after for i in c}
    before = f.score([[people[i].name for i in c] for c in start], people, rnd)
    assert (sum(map(len, after)), f.score(names, people, rnd)) >= (sum(map(len, start)), before)
    assert f._anneal(people, start, rnd, deadline=float("inf"), steps=3000) == after  # same seed, same crews


def test_the_annealing_places_whoever_the_start_left_out_once_a_crew_can_take_them():
    people = [Person(f"P{i}", ("music",), ("Tue evening",)) for i in range(9)]
    rnd = Round(size=4, min_size=4, max_size=5)
    after = f._anneal(people, [[0, 1, 2, 3], [4, 5, 6, 7]], rnd, deadline=float("inf"), steps=600)
    assert sorted(i for c in after for i in c) == list(range(9))


def test_progress_is_reported_as_the_search_goes_and_ends_with_the_answer():
    people = _big_pool(seed=3)
    seen = []
    s = f.suggest(people, Round(seed=1, **QUICK), progress=seen.append)
    assert len(seen) > 2 and all(0 <= p.done <= 1 for p in seen)
    assert [(p.placed, p.score) for p in seen] == sorted((p.placed, p.score) for p in seen)  # the best so far
    assert seen[-1] == f.Progress(1.0, len(s.crews), sum(len(c.members) for c in s.crews), s.score)


# --- the next round knows the last (issue 24): last season's crews -----------------------------------


@st.composite
def pools_with_history(draw):
    """A pool and round as ``pools`` draws them, with last season's crews drawn over the pool and some
    people no longer in it, the history on or off, pairs marked new to each other, and crews kept apart."""
    people, rnd = draw(pools())
    names = [p.name for p in people] + ["Gone 1", "Gone 2"]
    last = draw(st.lists(st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True), max_size=4))
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1])
    fresh = draw(st.lists(pairs, max_size=2))
    return people, replace(rnd, last_season=tuple(map(tuple, last)), history=draw(st.booleans()),
                           keep_apart=draw(st.booleans()), new_to_each_other=tuple(fresh))


def _history_broken(crews: list[list[str]], people: list[Person], rnd: Round) -> list[str]:
    """The rules of last season, checked here on their own (not with ``violations``): with the history on,
    at most one pair per crew who know each other well or shared a crew last season (unless marked new to
    each other); with ``keep_apart``, no crew holds every one of a previous crew's two or more members in
    the round."""
    present = {p.name for p in people}
    said = {frozenset((p.name, k)) for p in people for k in p.knows if k in present and k != p.name}
    fresh = {frozenset(pair) for pair in rnd.new_to_each_other}
    before = {frozenset(pair) for crew in rnd.last_season for pair in itertools.combinations(set(crew) & present, 2)}
    out = []
    for i, crew in enumerate(crews):
        pairs = {frozenset(pair) for pair in itertools.combinations(crew, 2)}
        known = pairs & (said | ((before - fresh) if rnd.history else set()))
        if len(known) > 1:
            out.append(f"crew {i} holds {len(known)} known pairs")
        for old in rnd.last_season:
            here = set(old) & present
            if rnd.keep_apart and len(here) >= 2 and here <= set(crew):
                out.append(f"crew {i} re-forms {sorted(here)}")
    return out


def _seen_by_the_round(people: list[Person], rnd: Round) -> tuple[list[Person], Round]:
    """The people a search works on, as ``suggest`` hands them over (those no crew can take left out),
    and the round with last season's crews cut down to them."""
    rnd = f._present(people, rnd)
    people = f.with_history(people, rnd)
    people = [p for p in people if p.name not in f._cannot(people, rnd)]
    return people, f._present(people, rnd)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools_with_history())
def test_the_formation_keeps_every_hard_rule_with_history_on_random_pools(case):
    people, rnd = case
    s = f.suggest(people, rnd)
    crews = f.solution(s)
    assert _history_broken(crews, people, rnd) == []
    assert f.violations(crews, people, rnd) == []
    assert sorted([n for c in crews for n in c] + list(s.unplaced)) == sorted(p.name for p in people)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools_with_history())
def test_greedy_keeps_last_seasons_rules(case):
    people, rnd = case
    people, rnd = _seen_by_the_round(people, rnd)
    crews = f.greedy(people, rnd)
    assert _history_broken(crews, people, rnd) == []
    assert f.violations(crews, people, rnd) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools_with_history())
def test_the_annealing_and_the_moves_keep_last_seasons_rules(case):
    people, rnd = case
    people, rnd = _seen_by_the_round(people, rnd)
    idx = {p.name: i for i, p in enumerate(people)}
    start = [[idx[n] for n in c] for c in f.greedy(people, rnd)]
    for after in (f._anneal(people, start, rnd, deadline=float("inf"), steps=3000),
                  f._improve(people, start, rnd, deadline=float("inf"))):
        names = [[people[i].name for i in c] for c in after]
        assert _history_broken(names, people, rnd) == []
        assert f.violations(names, people, rnd) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools_with_history())
def test_the_solver_keeps_last_seasons_rules(case):
    people, rnd = case
    from ortools.sat.python import cp_model

    people, rnd = _seen_by_the_round(people, rnd)
    found = f._solve(cp_model, people, [], rnd, 0.3, 20.0, 0, presolve=True)
    if found is not None:
        names = [[people[i].name for i in c] for c in found[0]]
        assert _history_broken(names, people, rnd) == []
        assert f.violations(names, people, rnd) == []


def test_a_large_pool_with_history_keeps_last_seasons_crews_apart():
    people = _big_pool(seed=5)
    names = [p.name for p in people]
    last = tuple(tuple(names[i:i + 5]) for i in range(0, 60, 5))
    for history in (True, False):
        rnd = Round(seed=2, last_season=last, history=history, keep_apart=True, **QUICK)
        crews = f.solution(f.suggest(people, rnd))
        assert _history_broken(crews, people, rnd) == [] and f.violations(crews, people, rnd) == []


def test_last_season_counts_as_knowing_each_other_well_unless_the_round_says_otherwise():
    people = [Person(n, ("care",), ("Tue evening",)) for n in ("Ama", "Bo", "Caz", "Dev", "Eli", "Fay")]
    last = (("Ama", "Bo", "Caz"), ("Dev", "Gone"))
    seen = {p.name: set(p.knows) for p in f.with_history(people, Round(last_season=last))}
    assert seen["Ama"] == {"Bo", "Caz"} and seen["Dev"] == set()  # someone not in the round knows nobody here
    assert f.with_history(people, Round(last_season=last, history=False)) == people
    fresh = {p.name: set(p.knows) for p in f.with_history(people, Round(last_season=last,
                                                                        new_to_each_other=(("bo", "AMA"),)))}
    assert fresh["Ama"] == {"Caz"} and fresh["Bo"] == {"Caz"}
    # Ama, Bo and Caz in one crew: three pairs from last season, which the history forbids.
    one = [["Ama", "Bo", "Caz", "Dev", "Eli", "Fay"]]
    assert "3 pairs who already know each other well" in " ".join(f.violations(one, people, Round(last_season=last)))
    assert f.violations(one, people, Round(last_season=last, history=False)) == []
    assert "re-forms last season's crew of Ama, Bo, Caz" in " ".join(
        f.violations(one, people, Round(last_season=last, history=False, keep_apart=True)))


def test_explanations_say_who_were_together_last_season():
    people = [Person(n, ("care",), ("Tue evening",), knows=("Dev",) if n == "Caz" else ())
              for n in ("Ama", "Bo", "Caz", "Dev")]
    rnd = Round(last_season=(("Ama", "Bo", "Gone"),), min_size=3, size=4)
    why = f.describe(people, rnd).why
    assert "Ama and Bo were together last season" in why and "Caz and Dev already know each other well" in why
    s = f.suggest([replace(p, knows=()) for p in people], rnd)
    assert "Ama and Bo were together last season" in s.crews[0].why
    assert "were together" not in f.describe(people).why  # without the round, nothing of last season is said


def test_no_search_re_forms_a_crew_whole_even_where_it_would_score_more():
    """Two crews of last season, each of one region: crews of four of one region would score most, and
    would be last season's crews again. Kept apart, greedy, the solver, the annealing and the moves mix them."""
    from ortools.sat.python import cp_model

    people = [Person(n, ("care",), ("Tue evening",), "Lisbon" if i < 4 else "Porto") for i, n in enumerate("ABCDEFGH")]
    rnd = Round(size=4, min_size=4, max_size=4, history=False, keep_apart=True, last_season=(tuple("ABCD"), tuple("EFGH")))
    loose = replace(rnd, keep_apart=False)
    assert sorted(map(sorted, f.solution(f.suggest(people, loose)))) == [list("ABCD"), list("EFGH")]
    mixed = [[0, 1, 2, 4], [3, 5, 6, 7]]
    found = {"greedy": f.greedy(people, rnd), "suggest": f.solution(f.suggest(people, rnd)),
             "solver": [[people[i].name for i in c] for c in f._solve(cp_model, people, mixed, rnd, 1.0, 20.0, 0, True)[0]],
             "annealing": [[people[i].name for i in c] for c in f._anneal(people, mixed, rnd, float("inf"), 3000)],
             "moves": [[people[i].name for i in c] for c in f._improve(people, mixed, rnd, float("inf"))]}
    for how, crews in found.items():
        assert _history_broken(crews, people, rnd) == [], how
        assert sum(map(len, crews)) == 8, how


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(3, 5))
def test_the_annealing_prices_each_change_as_scoring_the_two_crews_again_would(rng, low):
    """The running counts (``_Tally``) price a move or a swap by the interests, region and seats of the one
    or two people who change crews; after any series of changes the price is what ``crew_score`` says of
    the two crews after, less before, and the slots a crew shares are those of its members."""
    people = [Person(f"P{i}", tuple(rng.sample(TAGS, rng.randint(0, 3))), tuple(rng.sample(SOME_SLOTS[:2], 1)),
                     rng.choice([None, "Lisbon", "Porto"]), rng.choice([None, 3, 4, 5, 6])) for i in range(30)]
    rnd = Round(size=low + 1, min_size=low, max_size=low + 2)
    crews = [list(range(i, i + low + 1)) for i in range(0, 30 - low, low + 1)]
    bits = f._Bits(people, rnd)
    tally = f._Tally(people, crews, rnd, bits)
    for _ in range(60):
        c, d = rng.sample(range(len(tally.crews)), 2)
        here, there = tally.crews[c], tally.crews[d]
        kc, kd = len(here), len(there)
        before = bits.value(here) + bits.value(there)
        p = rng.choice(here)
        if kc > low and kd < rnd.max_size and rng.random() < 0.5:
            gain = tally.move_gain(p, c, d, kc, kd)
            tally.move(p, d)
        else:
            q = rng.choice(there)
            gain = tally.swap_gain(p, q, c, d, kc, kd)
            tally.swap(p, q)
        assert bits.value(tally.crews[c]) + bits.value(tally.crews[d]) - before == gain
        for e in (c, d):
            assert tally.common[e] == bits.common(tally.crews[e])
            for r in tally.crews[e]:
                assert tally.rest[r] == bits.common([s for s in tally.crews[e] if s != r])


def test_a_round_anneals_in_a_copy_of_itself_per_core_and_keeps_the_best_crews():
    """Two processes, each from the same crews with its own seed (the round's, then the next): the better
    crews are kept, and with a fixed number of draws the same round still gives the same crews."""
    people = _big_pool(seed=4)
    rnd = Round(seed=0, **QUICK)
    alone, next_seed = (f.suggest(people, replace(rnd, seed=s, processes=1)) for s in (0, 1))
    assert next_seed.score > alone.score  # on this pool, seed 1 anneals to better crews than seed 0
    both = f.suggest(people, replace(rnd, processes=2))
    assert both.score == next_seed.score and f.violations(f.solution(both), people, rnd) == []
    assert f.solution(both) == f.solution(f.suggest(people, replace(rnd, processes=2)))


def test_a_copy_that_fails_or_is_late_is_left_out_and_stopped():
    failing = f._Forked(lambda: 1 / 0)
    assert failing.result(float("inf")) is None
    late = f._Forked(lambda: select.select([], [], []))  # waits for ever
    assert late.result(time.perf_counter() + 0.05) is None
    with pytest.raises(ChildProcessError):  # stopped and reaped: no process left behind
        os.waitpid(late.pid, 0)
    assert f._Forked(lambda: [[1, 2], [3]]).result(float("inf")) == [[1, 2], [3]]


def test_placing_everyone_in_a_small_pool_may_take_most_of_the_round(monkeypatch):
    """On a loaded machine a round gets a fraction of a core: placing as many as possible comes first and
    may take three quarters of the time (half left too little to place everyone a pool of 20 could)."""
    given = []
    solve = f._solve

    def recorded(*args, placing=False, **kwargs):
        given.append((placing, args[5]))
        return solve(*args, placing=placing, **kwargs)

    monkeypatch.setattr(f, "_solve", recorded)
    people = [Person(f"P{i}", ("music",), ("Tue evening",)) for i in range(8)]
    f.suggest(people, Round(size=4, min_size=4, max_size=4, time_limit=20.0))
    seconds = dict(given)
    assert seconds[True] > 0.6 * 20 and seconds[False] < seconds[True]


def test_no_copy_is_started_when_little_of_the_round_is_left(monkeypatch):
    """Forking costs more than a search of the last few tenths of a second would find on a loaded machine."""
    started = []

    class Counted:  # a copy that is counted and answers nothing
        def __init__(self, job):
            started.append(job)

        def result(self, deadline):
            return None

        def stop(self):
            pass

    monkeypatch.setattr(f, "_Forked", Counted)
    people = _big_pool(seed=4)
    people = [p for p in people if p.name not in f._cannot(people, Round())]
    crews = [list(range(i, i + 5)) for i in range(0, len(people) - 4, 5)]
    crews = [c for c in crews if not f.violations([[people[i].name for i in c]], people, Round())]
    rnd = Round(processes=2, work=0.01, time_limit=20.0)
    now = time.perf_counter()
    f._search(people, crews, rnd, now + 2, now + 2, lambda *_: None)  # a tenth of the round left
    assert started == []
