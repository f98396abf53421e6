"""The ``microsolidarity`` command: help, demo, export, backup, and plain one-line failures."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from microsolidarity_widgets import Ledger, demo
from microsolidarity_widgets.cli import main
from microsolidarity_widgets.levels.money import Money

COMMAND = [sys.executable, "-m", "microsolidarity_widgets.cli"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=timeout)


def assert_one_plain_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("microsolidarity: ") and "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return demo.write(tmp_path_factory.mktemp("cli") / "demo.sqlite")


@pytest.mark.parametrize("command, phrase", [
    (None, "serve"), ("serve", "--share"), ("demo", "fictional"), ("export", "--include-private"), ("backup", "--out"),
])
def test_help(capsys, command, phrase):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"] if command else ["--help"])
    assert done.value.code == 0
    assert phrase in capsys.readouterr().out


def test_demo_writes_the_demo_ledger_and_keeps_an_existing_file(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["demo", str(path)]) == 0
    with Ledger.open(path) as ledger:
        assert {"Kestrels", "Herons", "Otters", "Wrens"} <= set(ledger.groups()["group"])
    before = path.read_bytes()
    assert main(["demo", str(path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_export_writes_the_review_and_keeps_private_texts_out(demo_file, tmp_path):
    ledger_path = tmp_path / "ledger.sqlite"
    ledger_path.write_bytes(demo_file.read_bytes())
    secret = "rent is due and I am short 4321"
    with Ledger.open(ledger_path) as ledger:
        ledger.record(Money("Kestrels", "2026-10-20", speaker="Ama", offers=[("Bo", "encouragement")],
                            present=["Ama", "Bo", "Caz"], note=secret))
        # The round's own note survives its offers (an offer's note once overwrote it).
        assert ledger.events(include_private=True)["texts"].iloc[-1] == {"note": secret}

    def export(out: Path, *extra: str) -> str:
        assert main(["export", "--group", "Kestrels", "--out", str(out), "--ledger", str(ledger_path), *extra]) == 0
        names = {p.suffix for p in out.iterdir()}
        assert {".csv", ".png", ".html"} <= names, names
        return "".join(p.read_text(errors="replace") for p in out.iterdir() if p.suffix in (".csv", ".html"))

    assert secret not in export(tmp_path / "review")
    assert secret in export(tmp_path / "review-private", "--include-private")


def test_export_of_an_unknown_group_is_one_plain_line(demo_file, tmp_path):
    result = run("export", "--group", "Albatrosses", "--out", str(tmp_path / "x"), "--ledger", str(demo_file))
    assert_one_plain_line(result, "Albatrosses")


WRITER = """
import datetime as dt
import sys
from pathlib import Path
from microsolidarity_widgets import Ledger
from microsolidarity_widgets.levels.money import Money
ledger, stop = Ledger.open(sys.argv[1]), Path(sys.argv[2])
day = dt.date(2026, 10, 31)
while not stop.exists():
    ledger.record(Money("Herons", day, speaker="Fen", offers=[("Gus", "perspective"), ("Hana", "introduction")],
                        asks=["a lift"], respectful=["Gus"], present=["Fen", "Gus", "Hana", "Ines"]))
    print("wrote", flush=True)
"""


def test_backup_while_another_process_writes_is_consistent(demo_file, tmp_path):
    ledger_path = tmp_path / "ledger.sqlite"
    ledger_path.write_bytes(demo_file.read_bytes())
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(ledger_path), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        writer.stdout.readline()  # writing has begun
        copies = []
        for n in range(3):
            copies.append(tmp_path / f"copy{n}.sqlite")
            assert main(["backup", "--ledger", str(ledger_path), "--out", str(copies[-1])]) == 0
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0

    counts = []
    for copy in copies:
        con = sqlite3.connect(copy)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            # Every round was committed whole: four participants per money round, never fewer.
            sizes = [n for (n,) in con.execute(
                "SELECT count(p.id) FROM events e LEFT JOIN participants p ON p.event_id = e.id "
                "WHERE e.kind = 'money' AND e.on_date = '2026-10-31' GROUP BY e.id")]
            assert sizes and set(sizes) == {9}
            counts.append(con.execute("SELECT count(*) FROM events").fetchone()[0])
        finally:
            con.close()
        with Ledger.open(copy) as ledger:
            assert len(ledger.points()) > 0
    with Ledger.open(ledger_path) as ledger:
        assert len(ledger.events()) > counts[0]  # the writer really was writing during the copies


def test_backup_refuses_to_overwrite(demo_file, tmp_path):
    out = tmp_path / "copy.sqlite"
    out.write_text("keep me")
    result = run("backup", "--ledger", str(demo_file), "--out", str(out))
    assert_one_plain_line(result, "already exists")
    assert out.read_text() == "keep me"


def test_serve_stops_at_an_unreadable_ledger_before_starting(tmp_path):
    bad = tmp_path / "ledger.sqlite"
    bad.write_text("these are my shopping notes, not a ledger")
    started = time.monotonic()
    result = run("serve", "--ledger", str(bad), "--port", "0")
    assert_one_plain_line(result, "not a Reciprocity ledger")
    assert time.monotonic() - started < 30
    assert bad.read_text().startswith("these are my shopping notes")


@pytest.mark.parametrize("option, value, words", [
    ("--max-open", "0", "--max-open 0 would refuse every page; give at least 1"),
    ("--max-open-per-page", "-2", "--max-open-per-page -2 would refuse every page"),
    ("--pool-size", "-1", "--pool-size -1 is not a number of kernels"),
], ids=["max-open", "max-open-per-page", "pool-size"])
def test_serve_refuses_limits_that_cannot_mean_what_was_typed(demo_file, option, value, words):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    result = run("serve", "--ledger", str(demo_file), "--port", str(port), option, value, timeout=60)
    assert_one_plain_line(result, words)
    assert time.monotonic() - started < 30


def test_serve_stops_when_the_port_is_taken(demo_file):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("serve", "--ledger", str(demo_file), "--port", str(taken.getsockname()[1]))
    assert_one_plain_line(result, "already in use", "--port")


@pytest.mark.parametrize("args", [
    ["export", "--group", "Kestrels", "--out", "{tmp}/out", "--ledger", "{tmp}/ledgr.sqlite"],
    ["backup", "--ledger", "{tmp}/nope/ledgr.sqlite"],
    ["backup", "--ledger", "{tmp}/nope/ledgr.sqlite", "--out", "{tmp}/copy.sqlite"],
    ["copy", "{tmp}/nope/ledgr.sqlite", "{tmp}/target.sqlite"],
], ids=["export", "backup", "backup --out", "copy"])
def test_a_mistyped_ledger_is_missing_and_nothing_is_created(tmp_path, args):
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert_one_plain_line(result, "There is no ledger at", "ledgr.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_ledger_can_be_exported_and_backed_up(demo_file, tmp_path):
    """On a disk nobody may write to (a mount made read-only; without root, modes do it)."""
    import os
    import shutil

    where = tmp_path / "ro"
    where.mkdir()
    mounted = False
    if os.geteuid() == 0 and shutil.which("mount"):
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)]).returncode == 0
    try:
        shutil.copy(demo_file, where / "ledger.sqlite")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        else:
            (where / "ledger.sqlite").chmod(0o444)
            where.chmod(0o555)
        before = sorted(p.name for p in where.iterdir())
        exported = run("export", "--group", "Kestrels", "--out", str(tmp_path / "out"), "--ledger",
                       str(where / "ledger.sqlite"), timeout=600)
        assert exported.returncode == 0, exported.stderr
        assert (tmp_path / "out").is_dir() and any((tmp_path / "out").iterdir())
        backed = run("backup", "--ledger", str(where / "ledger.sqlite"), "--out", str(tmp_path / "copy.sqlite"))
        assert backed.returncode == 0, backed.stderr
        with Ledger.open(tmp_path / "copy.sqlite") as copy:
            assert "Kestrels" in set(copy.groups()["group"])
        assert sorted(p.name for p in where.iterdir()) == before
    finally:
        if mounted:
            for _ in range(20):
                if subprocess.run(["umount", str(where)], capture_output=True).returncode == 0:
                    break
                time.sleep(0.1)
            else:
                subprocess.run(["umount", "-l", str(where)])
        else:
            where.chmod(0o755)


def test_preheat_keeps_kernels_ready_for_the_pages_named_and_no_others(tmp_path):
    """``--preheat`` becomes Voilà's per-notebook pool sizes, set on the class Voilà preheats with."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    from microsolidarity_widgets import cli, server

    args = cli.parser().parse_args(["serve", "--preheat", "02_listening, 03_money.ipynb", "--pool-size", "2"])
    settings = cli.serve_settings(args)
    config = server.voila_config(settings)
    manager = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 2)
    assert manager.class_traits(config=True).keys() >= {"kernel_pools_config"}
    assert config[manager.__name__]["kernel_pools_config"] == {
        "default": {"pool_size": 0}, "02_listening.ipynb": {"pool_size": 2}, "03_money.ipynb": {"pool_size": 2}}
    assert config.VoilaConfiguration.preheat_kernel is True
    # Every page is still served (the others start a kernel when opened) ...
    assert set(server.notebook_pages(settings.notebooks)) >= {"00_congregation", "02_listening", "07_trust_review"}
    # ... and without --preheat, as `make serve` runs, every page keeps its kernel (Voilà's default pools).
    assert "VoilaKernelManager" not in server.voila_config(cli.serve_settings(cli.parser().parse_args(["serve"])))
    assert server.voila_config(server.Settings()).VoilaConfiguration.default_pool_size == 1
    assert "VoilaKernelManager" not in server.voila_config(server.Settings(pool_size=0, preheat=("01_crew",)))

    nested = tmp_path / "books"
    (nested / "evening").mkdir(parents=True)
    (nested / ".ipynb_checkpoints").mkdir()
    for name in ("one.ipynb", "evening/two.ipynb", ".ipynb_checkpoints/one-checkpoint.ipynb"):
        (nested / name).write_text("{}")
    assert server.notebook_pages(nested) == ["evening/two", "one"]
    assert server.kernel_pools(server.Settings(notebooks=nested, preheat=("evening/two",))) == \
        {"default": {"pool_size": 0}, "evening/two.ipynb": {"pool_size": 1}}


@pytest.mark.parametrize("pages, words", [
    ("02_listening,99_nowhere", ["no page called '99_nowhere'", "02_listening", "07_trust_review"]),
    ("", ["--preheat needs the names of pages", "--pool-size 0"]),
], ids=["unknown page", "no page"])
def test_serve_refuses_a_page_to_preheat_that_is_not_there_in_one_plain_line(demo_file, pages, words):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("serve", "--ledger", str(demo_file), "--port", str(port), "--preheat", pages)
    assert_one_plain_line(result, *words)


def test_the_declared_settings_outrank_a_stray_voila_json(tmp_path):
    """A voila.json lying around (here one that would listen on every interface with Voilà's own
    template, which links outside assets) cannot undo the workbook's settings."""
    import json

    from microsolidarity_widgets import server
    from microsolidarity_widgets.voila_app import WorkbookVoila

    (tmp_path / "voila.json").write_text(json.dumps({"Voila": {"ip": "0.0.0.0", "port": 9999},
                                                     "VoilaConfiguration": {"template": "lab"},
                                                     "WorkbookVoila": {"max_open": 99}}))
    app = WorkbookVoila(declared=server.voila_config(server.Settings(port=8899, max_open=4)))
    app.load_config_file("voila", path=[str(tmp_path)])
    assert (app.ip, app.port, app.max_open) == ("127.0.0.1", 8899, 4)
    assert app.config.VoilaConfiguration.template == server.TEMPLATE
    assert WorkbookVoila.class_traits(config=True).keys() >= {"verbose", "max_open", "max_open_per_page"}
    assert all(t.help for t in WorkbookVoila.class_traits(config=True).values())


def test_commands_that_read_leave_the_ledgers_folder_as_they_found_it(demo_file, tmp_path):
    """SQLite makes a -wal and a -shm beside a ledger even to read it; export and backup take theirs
    away again, and leave the ledger's bytes as they were. Beside a ledger a page has open, the two
    files are the page's and stay."""
    import hashlib
    import shutil
    import sqlite3

    where = tmp_path / "books"
    where.mkdir()
    ledger = where / "ledger.sqlite"
    shutil.copy(demo_file, ledger)
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()
    for command in (["export", "--group", "Kestrels", "--out", str(tmp_path / "out")],
                    ["backup", "--out", str(tmp_path / "copy.sqlite")]):
        done = run(*command, "--ledger", str(ledger), timeout=600)
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in where.iterdir()) == ["ledger.sqlite"], command
    assert hashlib.sha256(ledger.read_bytes()).hexdigest() == digest

    page = sqlite3.connect(ledger)  # a page with the ledger open: its -wal and -shm are in use
    try:
        page.execute("SELECT count(*) FROM events").fetchone()
        assert run("backup", "--out", str(tmp_path / "again.sqlite"), "--ledger", str(ledger)).returncode == 0
        assert {p.name for p in where.iterdir()} == {"ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"}
    finally:
        page.close()


def test_pages_keep_their_connection_between_pings():
    """jupyter_server closes a page's connection when no answer came for ``ws_ping_timeout`` ms, counted
    from the last answer: a timeout equal to the interval cut every page off at its first ping (issue 21)."""
    from microsolidarity_widgets import room, server

    pings = server.voila_config(server.Settings()).Voila.tornado_settings
    assert pings["ws_ping_timeout"] >= 2 * pings["ws_ping_interval"] > 0
    # Often enough for the room to hear each open page within its window (room.LIVE, in seconds).
    assert 2 * pings["ws_ping_interval"] / 1000 < room.LIVE


def test_one_client_writes_a_few_log_lines_a_minute():
    """A flood from one address writes `lines` lines, one note that the rest go unlogged, and when the
    minute is over one line saying how many were left out (issue 21). Other clients keep their own."""
    from microsolidarity_widgets.guard import LogBudget

    budget = LogBudget(lines=3, window=60)
    said = [budget.spend("10.0.0.9", now=t / 10) for t in range(200)]
    assert [allowed for _, allowed in said].count(True) == 3
    assert [note for note, _ in said if note] == ["More refused requests from 10.0.0.9: they go unlogged for a minute."]
    assert budget.spend("10.0.0.7", now=20) == (None, True)
    assert budget.spend("10.0.0.9", now=61) == ("197 more refused requests from 10.0.0.9 were not logged.", True)


def test_installing_puts_voilas_configuration_where_voila_looks():
    """`voila workbooks` needs etc/jupyter/voila.py (issue 21): the package installs it into the
    environment's etc/jupyter, one of the folders Voilà reads its configuration from."""
    import tomllib

    from jupyter_core.paths import ENV_CONFIG_PATH

    root = Path(__file__).resolve().parents[1]
    declared = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert declared == {"etc/jupyter": ["etc/jupyter/voila.py"]} and (root / "etc/jupyter/voila.py").is_file()
    assert str(Path(sys.prefix) / "etc" / "jupyter") in ENV_CONFIG_PATH
