"""Private words stay private: flagged in the ledger, hidden unless asked for, never in charts or
exports by default, and gone for good (from the API and from the file's bytes) when a member is
forgotten."""

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from microsolidarity_widgets import Ledger, LedgerError, demo, export
from microsolidarity_widgets import storage as st
from microsolidarity_widgets.charts import review_charts
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.review import ReviewData, Selection
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money

REPO = Path(__file__).resolve().parents[1]
# A distinctive name, so finding it in raw bytes cannot be a coincidence.
ZEB = "Zebedee Quillfeather"
SECRETS = {
    "money note": "SECRET-money: I earn 31k from the warehouse",
    "ask": "SECRET-ask: a loan of 400 until March",
    "offer note": "SECRET-offer: my cousin hires at the co-op",
    "meeting note": "SECRET-meeting: Zeb is thinking of leaving town",
    "conflict description": "SECRET-conflict: the borrowed van came back dented",
    "close note": "SECRET-close: paid for the repair, apologised",
    "private agreements": "SECRET-agreements: nothing leaves this room",
}
PUBLIC = {"agreements": "Public agreements: phones away during rounds", "void reason": "typed in the wrong crew"}


def play(ledger: Ledger) -> dict[str, int]:
    ledger.add_group("Kestrels", ["Ama", ZEB, "Caz", "Dev"], on="2025-01-01")
    ledger.add_group("Herons", ["Fen", "Gus", "Hana"], on="2025-01-01")
    ids = {"money": ledger.record(Money(
        "Kestrels", "2025-02-01", speaker=ZEB, offers=[("Ama", "introduction", SECRETS["offer note"])],
        asks=[SECRETS["ask"]], respectful=["Ama"], note=SECRETS["money note"]))}
    ids["meeting"] = ledger.record(Meeting("Kestrels", "2025-02-05", attended=[ZEB, "Caz"],
                                           note=SECRETS["meeting note"]))
    ids["conflict"] = ledger.record(ConflictOpened("Kestrels", "2025-02-06", parties=[ZEB, "Dev"],
                                                   description=SECRETS["conflict description"]))
    ids["close"] = ledger.record(ConflictClosed(ids["conflict"], "2025-02-20", "resolved", note=SECRETS["close note"]))
    ids["private agreements"] = ledger.record_agreements("Kestrels", "2025-01-02", SECRETS["private agreements"],
                                                         private=True)
    ids["agreements"] = ledger.record_agreements("Herons", "2025-01-02", PUBLIC["agreements"])
    ids["listening"] = ledger.record(Listening("Kestrels", "2025-02-07", present=[ZEB, "Ama", "Caz"]))
    ids["venture"] = ledger.record(Venture("Kestrels", "2025-03-01", "Van Share", "co-op", [ZEB, "Caz"]))
    ids["hosting"] = ledger.record_hosting("Kestrels", "2025-02-07", facilitator=ZEB)
    ids["void"] = ledger.void(ledger.record(Listening("Herons", "2025-02-07", present=["Fen", "Gus"])),
                              PUBLIC["void reason"])
    return ids


def text_of(frame: pd.DataFrame) -> str:
    return frame.astype(str).to_csv()


def raw_bytes(path: Path) -> bytes:
    """The ledger as it lies on disk: the file, its write-ahead log and shared memory."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


@pytest.fixture
def played(ledger):
    return ledger, play(ledger)


def test_private_texts_are_flagged_in_the_ledger(played):
    ledger, ids = played
    ev = ledger.events(include_private=True).set_index("id")
    for kind in ("money", "meeting", "conflict", "close", "private agreements"):
        assert ev.loc[ids[kind], "private"], kind
    for kind in ("agreements", "listening", "venture", "hosting", "void"):
        assert not ev.loc[ids[kind], "private"], kind


def test_hidden_by_default_shown_when_asked(played):
    ledger, ids = played
    shown = text_of(ledger.events())
    assert not [k for k, s in SECRETS.items() if s in shown]
    assert all(p in shown for p in PUBLIC.values())
    assert "texts" not in ledger.participants().columns
    assert ledger.agreements("Kestrels") is None
    assert ledger.agreements("Herons") == PUBLIC["agreements"]

    everything = text_of(ledger.events(include_private=True)) + text_of(ledger.participants(include_private=True))
    assert [k for k, s in SECRETS.items() if s not in everything] == []
    assert ledger.agreements("Kestrels", include_private=True) == SECRETS["private agreements"]


def test_no_private_text_in_any_reading_or_chart(played):
    ledger, _ = played
    readings = [ledger.points(), ledger.totals(), ledger.trust_over_time(), ledger.trust_over_time(by="group"),
                ledger.groups(), ledger.memberships(), ledger.table("open_conflicts"), ledger.table("ventures"),
                ledger.table("attendance"), ledger.hosting("Kestrels"), ledger.preview(
                    Listening("Kestrels", "2025-03-02", present=["Ama", "Caz"]))]
    seen = "".join(text_of(r) for r in readings)
    data = ReviewData.load(ledger)
    specs = {k: c.to_dict() for k, c in review_charts(data, Selection()).items()}
    specs.update({k + " Kestrels": c.to_dict() for k, c in review_charts(data, Selection(groups=("Kestrels",))).items()})
    seen += json.dumps(specs, ensure_ascii=False)
    seen += export.to_csv(export.events_table(ledger)).decode("utf-8")
    assert ZEB in seen  # the readings are not empty: names are there, private words are not
    assert [k for k, s in SECRETS.items() if s in seen or s.split(": ")[1] in seen] == []


def test_exported_review_files_leave_private_texts_out(tmp_path):
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        play(ledger)
        files = export.review_files(ledger, ReviewData.load(ledger), Selection(groups=("Kestrels",)))
    blob = b"".join(files.values())
    assert ZEB.encode() in blob
    assert [k for k, s in SECRETS.items() if s.encode() in blob] == []


def test_forgetting_a_member_erases_their_words_and_keeps_their_points(played):
    ledger, ids = played
    points_before = ledger.points()
    with ledger.store.read() as con:
        zeb_id = con.execute(sa.select(st.members.c.id).where(st.members.c.name == ZEB)).scalar_one()
    # Someone already carries the pseudonym forgetting would pick: it must not clash with them.
    ledger.rename_member("Dev", f"Former member {zeb_id}")

    forgotten = ledger.forget_member(" zebedee   QUILLFEATHER ")
    pseudonym = f"Former member {zeb_id}-2"

    everything = (text_of(ledger.events(include_private=True)) + text_of(ledger.participants(include_private=True))
                  + text_of(ledger.points()) + text_of(ledger.groups()) + text_of(ledger.memberships()))
    assert ZEB not in everything and "Zebedee" not in everything
    assert [k for k, s in SECRETS.items() if s in everything and k != "private agreements"] == []
    # The crew's private agreements are the crew's, not the member's: they stay.
    assert ledger.agreements("Kestrels", include_private=True) == SECRETS["private agreements"]
    assert all(p in everything for p in PUBLIC.values())

    after = ledger.points()
    renamed = points_before.assign(member=points_before["member"].replace(
        {ZEB: pseudonym, "Dev": f"Former member {zeb_id}"}))
    pd.testing.assert_frame_equal(after, renamed)
    assert ledger.totals().loc[pseudonym, "total"] == points_before.query("member == @ZEB")["points"].sum()
    assert pseudonym in ledger.members("Kestrels")
    ev = ledger.events().set_index("id")
    assert ev.loc[forgotten, "kind"] == "forgotten"
    assert ev.loc[ids["venture"], "members"] == f"{pseudonym}, Caz"


def test_forgotten_words_are_gone_from_the_file_itself(tmp_path):
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        play(ledger)
        assert ZEB.encode() in raw_bytes(path)           # they were on disk (file or WAL) ...
        assert all(s.encode() in raw_bytes(path) for s in SECRETS.values())
        ledger.forget_member(ZEB)
        on_disk = raw_bytes(path)                        # ... while another connection is still open
    for text in [ZEB, *(s for k, s in SECRETS.items() if k != "private agreements")]:
        assert text.encode() not in on_disk, text
        assert text.encode("utf-16-le") not in on_disk and text.encode("utf-16-be") not in on_disk
    assert SECRETS["private agreements"].encode() in on_disk  # the search does find what is kept
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


def test_without_the_scrub_the_words_would_stay_on_disk(tmp_path, monkeypatch):
    """Why forget_member VACUUMs and truncates the WAL: an UPDATE alone leaves the old bytes."""
    monkeypatch.setattr(st.Store, "scrub", lambda self: None)
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        play(ledger)
        ledger.forget_member(ZEB)
        assert ZEB not in text_of(ledger.events(include_private=True))
        assert ZEB.encode() in raw_bytes(path)


def test_ledgers_in_data_are_not_committed():
    paths = ["data/ledger.sqlite", "data/ledger.sqlite-wal", "data/ledger.sqlite-shm", "data/demo.sqlite",
             "data/crew.schema1-20260101-120000.sqlite", "data/backups/ledger-2026-01-01.sqlite"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(paths)
    kept = subprocess.run(["git", "check-ignore", "--no-index", "data/README.md"], cwd=REPO, capture_output=True)
    assert kept.returncode == 1  # the folder's README is versioned
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert all(not name.endswith((".sqlite", ".db")) for name in tracked)


def test_the_demo_is_fictional_and_holds_no_contact_details(tmp_path):
    path = tmp_path / "demo.sqlite"
    demo.write(path)
    with Ledger.open(path) as ledger:
        names = set(ledger.participants()["member"])
        invented = {n for crew in demo.CREWS.values() for n in crew} | {n for _, n, _ in demo.LATE_JOINERS}
        assert names <= invented
        assert all(" " not in n for n in names)          # first names only, nobody's full name
        ev, parts = ledger.events(include_private=True), ledger.participants(include_private=True)
    named = pd.concat([ev["data"], ev["texts"], parts["data"], parts["texts"]]).dropna()
    texts = pd.Series([value for fields in named for value in fields.values()]).dropna().astype(str)
    assert len(texts) > 20
    for pattern in (r"@\w+\.\w", r"https?://|www\.", r"\+?\d[\d \-]{7,}\d"):  # e-mail, web, phone
        assert not texts.str.contains(pattern).any(), pattern


def test_the_readme_forget_example_runs_as_written(tmp_path):
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Your data", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    with Ledger.open(tmp_path / "data" / "ledger.sqlite") as ledger:
        ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
        ledger.record(Money("Kestrels", "2025-02-01", speaker="Ama", offers=[("Bo", "other")], asks=["a lift"],
                            note="SECRET-readme"))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Former member 1" in run.stdout and "Ama" not in run.stdout
    assert b"SECRET-readme" not in raw_bytes(tmp_path / "data" / "ledger.sqlite")


def test_a_forget_kept_from_scrubbing_says_how_to_finish_and_that_way_works(tmp_path):
    """A long read holds the log: the message names the pseudonym, and forgetting that finishes the job."""
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        play(ledger)
        reader = sqlite3.connect(path)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()  # a read transaction, as a long export holds
        try:
            with pytest.raises(LedgerError) as err:
                ledger.forget_member(ZEB)
        finally:
            reader.rollback()
            reader.close()
        message = str(err.value)
        pseudonym = next(n for n in ledger.members("Kestrels") if n.startswith("Former member"))
        assert f"is forgotten: their texts are erased and they are now called “{pseudonym}”" in message
        assert f"forget “{pseudonym}” again once the pages are quiet" in message
        ledger.forget_member(pseudonym)  # what the message says to do
        on_disk = raw_bytes(path)
    assert ZEB.encode() not in on_disk
