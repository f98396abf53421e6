"""What a group is playing now (issue 13): an open level page tells members' phones, and each phone
shows that level's prompts for its member's groups. Pages in other processes are simulated by notes
named after live and finished processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time

import pytest

from microsolidarity_widgets import levels, members, room, storage
from microsolidarity_widgets.apps import ListeningApp, MoneyApp

TODAY = dt.date.today()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    where = tmp_path / "room"
    where.mkdir()
    monkeypatch.setenv(room.ENV_VAR, str(where))
    return where


def note(folder, pid: int, group: str, level: int, day: dt.date = TODAY, at: float = 0.0) -> None:
    (folder / f"{pid}.json").write_text(json.dumps({"group": group, "level": level, "day": day.isoformat(), "at": at}))


def finished_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_without_a_shared_server_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.delenv(room.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    room.announce("Kestrels", 1, TODAY)
    assert room.playing(TODAY) == {} and list(tmp_path.iterdir()) == []


def test_the_page_opened_last_wins_and_closed_pages_and_other_days_do_not_count(folder):
    room.announce("Kestrels", 1, TODAY)  # this process: a page still open
    assert room.playing(TODAY) == {"Kestrels": 1}
    parent = os.getppid()  # alive for the whole test: another page, opened later
    note(folder, parent, "Kestrels", 2, at=time.time())
    assert room.playing(TODAY) == {"Kestrels": 2}
    room.announce("Kestrels", 3, TODAY)  # this page switched again: now the newest
    assert room.playing(TODAY) == {"Kestrels": 3}

    note(folder, finished_pid(), "Ama+Bo", 4, at=10**10)  # its kernel has gone
    note(folder, parent, "Ama+Bo", 5, day=TODAY - dt.timedelta(days=1), at=10**10)  # overwrote the parent's note
    (folder / "stray.json").write_text("{not json")
    note(folder, 0, "Ama+Bo", 4, at=10**10)  # not a process of its own (0 names a process group)
    reused = json.loads((folder / f"{os.getpid()}.json").read_text()) | {"group": "Ama+Bo", "started": "1"}
    (folder / f"{parent}.json").write_text(json.dumps(reused))  # a number given to another process since
    assert room.playing(TODAY) == {"Kestrels": 3}


def test_a_level_page_tells_the_phones_only_about_today(crew_ledger, folder):
    s = ListeningApp(crew_ledger).session
    s.group.value = "Kestrels"
    s.date.value = TODAY - dt.timedelta(days=3)  # typing in last week's round: not what the room is playing
    s._tell_phones()
    assert room.playing(TODAY) == {}
    s.date.value = TODAY
    s._tell_phones()
    assert room.playing(TODAY) == {"Kestrels": levels.get(1).number}
    s.date.value = TODAY - dt.timedelta(days=7)  # the same page turned to last week: no longer what is played
    s._tell_phones()
    assert room.playing(TODAY) == {}
    s.date.value = TODAY
    s._tell_phones()
    assert room.playing(TODAY) == {"Kestrels": levels.get(1).number}
    MoneyApp(crew_ledger).session.group.value = "Kestrels"  # built, but never shown to anyone: says nothing
    assert room.playing(TODAY) == {"Kestrels": levels.get(1).number}


def test_a_members_phone_shows_the_prompts_of_what_their_group_plays(crew_ledger, folder, monkeypatch):
    monkeypatch.setenv(storage.ENV_VAR, str(crew_ledger.location))
    members._ledger.cache_clear()
    try:
        assert "Now:" not in members.member_page("/", "Caz", "<token>")
        room.announce("Kestrels", levels.get(2).number, TODAY)  # the ledger unchanged: the page must still move
        shown = members.member_page("/", "Caz", "<token>")
        # The level's own words are marked as English (levels are not translated yet): read the text.
        assert "Now: Level 2, Money." in re.sub(r"<[^>]+>", "", shown) and "<token>" in shown and members.XSRF_SLOT not in shown
        # Said through the catalog, as the template's gettext does (Jinja trusts a catalog's own text).
        assert set(levels.get(2).prompts) <= set(re.findall(r"<li>(.*?)</li>", shown))
        assert "Paid work — what do you do that brings in money?" in shown
        assert "Now:" not in members.member_page("/", "Ama", "<token>").split("<h3>Kestrels</h3>")[0]  # Ama+Bo: nothing
    finally:
        members._ledger.cache_clear()


def test_a_level_only_its_page_knows_leaves_the_phones_working(crew_ledger, folder, monkeypatch):
    """A crew's own level is registered in its page's kernel, not in the server: the phones show nothing
    being played (their page failed as a whole before, for as long as that page stayed open)."""
    monkeypatch.setenv(storage.ENV_VAR, str(crew_ledger.location))
    members._ledger.cache_clear()
    try:
        room.announce("Kestrels", max(levels.numbers()) + 1, TODAY)
        shown = members.member_page("/", "Caz", "<token>")
        assert "Hello, Caz" in shown and "Now:" not in shown
    finally:
        members._ledger.cache_clear()


@pytest.mark.parametrize("level", levels.all_levels(), ids=lambda lv: lv.name)
def test_every_level_has_prompts_for_the_round(level):
    assert level.prompts and all(p.strip() for p in level.prompts)


def test_in_the_server_a_page_counts_while_its_connection_answers(folder, monkeypatch):
    """Issue 21: inside the shared server, a page that has gone quiet (no goodbye, no answer to the pings)
    stops counting after room.LIVE seconds; one not connected yet counts for room.FIRST_WORD seconds."""
    monkeypatch.setattr(room, "_listening", False)
    monkeypatch.setattr(room, "_heard", {})
    now = time.time()
    parent = os.getppid()
    note(folder, parent, "Kestrels", 2, at=now)
    room.heard(parent)  # outside the server nobody listens: nothing is kept
    assert room._heard == {} and room.playing(TODAY) == {"Kestrels": 2}

    room.listen()
    assert room.playing(TODAY) == {"Kestrels": 2}  # not connected yet, but just opened
    note(folder, parent, "Kestrels", 2, at=now - room.FIRST_WORD - 1)
    assert room.playing(TODAY) == {}  # never connected since it opened a minute ago
    room.heard(parent)
    assert room.playing(TODAY) == {"Kestrels": 2}
    room._heard[parent] = time.time() - room.LIVE - 1  # its last answer to a ping, longer ago than allowed
    assert room.playing(TODAY) == {}
