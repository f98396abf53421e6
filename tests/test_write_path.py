"""One write path: every write to the ledger goes through ``Ledger.batch``, and nothing outside the
ledger and its storage reaches into their private members."""

import ast
import datetime as dt
from pathlib import Path

import pytest

import microsolidarity_widgets as pkg
from microsolidarity_widgets import rules
from microsolidarity_widgets import AlreadyRecorded, LedgerError
from microsolidarity_widgets.rules import CheckIn
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.rules import Entry, Part
from microsolidarity_widgets.values import new_once_key

PACKAGE = Path(pkg.__file__).parent
HOMES = {PACKAGE / "ledger.py", PACKAGE / "storage.py"}
TODAY = dt.date.today()


@pytest.fixture
def crew(ledger):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2025-01-01")
    return ledger


def _private_names() -> set[str]:
    """The private members of the ledger's and the store's classes, and the private names of their modules."""
    names = set()
    for home in HOMES:
        tree = ast.parse(home.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    # "_" alone is gettext's conventional name (w._), not a private member.
    return {n for n in names if n.startswith("_") and not n.startswith("__") and n != "_"}


def _reaches_in(path: Path, private: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr in private:
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] in ("ledger", "storage"):
            found += [f"{path.name}:{node.lineno} imports {a.name}" for a in node.names if a.name in private]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr")
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in private):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_module_outside_the_ledger_touches_its_private_members():
    private = _private_names()
    assert {"_cached", "_store", "_frames", "_erase_texts"} <= private  # the scan knows what it looks for
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if path not in HOMES for hit in _reaches_in(path, private)]
    assert found == []


def test_the_scan_finds_a_reach_into_the_ledger(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from .ledger import _erase_texts\n\ndef f(ledger):\n    ledger._cached = None\n"
                      "    return getattr(ledger, '_store')\n")
    assert len(_reaches_in(sneaky, _private_names())) == 3


def test_a_batch_lands_whole_or_not_at_all(crew):
    with pytest.raises(LedgerError, match="Nobody"):
        with crew.batch() as batch:
            batch.record(CheckIn("Kestrels", TODAY, "Bo"))
            batch.record(CheckIn("Kestrels", TODAY, "Nobody"))
    assert crew.check_ins("Kestrels", TODAY) == []
    with crew.batch() as batch:
        first = batch.record(CheckIn("Kestrels", TODAY, "Bo"))
        batch.add(Entry("check_in", TODAY, group="Kestrels", parts=[Part("Caz", "present")]))
    assert crew.check_ins("Kestrels", TODAY) == ["Bo", "Caz"]
    assert first in set(crew.events()["id"])  # and the cache saw the batch


def test_a_batch_whose_key_was_used_is_refused_whole(crew):
    key = new_once_key()
    crew.record(CheckIn("Kestrels", TODAY, "Bo"), key=key)
    ran = []
    with pytest.raises(AlreadyRecorded):
        with crew.batch(key=key) as batch:
            ran.append(True)
            batch.record(CheckIn("Kestrels", TODAY, "Caz"))
    assert ran == [] and crew.check_ins("Kestrels", TODAY) == ["Bo"]


def test_a_batch_replays_the_history_it_changes(crew):
    listening = crew.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Caz"]))
    with pytest.raises(LedgerError, match="Not recorded: with this change"):
        with crew.batch() as batch:
            batch.write(rules.remove_member, "Kestrels", "Bo", on="2026-01-05")
    assert "Bo" in crew.members("Kestrels")
    with pytest.raises(LedgerError, match="cannot be voided"):
        with crew.batch() as batch:
            batch.write(rules.void, crew.events().query("kind == 'group_created'")["id"].iloc[0], reason="test")
    assert listening in set(crew.events()["id"]) and not crew.events()["voided"].any()
