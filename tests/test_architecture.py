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
    {"errors", "guard", "offline", "room"},
    {"values"},
    {"storage", "frames", "holds"},
    {"scoring"},
    {"rules"},
    {"events"},
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
MODEL = {m for layer in LAYERS[:12] for m in layer} - {"guard", "members", "offline"}


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
    # A level's folder: its model (``__init__``) is of the levels' layer, its page of the pages'.
    for path in sorted((PACKAGE / "levels").rglob("*.py")):
        yield ("apps" if path.stem == "page" else "levels"), path


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
