"""The front-end code kept in real files (``static/``) is well formed and is what the pages use.

The JavaScript is checked by Node's parser as an ES module, the way anywidget loads it. A plain
``node --check file.js`` is not enough: Node 20.20 exits 0 for ``export default {;`` in a .js
file (its module-type detection lets the error through), so the text goes in on stdin with
``--input-type=module``, which does report it (the test below keeps that true).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import microsolidarity_widgets
from microsolidarity_widgets import export
from microsolidarity_widgets.apps import countdown, review, session

PACKAGE = Path(microsolidarity_widgets.__file__).parent
STATIC_DIRS = [PACKAGE / "static", PACKAGE / "apps" / "static"]
JS = sorted(p for d in STATIC_DIRS for p in d.glob("*.js"))
CSS = sorted(p for d in STATIC_DIRS for p in d.glob("*.css"))


def test_the_front_end_files_are_there():
    names = {p.relative_to(PACKAGE).as_posix() for p in JS + CSS}
    assert names == {"static/report.css", "static/season_report.css", "apps/static/countdown.js", "apps/static/countdown.css",
                     "apps/static/downloads.js", "apps/static/review.css", "apps/static/session.css",
                     "apps/static/language.js", "apps/static/language.css"}


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_each_script_parses_as_an_es_module(path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed, so the JavaScript syntax check cannot run")
    result = subprocess.run([node, "--input-type=module", "--check"], input=path.read_text(encoding="utf-8"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "export default" in path.read_text(encoding="utf-8")  # anywidget renders the default export


def test_the_syntax_check_catches_a_broken_script():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed, so the JavaScript syntax check cannot run")
    result = subprocess.run([node, "--input-type=module", "--check"], input="export default {;\n",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


@pytest.mark.parametrize("path", CSS, ids=lambda p: p.name)
def test_each_stylesheet_has_rules_and_balanced_braces_and_comments(path):
    text = path.read_text(encoding="utf-8")
    assert text.strip() and text.endswith("\n")
    assert text.count("/*") == text.count("*/")
    depth = 0
    for char in re.sub(r"/\*.*?\*/", "", text, flags=re.S):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, f"{path.name}: a '}}' closes nothing"
    assert depth == 0, f"{path.name}: a '{{' is never closed"
    assert "<" not in text  # it is placed inside a <style> element: no tag may start in it


def test_the_pages_use_the_files():
    static = PACKAGE / "apps" / "static"
    assert session.STYLE == "\n<style>\n" + (static / "session.css").read_text(encoding="utf-8") + "</style>\n"
    # The review is styled as the level pages are, then by its own few rules.
    assert review.STYLE == session.STYLE + "<style>\n" + (static / "review.css").read_text(encoding="utf-8") + "</style>"
    assert export.REPORT_STYLE == "\n" + (PACKAGE / "static" / "report.css").read_text(encoding="utf-8")
    timer, links = countdown.Countdown(), review.Downloads()
    assert timer._esm == (static / "countdown.js").read_text(encoding="utf-8")
    assert timer._css == (static / "countdown.css").read_text(encoding="utf-8")
    assert links._esm == (static / "downloads.js").read_text(encoding="utf-8")


def test_the_widget_classes_start_no_file_watcher():
    # anywidget watches a Path's file for live reloading only when a developer sets ANYWIDGET_HMR=1;
    # a served page must not start a thread per widget class (nor need the watchfiles package).
    import anywidget._file_contents as file_contents

    for widget_class in (countdown.Countdown, review.Downloads):
        for key in ("_esm", "_css"):
            value = widget_class.__dict__.get(key)
            if value is None:
                continue
            assert isinstance(value, file_contents.FileContents), (widget_class.__name__, key)
            assert value._background_thread is None, (widget_class.__name__, key)
