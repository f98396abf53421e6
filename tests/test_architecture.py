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
MODEL = {m for layer in LAYERS[:13] for m in layer} - {"guard", "members", "offline"}


def imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) for every import of the package, and every ipywidgets import, in ``path``;
    imports only for type checkers are left out (they never run)."""
    tree = ast.parse(path.read_text())
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found += [(node.module.split(".")[0], node.lineno)] if node.module.startswith("ipywidgets") else []
                continue
            inside_apps = path.parent.name == "apps"
            if inside_apps and node.level == 1:
                continue  # one page's module importing another's: the same layer
            if node.module:
                found.append((node.module.split(".")[0], node.lineno))
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


@pytest.mark.parametrize("name,path", list(modules()), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_each_module_imports_only_from_layers_below(name, path):
    assert name in RANK, f"{path.name} is in no layer: add it to docs/architecture.md and LAYERS"
    upward = [f"{path.name}:{line} imports {dep}" for dep, line in imports(path)
              if dep in RANK and RANK[dep] >= RANK[name] and dep != name]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("name", sorted(MODEL))
def test_the_model_never_imports_widgets_or_pages(name):
    found = [f"{name}.py:{line} imports {dep}" for dep, line in imports(PACKAGE / f"{name}.py")
             if dep in ("ipywidgets", "apps")]
    assert not found, "\n".join(found)


def test_the_checks_catch_an_upward_import(tmp_path):
    """A test that could not fail would prove nothing: an upward import is found."""
    bad = tmp_path / "scoring.py"
    bad.write_text("from .ledger import Ledger\nimport ipywidgets as widgets\n")
    assert ("ledger", 1) in imports(bad) and ("ipywidgets", 2) in imports(bad)


def test_a_page_kernel_does_not_build_the_iri_parsers():
    """What a page's kernel imports leaves out rfc3987-syntax's parsers (1.4 s of each start, see the
    package's __init__); ``lark`` is what builds them, so its absence proves they were not built."""
    code = ("import sys, microsolidarity_widgets.apps, altair, jsonschema\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'rfc3987_syntax') and sys.modules[m]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
