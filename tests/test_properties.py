"""Scores are a pure function of the events: recording order does not matter, and voiding an
event removes exactly its awards."""

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsolidarity_widgets import Ledger
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money

MEMBERS = ["Ama", "Bo", "Caz", "Dev", "Eve"]
START = dt.date(2025, 1, 1)


def _day(n):
    return (START + dt.timedelta(days=n)).isoformat()


subset = st.lists(st.sampled_from(MEMBERS), min_size=2, max_size=5, unique=True)
actions = st.one_of(
    st.tuples(st.just("listening"), st.integers(0, 400), subset, st.booleans()),
    st.tuples(st.just("money"), st.integers(0, 400), subset, st.integers(0, 2)),
    st.tuples(st.just("meeting"), st.integers(0, 400), st.lists(st.sampled_from(MEMBERS), max_size=5, unique=True)),
    st.tuples(st.just("conflict"), st.integers(0, 400), subset, st.sampled_from(["resolved", "unresolved", None])),
    st.tuples(st.just("venture"), st.integers(0, 400), subset),
)


def play(ledger, action, n):
    kind, day = action[0], _day(action[1])
    if kind == "listening":
        return ledger.record(Listening("Crew", day, present=action[2], everyone_listened=action[3]))
    if kind == "money":
        speaker, *others = action[2]
        return ledger.record(Money("Crew", day, speaker=speaker, offers=[(o, "perspective") for o in others[: action[3]]],
                                   asks=["help"] * action[3] + [("a lift", others[-1:])], respectful=others[-1:],
                                   present=action[2]))
    if kind == "meeting":
        return ledger.record(Meeting("Crew", day, attended=action[2]))
    if kind == "conflict":
        cid = ledger.record(ConflictOpened("Crew", day, parties=action[2]))
        if action[3]:
            ledger.record(ConflictClosed(cid, day, outcome=action[3]))
        return cid
    return ledger.record(Venture("Crew", day, name=f"Venture {n}", form="co-op", owners=action[2]))


def scores(ledger):
    p = ledger.points()
    return p.groupby(["date", "member", "level"])["points"].sum().to_dict()


def fresh(tmp_path, name):
    ledger = Ledger.open(tmp_path / f"{name}.sqlite")
    ledger.add_group("Crew", MEMBERS, kind="crew", on=START)
    return ledger


def dedupe_meeting_days(acts):
    seen, out = set(), []
    for a in acts:
        if a[0] == "meeting":
            if a[1] in seen:
                continue
            seen.add(a[1])
        out.append(a)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(actions, min_size=1, max_size=12).map(dedupe_meeting_days), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_recording_order(tmp_path_factory, acts, rnd):
    tmp = tmp_path_factory.mktemp("order")
    a, b = fresh(tmp, "a"), fresh(tmp, "b")
    numbered = list(enumerate(acts))
    for n, act in numbered:
        play(a, act, n)
    rnd.shuffle(numbered)
    for n, act in numbered:
        play(b, act, n)
    assert scores(a) == scores(b)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(actions.filter(lambda a: a[0] != "meeting"), min_size=1, max_size=8), st.data())
def test_voiding_removes_exactly_its_awards(tmp_path_factory, acts, data):
    # Meetings are left out: voiding one re-ranks the member's later meetings, by design (tested elsewhere).
    ledger = fresh(tmp_path_factory.mktemp("void"), "v")
    ids = [play(ledger, act, n) for n, act in enumerate(acts)]
    target = data.draw(st.sampled_from(ids))
    before = ledger.points()
    closes = ledger.events().query("kind == 'conflict_closed' and ref_id == @target")["id"].tolist()
    for close in closes:  # a closed conflict is voided by voiding its close first
        ledger.void(close, reason="test")
    ledger.void(target, reason="test")
    after = ledger.points()
    removed = set(itertools.chain([target], closes))
    expected = before[~before["event_id"].isin(removed)]
    assert after.to_dict("records") == expected.to_dict("records")
