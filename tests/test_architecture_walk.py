"""One offer, from a member's phone to the trust chart, crosses at most eight homes (docs/architecture.md,
"One offer, from a phone to the chart"; issue #22 asks for at most 8 modules).

``WALK`` is that path as the code takes it: each step a function that takes the offer (or the round it
joins, its rows, its points) and the calls by which it hands it on. The tests read each step's code
with ``ast``: the step exists and makes those calls; every call it (or a helper of its own module it
calls) makes with something to hand on (arguments) that reaches the package's code outside the walk
lands in a helper the offer is only checked or worded with; and the steps live in at most eight homes
(a level's folder is one home; the files are counted too). Lookups with nothing to hand on
(``levels.all_levels()``) are not hops.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
import types
from dataclasses import dataclass

import pytest

from microsolidarity_widgets import levels, rules
from microsolidarity_widgets.levels import money

PACKAGE = "microsolidarity_widgets"
MOST_HOMES = 8  # the bound
# Modules the offer is checked or worded with on its way, which take nothing of it to hand on (as in
# the count the issue started from): names and texts, errors, the languages, the pages' kit.
HELPERS = {"values", "errors", "i18n", "apps.controls", "apps.markup"}
# What the chart is worded and coloured with, from the review: dates and names in, words and colours out.
WORDED_WITH = {"review.span_words", "review.cycle_colours"}


@dataclass(frozen=True)
class Step:
    module: str           # under the package: "members.routes"
    name: str             # "MemberRecord.post"
    hands: tuple = ()     # the calls (by the name called) through which it hands the offer on

    def function(self):
        found = importlib.import_module(f"{PACKAGE}.{self.module}")
        for part in self.name.split("."):
            found = getattr(found, part)
        return found


WALK = [
    # A member's phone sends an offer: the money level's form makes it a proposal, recorded in a record thread.
    Step("members.routes", "MemberRecord.post", hands=("event", "recorded", "record")),
    Step("members.routes", "LevelFormHandler.event", hands=("event",)),  # the level's PhoneForm.event
    Step("levels.money", "_from_phone", hands=("Proposal",)),
    Step("ledger", "Ledger.record", hands=("_commit",)),
    Step("ledger", "Ledger._commit", hands=("batch", "write")),
    Step("ledger", "Ledger.batch", hands=("with_retries", "_locked", "Batch")),
    Step("ledger", "_locked", hands=("write",)),
    Step("storage", "Store.write"),
    Step("ledger", "Batch.write", hands=("rule", "add", "settle")),
    Step("rules", "Event.entry", hands=("rule",)),  # a proposal's rule, ``propose``; a round's, ``record_money``
    Step("rules", "propose", hands=("Entry",)),
    Step("ledger", "Batch.add", hands=("copy_event",)),
    Step("ledger", "Batch.copy_event", hands=("insert",)),  # into storage's tables
    # The facilitator's money page lists it, takes it into the round, records the round.
    Step("levels.money.page", "MoneyApp.waiting", hands=("proposals",)),
    Step("ledger", "Ledger.proposals", hands=("answer",)),
    Step("rules", "answer"),
    Step("levels.money.page", "MoneyApp.draft", hands=("Money",)),
    Step("apps.session", "Session.record", hands=("record", "refresh_chart")),
    Step("levels.money", "record_money", hands=("waiting_proposal", "Entry")),
    Step("rules", "waiting_proposal"),
    Step("rules", "settle", hands=("waiting_proposal", "Entry")),
    # The page's trust chart grows: the history read back, scored, summed over time and drawn.
    Step("apps.session", "Session.refresh_chart", hands=("_trust_chart",)),
    Step("apps.session", "Session._trust_chart", hands=("_trust", "trust_chart")),
    Step("apps.session", "_group_trust", hands=("trust_over_time",)),
    Step("ledger", "Ledger.trust_over_time", hands=("_frames", "points", "trust_over_time")),
    Step("ledger", "Ledger._frames", hands=("read_table",)),
    Step("storage", "read_table"),
    Step("scoring", "points", hands=("award", "_stack")),
    Step("levels.money", "_award", hands=("award",)),
    Step("scoring", "History.award", hands=("_awards",)),
    Step("scoring", "trust_over_time"),
    Step("charts", "trust_chart", hands=("cumulative", "_lines")),
    Step("scoring", "cumulative"),
    Step("charts", "_lines"),
]


def home(module: str) -> str:
    """Where a module lives, as the walk counts it: a level's folder is one home."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "levels" and len(parts) > 1 else module


def source_tree(fn) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(fn)))


def called_names(tree: ast.AST) -> set[str]:
    """The names a function calls: ``f(...)`` and ``x.y.f(...)`` both call "f"."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def handed(fn) -> list[tuple[str, object]]:
    """(call, callee) for every call in ``fn`` given something to hand on (an argument) whose callee
    can be read from the code alone: a name of the function's module, or an attribute of a module it
    imports (``review.cumulative``). Calls on objects (``self.ledger.record``) are the walk's own steps."""
    scope = fn.__globals__
    found = []
    for node in ast.walk(source_tree(fn)):
        if not isinstance(node, ast.Call) or not (node.args or node.keywords):
            continue
        chain, func = [], node.func
        while isinstance(func, ast.Attribute):
            chain.insert(0, func.attr)
            func = func.value
        if not isinstance(func, ast.Name) or func.id not in scope:
            continue
        target = scope[func.id]
        if chain and not isinstance(target, types.ModuleType):
            continue  # a method of a value (``pd.Timestamp(...).date``), not a module's function
        for attr in chain:
            target = getattr(target, attr, None)
        found.append((ast.unparse(node.func), target))
    return found


def reached(fn, seen: set | None = None) -> list[tuple[str, str]]:
    """(call, module under the package) for each call ``fn`` hands something to in the package's code,
    following the calls into ``fn``'s own module (its private helpers) too."""
    seen = set() if seen is None else seen
    if fn in seen:
        return []
    seen.add(fn)
    found = []
    for call, target in handed(fn):
        module = getattr(target, "__module__", None) or getattr(target, "__name__", "")
        if isinstance(module, str) and module.startswith(PACKAGE + "."):
            found.append((call, module.removeprefix(PACKAGE + ".")))
        if isinstance(target, types.FunctionType) and target.__module__ == fn.__module__:
            found += reached(target, seen)
    return found


@pytest.mark.parametrize("step", WALK, ids=lambda s: f"{s.module}:{s.name}")
def test_each_step_is_in_the_code_and_hands_on_as_said(step):
    tree = source_tree(step.function())
    missing = set(step.hands) - called_names(tree)
    assert not missing, f"{step.module}:{step.name} no longer calls {sorted(missing)}: redraw the walk"


@pytest.mark.parametrize("step", WALK, ids=lambda s: f"{s.module}:{s.name}")
def test_no_step_hands_the_offer_to_a_module_off_the_walk(step):
    homes = {home(s.module) for s in WALK}
    off = [(call, module) for call, module in reached(step.function())
           if home(module) not in homes and module not in HELPERS and f"{module}.{call.split('.')[-1]}" not in WORDED_WITH]
    assert not off, (f"{step.module}:{step.name} hands on to {off}: a module more on the offer's walk "
                     "(docs/architecture.md); count it, or give the work a home already on the walk")


def test_the_hooks_the_walk_goes_through_are_the_money_levels():
    """The steps reached through a level's hooks are the money level's: its phone form makes the
    proposal, its event's rule records the round, its award scores it."""
    level = levels.get(money.LEVEL.number)
    assert level.phone.event is money._from_phone
    assert money.Money.rule is money.record_money and rules.Proposal.rule is rules.propose
    assert level.award is money._award


def test_the_offer_crosses_at_most_eight_homes():
    homes = list(dict.fromkeys(home(s.module) for s in WALK))
    files = list(dict.fromkeys(s.module for s in WALK))
    assert len(homes) <= MOST_HOMES, homes
    # As docs/architecture.md lists them: eight homes, nine files (the money level's folder holds two).
    assert homes == ["members.routes", "levels.money", "ledger", "storage", "rules", "apps.session", "scoring",
                     "charts"]
    assert len(files) == 9, files


def test_the_check_finds_a_detour(tmp_path, monkeypatch):
    """A step that hands its rows to a module off the walk (the review, before trust over time went to
    scoring) is found."""
    (tmp_path / "detour.py").write_text(textwrap.dedent("""
        from microsolidarity_widgets import review, levels

        def trust_chart(trust):
            levels.all_levels()  # a lookup: nothing handed on
            return review.summary(trust, None)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    detour = importlib.import_module("detour")
    assert reached(detour.trust_chart) == [("review.summary", "review")]


def test_the_check_follows_a_steps_own_helpers(tmp_path, monkeypatch):
    """A detour one private helper down, in the step's own module, is found too."""
    (tmp_path / "detour_below.py").write_text(textwrap.dedent("""
        from microsolidarity_widgets import review

        def trust_chart(trust):
            return _data(trust)

        def _data(trust):
            return review.summary(trust, None)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    detour = importlib.import_module("detour_below")
    assert ("review.summary", "review") in reached(detour.trust_chart)
