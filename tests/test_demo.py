"""The demo congregation: deterministic, and rich enough to show every part of the game."""

import subprocess
import sys

import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError, demo
from microsolidarity_widgets import storage as st


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    demo.write(path)
    with Ledger.open(path) as ledger:
        yield ledger


def content(path):
    """Everything in a ledger except what is unique per write (uid, recorded_at)."""
    with Ledger.open(path) as ledger, ledger.store.read() as con:
        e = st.events.c
        return (con.execute(sa.select(e.id, e.kind, e.group_id, e.on_date, e.ref_id, e.outcome, e.data,
                                      e.texts).order_by(e.id)).all(),
                con.execute(sa.select(st.participants).order_by(st.participants.c.id)).all(),
                con.execute(sa.select(st.members).order_by(st.members.c.id)).all())


def test_deterministic(tmp_path):
    demo.write(tmp_path / "a.sqlite")
    demo.write(tmp_path / "b.sqlite")
    assert content(tmp_path / "a.sqlite") == content(tmp_path / "b.sqlite")


def test_congregation_shape(demo_ledger):
    groups = demo_ledger.groups()
    assert (groups["kind"] == "crew").sum() >= 3 and (groups["kind"] == "partnership").sum() >= 2
    members = {m for ms in groups["members"] for m in ms}
    assert 18 <= len(members) <= 30
    ev = demo_ledger.events()
    live = ev[~ev["voided"] & ev["level"].notna()]
    assert set(live["level"]) == {1, 2, 3, 4, 5}
    span = live["date"].max() - live["date"].min()
    assert span.days >= 18 * 30


def test_has_the_interesting_cases(demo_ledger):
    ev = demo_ledger.events()
    assert (ev["kind"] == "member_joined").any()                                    # a member joins late
    assert (demo_ledger.table("attendance")["attended"] == False).any()                    # noqa: E712  missed meetings
    assert (ev.query("kind == 'conflict_closed'")["outcome"] == "unresolved").any()  # an unresolved conflict
    assert ev["voided"].any()                                                       # a voided event
    assert not demo_ledger.table("open_conflicts").empty                                   # a conflict still open
    assert demo_ledger.points()["points"].min() < 0


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "d.sqlite"
    demo.write(path)
    with pytest.raises(LedgerError, match="already exists"):
        demo.write(path)


def test_module_command_writes_where_told(tmp_path):
    out = tmp_path / "cmd.sqlite"
    run = subprocess.run([sys.executable, "-m", "microsolidarity_widgets.demo", str(out)], capture_output=True,
                         text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert out.exists() and not (tmp_path / "data" / "ledger.sqlite").exists()
