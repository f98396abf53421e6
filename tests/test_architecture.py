"""The layers of docs/architecture.md hold: each module imports only from layers below it, and the
model (everything but the pages and the server) never imports ipywidgets or the pages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "microsolidarity_widgets"

# Lower layers first; a module may import any module of a lower layer.
LAYERS = [
    {"i18n"},
    {"templating"},
    {"errors", "guard", "room"},
    {"values"},
    {"storage", "holds"},
    {"scoring"},
    {"rules"},
    {"levels"},
    {"ledger", "formation"},
    {"review", "congregation", "demo", "migrate"},
    {"charts"},
    {"export"},
    {"members"},
    {"voila_app"},
    {"server"},
    {"cli", "apps"},
]
RANK = {module: i for i, layer in enumerate(LAYERS) for module in layer}
MODEL = {m for layer in LAYERS[:12] for m in layer} - {"guard", "members"}


def _package_of(path: Path) -> list[str]:
    """The dotted package a module file is in, from the package's root: ["levels", "money"]."""
    return list(path.resolve().parent.relative_to(PACKAGE).parts)


def imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) for every import of the package (by its top-level module: ``levels`` for
    ``from .levels.money import Money``), and every ipywidgets import, in ``path``; imports only for
    type checkers are left out (they never run)."""
    tree = ast.parse(path.read_text())
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    inside = _package_of(path) if path.is_relative_to(PACKAGE) else []
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found += [(node.module.split(".")[0], node.lineno)] if node.module.startswith("ipywidgets") else []
                continue
            base = inside[:len(inside) - (node.level - 1)] if node.level > 1 else inside
            target = base + (node.module.split(".") if node.module else [])
            if target:
                found.append((target[0], node.lineno))
            else:
                found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name.split(".")[0], node.lineno) for a in node.names if a.name.startswith("ipywidgets")]
    return found


def modules():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem != "__init__":
            yield path.stem, path
    for path in sorted((PACKAGE / "apps").glob("*.py")):
        yield "apps", path
    # A level's folder: its model (``__init__``) is of the levels' layer, its review chart of the
    # charts', its page of the pages'.
    for path in sorted((PACKAGE / "levels").rglob("*.py")):
        yield {"page": "apps", "chart": "charts"}.get(path.stem, "levels"), path


@pytest.mark.parametrize("name,path", list(modules()),
                         ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else str(v))
def test_each_module_imports_only_from_layers_below(name, path):
    assert name in RANK, f"{path.name} is in no layer: add it to docs/architecture.md and LAYERS"
    upward = [f"{path.name}:{line} imports {dep}" for dep, line in imports(path)
              if dep in RANK and RANK[dep] >= RANK[name] and dep != name]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("name,path", [(n, p) for n, p in modules() if n in MODEL],
                         ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else str(v))
def test_the_model_never_imports_widgets_or_pages(name, path):
    found = [f"{path.name}:{line} imports {dep}" for dep, line in imports(path) if dep in ("ipywidgets", "apps")]
    assert not found, "\n".join(found)


def test_the_checks_catch_an_upward_import(tmp_path):
    """A test that could not fail would prove nothing: an upward import is found."""
    bad = tmp_path / "scoring.py"
    bad.write_text("from .ledger import Ledger\nimport ipywidgets as widgets\n")
    assert ("ledger", 1) in imports(bad) and ("ipywidgets", 2) in imports(bad)
    page = PACKAGE / "levels" / "money" / "page.py"  # a level's page reaching the pages' kit, three dots up
    assert ("apps", next(line for dep, line in imports(page) if dep == "apps")) in imports(page)


def test_a_page_kernel_does_not_build_the_iri_parsers():
    """What a page's kernel imports leaves out rfc3987-syntax's parsers (1.4 s of each start, see the
    package's __init__); ``lark`` is what builds them, so its absence proves they were not built."""
    code = ("import sys, microsolidarity_widgets.apps, altair, jsonschema\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'rfc3987_syntax') and sys.modules[m]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


# --- names instead of strings ---------------------------------------------------------------------
#
# A level's event kinds and the roles its events give people are written once, in the level's folder
# (``Money.kind``, ``money.SPEAKER``), and used by reference everywhere else. What is scanned: every
# place the package compares, records or selects by a kind or a role, i.e. an operand of a comparison
# (``ev["kind"] == …``, ``kind in (…)``) and an argument of the calls that take one (``Entry``,
# ``Part``, ``History.of_kind``/``roles``, ``State.live``, ``Pairs.named``, ``Series.isin``). The same
# word as plain English ("2 meetings", a column called "venture") is not a kind and is not scanned.

TAKES_A_KIND_OR_ROLE = {"Entry", "Part", "of_kind", "roles", "live", "named", "isin"}


def literals_in_kind_places(path: Path) -> list[tuple[str, int]]:
    """(string, line) of each string constant written where a kind or a role is expected."""
    found = []

    def strings(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for element in node.elts:
                yield from strings(element)

    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                found += [(c.value, c.lineno) for c in strings(operand)]
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called in TAKES_A_KIND_OR_ROLE:
                for arg in [*node.args, *(k.value for k in node.keywords if k.arg in ("kind", "role"))]:
                    found += [(c.value, c.lineno) for c in strings(arg)]
    return found


def level_words() -> dict[str, Path]:
    """Every level event's kind and role, with the file that declares it (its home)."""
    from microsolidarity_widgets import levels

    homes = {}
    for level in levels.all_levels():
        for event in level.events:
            home = Path(sys.modules[event.__module__].__file__)
            homes[event.kind] = home
            homes.update({role: home for role in event.roles if role not in homes})
    return homes


def test_a_level_kind_or_role_is_written_only_in_its_home():
    homes = level_words()
    shared = {"present"}  # a role of several levels, declared once in rules (rules.PRESENT)
    strays = [f"{path.relative_to(PACKAGE)}:{line} writes “{word}”"
              for path in sorted(PACKAGE.rglob("*.py")) for word, line in literals_in_kind_places(path)
              if word in homes and (word in shared or path != homes[word])]
    assert not strays, "Use the name declared in the level's folder:\n" + "\n".join(strays)


def test_the_scan_finds_a_kind_written_by_hand(tmp_path):
    """A test that could not fail would prove nothing: the old way of writing a kind is caught."""
    bad = tmp_path / "somewhere.py"
    bad.write_text('rounds = ev[ev["kind"] == "money"]\nh.roles(rounds, "speaker")\nEntry("venture", on)\n')
    assert sorted(literals_in_kind_places(bad), key=lambda found: found[1]) == [("money", 1), ("speaker", 2), ("venture", 3)]
    assert {"money", "speaker", "venture"} <= set(level_words())


def test_a_void_is_named_by_its_constant():
    """``storage.VOID`` everywhere: no module outside storage writes the void kind by hand."""
    strays = [f"{path.relative_to(PACKAGE)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
              if path.name != "storage.py" for word, line in literals_in_kind_places(path) if word == "void"]
    assert not strays, "Use storage.VOID:\n" + "\n".join(strays)


# --- the core names no level ------------------------------------------------------------------------
#
# The ledger, its storage and the scoring reach the levels only through the registry (``levels``):
# recording takes any ``rules.Event``, a level's own tables are read with ``ledger.table(name)``, and no
# shortcut of one level (``record_money``, ``attendance()``) is left in them.

CORE = ("ledger.py", "storage.py", "scoring.py")


def level_folders_imported(path: Path) -> list[str]:
    """Each level folder ``path`` imports, as "levels.money" (``from .levels.money import Money`` or
    ``from .levels import money``), imports only for type checkers left out as above."""
    tree = ast.parse(path.read_text())
    folders = {p.name for p in (PACKAGE / "levels").iterdir() if (p / "__init__.py").exists()}
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        target = (node.module or "").split(".")
        if target[0] == "levels":
            named = target[1:2] or [a.name for a in node.names if a.name in folders]
            found += [f"levels.{name}" for name in named]
    return found


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_no_level_folder(name):
    found = level_folders_imported(PACKAGE / name)
    assert not found, f"{name} imports {', '.join(found)}: ask the registry (levels) instead"


def test_the_level_scan_finds_a_level_imported(tmp_path):
    """A test that could not fail would prove nothing: both ways of importing a level's folder are found."""
    bad = tmp_path / "ledger.py"
    bad.write_text("from .levels.money import Money\nfrom .levels import listening, all_levels\nfrom . import levels\n")
    assert level_folders_imported(bad) == ["levels.money", "levels.listening"]


def level_words_in(path: Path) -> list[tuple[str, int]]:
    """(word, line) of every string constant in ``path`` that is a level's kind or role, a kind of offer
    or a proposal's part (offer, ask), and every name it imports from ``rules`` for them."""
    from microsolidarity_widgets import rules

    words = set(level_words()) | set(rules.OFFER_KINDS) | set(rules.PROPOSALS)
    tree = ast.parse(path.read_text())
    found = [(n.value, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in words]
    found += [(a.name, n.lineno) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "rules"
              for a in n.names if a.name in ("OFFER_KINDS", "OFFER", "ASK", "PROPOSALS", "OFFER_KIND")]
    return found


def test_the_member_pages_name_no_level():
    """Money's kinds of offer and how a phone tells an offer it sent live in levels/money (its PhoneForm's
    values), not in the member pages, which include each level's form without knowing it."""
    found = level_words_in(PACKAGE / "members" / "views.py")
    assert not found, "members/views.py names a level's words: " + ", ".join(f"“{w}” (line {n})" for w, n in found)
