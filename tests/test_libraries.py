"""The server's own pages from templates, and the field's libraries where the package once did their
work by hand: psutil, platformdirs, dateutil, csv.Sniffer, Babel's plural rules, Tornado's host parsing."""

import ast
import datetime as dt
import inspect
import os
import re
import tomllib
from pathlib import Path

import numpy as np
import platformdirs
import psutil
import pytest

import microsolidarity_widgets as pkg
from microsolidarity_widgets import charts, congregation, guard, members, room, templating, values
from microsolidarity_widgets.levels.consistency.page import month_later
from microsolidarity_widgets.members import MemberCodes

PACKAGE = Path(pkg.__file__).parent


def _markup_in_fstrings(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if re.search(r"<[a-zA-Z/!]", text):
                found.append(f"{node.lineno}: {text[:50]}")
    return found


@pytest.mark.parametrize("module", ["guard.py", "server.py", "voila_app.py", "room.py", "ledger.py", "storage.py",
                                    "congregation.py", "migrate.py", "values.py", "export.py"])
def test_no_markup_is_built_in_fstrings(module):
    assert _markup_in_fstrings(ast.parse((PACKAGE / module).read_text())) == []


def test_the_members_section_of_the_landing_page_comes_from_a_template():
    assert _markup_in_fstrings(ast.parse(inspect.getsource(members.landing))) == []
    codes = MemberCodes('http://192.168.1.5:8866/"><script>x</script>/')
    section = members.landing(codes, "/base/")
    assert '<script>' not in section and "&#34;&gt;&lt;script&gt;" in section
    assert 'action="/base/microsolidarity/members/renew"' in section and "<svg" in section
    assert members.landing(None, "/") == ""


def test_refusal_pages_come_from_the_shared_template_and_escape_everything():
    page = guard.plain_page("<b>Not here</b>", "Tom & <i>Jerry</i>", extra=templating.render("members.html", url="u",
                                                                                         qr="", base_url="/"))
    assert "<title>&lt;b&gt;Not here&lt;/b&gt; · Reciprocity Workbook</title>" in page
    assert "<p>Tom &amp; &lt;i&gt;Jerry&lt;/i&gt;</p>" in page and '<section id="members"' in page
    assert guard.refusal(404).count("<h1>Not here</h1>") == 1 and "Something went wrong" in guard.refusal(502)
    assert "html.escape" not in (PACKAGE / "guard.py").read_text()


@pytest.mark.parametrize("host, local", [("localhost:8866", True), ("LOCALHOST", True), ("[::1]:8866", True),
                                         ("127.0.0.1", True), ("127.0.0.2:80", True), ("[::1]", True),
                                         ("192.168.1.5:8866", False), ("localhost.example.com", False),
                                         ("example.com:80", False), ("", False), (None, False)])
def test_hosts_are_parsed_by_tornado(host, local):
    assert guard.is_local_host(host) is local


def test_a_process_is_known_by_its_start_as_psutil_reads_it():
    assert room._started(os.getpid()) == psutil.Process().create_time()
    assert room._alive(os.getpid(), room._started(os.getpid()))
    assert not room._alive(os.getpid(), room._started(os.getpid()) - 5)  # a number given to another process
    assert "/proc" not in (PACKAGE / "room.py").read_text()


def test_the_chart_bundle_is_cached_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(charts.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert charts.cache_dir() == platformdirs.user_cache_path("microsolidarity-widgets", appauthor=False)
    assert charts.cache_dir() == tmp_path / "microsolidarity-widgets"
    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path / "mine"))
    assert charts.cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize("day, later", [("2026-01-31", "2026-02-28"), ("2028-01-31", "2028-02-29"),
                                        ("2026-12-15", "2027-01-15"), ("2026-03-31", "2026-04-30")])
def test_a_month_later(day, later):
    assert month_later(dt.date.fromisoformat(day)) == dt.date.fromisoformat(later)


@pytest.mark.parametrize("header", ["name;work;slots", '"name";"work";"slots"', "name; work; slots"])
def test_a_pool_csv_with_semicolons_is_sniffed(header):
    rows = congregation.read_csv(f'{header}\nAma;"gardening, cooking";Tue evening\n')
    assert rows[0]["name"] == "Ama" and rows[0]["answers"].work == ("gardening", "cooking")


def test_a_pool_csv_of_one_column_reads_with_commas():
    with pytest.raises(pkg.LedgerError, match="no column work and slots"):
        congregation.read_csv("name\nAma\n")


@pytest.mark.parametrize("n, said", [(1, "1 point"), (-1, "-1 point"), (0, "0 points"), (2, "2 points"),
                                     (1200, "1,200 points"), (np.int64(1), "1 point")])
def test_one_plural_rule(n, said):
    assert values.counted(n, "point") == said


def test_one_plural_rule_takes_irregular_nouns():
    assert values.noun_for(1, "person", "people") == "person" and values.noun_for(3, "person", "people") == "people"


def test_the_libraries_are_declared():
    declared = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower() for d in declared}
    assert {"psutil", "python-dateutil", "babel", "platformdirs", "jinja2"} <= names
