"""The catalogue of bad input through the API: each gets a message a facilitator understands and
records nothing (the events and the ledger file's bytes are unchanged). docs/bad-inputs.md lists
the same catalogue as a table; test_the_catalogue_is_documented keeps the two together.

Emoji, accents and right-to-left scripts are not bad input: they round-trip exactly.
"""

import datetime as dt
import sqlite3
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from microsolidarity_widgets import Ledger, LedgerError
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money



def tomorrow() -> str:
    # Worked out when the test runs, not at collection: a suite started just before midnight
    # would otherwise offer "today" as the future date.
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()
D = "2025-06-01"
CREW = ["Ama", "Bo", "Caz", "Dev"]
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(1)</script>"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "bad-inputs.md"


def listening(present, on=D, group="Kestrels", **kw):
    return lambda l, ids: l.record(Listening(group, on() if callable(on) else on, present=present, **kw))


def new_crew(name, members=("Eli", "Fay", "Gil"), kind="crew"):
    return lambda l, ids: l.add_group(name, members, kind=kind, on="2025-01-01")


def money(**kw):
    kw = {"speaker": "Ama", "offers": [("Bo", "perspective")], **kw}
    return lambda l, ids: l.record(Money("Kestrels", D, **kw))


def close(conflict, outcome="resolved", on=D):
    return lambda l, ids: l.record(ConflictClosed(ids.get(conflict, conflict), on, outcome))


# (case id, what is tried, words the message must contain)
CATALOGUE = [
    # names
    ("empty group name", new_crew(""), "The group name is empty"),
    ("whitespace-only group name", new_crew("   \t "), "The group name is empty"),
    ("whitespace-only member name", new_crew("Finches", ["Eli", "  ", "Gil"]), "The member is empty"),
    ("10,000-character name", new_crew("K" * 10_000), "is 10000 characters long; keep it to 80"),
    ("81-character member name", new_crew("Finches", ["E" * 81, "Fay", "Gil"]), "keep it to 80"),
    ("line break in a name", new_crew("Finches", ["Eli\nFay", "Gil", "Hal"]),
     "The member “Eli\ufffdFay” contains a line break, tab or other control"),
    ("tab in a name", new_crew("Fin\tches"), "line break, tab or other control"),
    ("NUL in a name", new_crew("Finches", ["Eli\x00", "Fay", "Gil"]), "control character"),
    ("terminal escape in a name", new_crew("\x1b[31mFinches"), "control character"),
    ("Unicode line separator in a name", new_crew("Fin\u2028ches"), "control character"),
    ("zero-width space in a name", new_crew("Finches", ["A\u200bma", "Fay", "Gil"]), "invisible character"),
    ("right-to-left override in a name", new_crew("\u202eFinches"), "invisible character"),
    ("<script> as a group name", new_crew(XSS_SCRIPT), "contains < or >"),
    ("<img onerror> as a member name", new_crew("Finches", [XSS_IMG, "Fay", "Gil"]), "contains < or >"),
    ("markup in a venture name", lambda l, ids: l.record(Venture("Kestrels", D, "<b>Pod</b>", "co-op", ["Ama", "Bo"])),
     "venture name “<b>Pod</b>” contains < or >"),
    ("markup in a rename", lambda l, ids: l.rename_member("Caz", XSS_IMG), "contains < or >"),
    ("right-to-left mark in a name", new_crew("Finches", ["A\u200fma", "Fay", "Gil"]), "invisible character"),
    ("soft hyphen in a name", new_crew("Fin\u00adches"), "invisible character"),
    ("Hangul filler as a name", new_crew("Finches", ["\u3164", "Fay", "Gil"]), "invisible character"),
    ("name that is a number", new_crew(42), "A group name must be text, not int"),
    ("name that is None", new_crew(None), "A group name must be text, not NoneType"),
    # duplicates
    ("same member twice, different case", new_crew("Finches", ["Eli", "eli", "Gil"]), "“eli” is listed twice"),
    ("same member twice, different spacing", new_crew("Finches", ["Mary Ann", " mary  ann ", "Gil"]),
     "is listed twice"),
    ("same member twice, NFC and NFD", new_crew("Finches", ["Zo\u00eb", "Zoe\u0308", "Gil"]), "is listed twice"),
    ("existing group, different case", new_crew(" KESTRELS "), "There is already a group called “KESTRELS”"),
    ("present twice in one round", listening(["Ama", "AMA", "Bo"]), "is listed twice"),
    ("joining a crew one is already in", lambda l, ids: l.add_member("Kestrels", "  caz", on=D),
     "Caz is already a member of Kestrels"),
    ("rename onto another member", lambda l, ids: l.rename_member("Caz", "dev"), "There is already a member called “dev”"),
    # group shapes and kinds
    ("members as one string", new_crew("Finches", "Eli, Fay, Gil"), "Give the names of each member as a list"),
    ("members as a dict", new_crew("Finches", {"Eli": 1, "Fay": 2, "Gil": 3}), "as a list"),
    ("members missing", new_crew("Finches", None), "as a list"),
    ("crew of 9", new_crew("Finches", [f"P{i}" for i in range(9)]), "A crew has at most 8 members"),
    ("crew of 2", new_crew("Finches", ["Eli", "Fay"]), "A crew needs at least 3 members"),
    ("partnership of 3", new_crew("Eli+Fay", kind="partnership"), "A partnership is exactly 2 people"),
    ("unknown group kind", new_crew("Finches", kind="congregation"), "A group is a crew or a partnership"),
    ("group kind of the wrong type", new_crew("Finches", kind=["crew"]), "A group is a crew or a partnership"),
    ("leaving a partnership", lambda l, ids: l.remove_member("Ama+Bo", "Bo", on=D), "A partnership is always two people"),
    ("crew dropping below 3", lambda l, ids: l.remove_member("Herons", "Fen", on=D), "would drop below 3 members"),
    # dates
    ("date in the future", listening(["Ama", "Bo"], on=tomorrow), "is in the future"),
    ("month 13", listening(["Ama", "Bo"], on="2025-13-01"), "“2025-13-01” is not a date: write it as YYYY-MM-DD"),
    ("30 February", listening(["Ama", "Bo"], on="2025-02-30"), "is not a date"),
    ("day-first date", listening(["Ama", "Bo"], on="01/06/2025"), "is not a date"),
    ("date with a time", listening(["Ama", "Bo"], on="2025-06-01T18:00"), "is not a date"),
    ("empty date", listening(["Ama", "Bo"], on=""), "is not a date"),
    ("10,000-character date", listening(["Ama", "Bo"], on="2" * 10_000), "is not a date"),
    ("date as a number", listening(["Ama", "Bo"], on=20250601), "The date is missing or not a date"),
    ("date missing", listening(["Ama", "Bo"], on=None), "The date is missing or not a date"),
    ("date before 1900", listening(["Ama", "Bo"], on="1899-12-31"), "is before 1900; check the year"),
    ("closing before opening", close("conflict", on="2025-01-31"), "it cannot close before that"),
    ("date as pandas NaT", listening(["Ama", "Bo"], on=pd.NaT), "The date is missing or not a date"),
    ("round before its group started", listening(["Ama", "Bo"], on="2024-12-31"),
     "Kestrels started on 2025-01-01: nothing can be recorded for it on 2024-12-31, before it existed"),
    ("join before the group started", lambda l, ids: l.add_member("Herons", "Ida", on="1901-01-01"),
     "Herons started on 2025-01-01: nothing can be recorded for it on 1901-01-01"),
    # people who are not there
    ("unknown group", listening(["Ama", "Bo"], group="Falcons"), "There is no group called “Falcons”"),
    ("unknown member", listening(["Ama", "Zed"]), "“Zed” is not a member of Kestrels"),
    ("member of another crew", listening(["Ama", "Fen"]), "“Fen” is not a member of Kestrels"),
    ("member before they joined", listening(["Ama", "Eve"], on="2025-02-01"), "“Eve” is not a member of Kestrels on that date"),
    ("a round of one", listening(["Ama"]), "needs at least 2 people present"),
    ("speaker missing", money(speaker=None), "Choose the speaker"),
    ("speaker offering to themself", money(offers=[("Ama", "perspective")]), "Ama is the speaker"),
    ("forget an unknown member", lambda l, ids: l.forget_member("Zed"), "There is no member called “Zed”"),
    # wrong kinds and types
    ("unknown kind of offer", money(offers=[("Bo", "gift")]), "“gift” is not a kind of offer"),
    ("offer without a kind", money(offers=[("Bo",)]), "Each offer is (member, kind)"),
    ("offers as a number", money(offers=5), "Give the offers as a list, not int"),
    ("asks as a number", money(asks=5), "Give the asks as a list, not int"),
    ("empty ask", money(asks=["  "]), "The ask is empty"),
    ("respect bonus without an exchange", money(respectful=["Caz"]), "Caz made no offer and was not asked for anything"),
    ("ask addressed to the speaker", money(asks=[("a lift", ["Ama"])]), "Ama is the speaker: an ask is addressed"),
    ("note that is not text", money(note=12), "The note must be text"),
    ("5,001-character note", money(note="x" * 5001), "keep it under 5000"),
    ("NUL in a note", money(note="a\x00b"), "contains a NUL character"),
    ("everyone_listened as text", listening(["Ama", "Bo"], everyone_listened="no"), "Say whether everyone listened"),
    ("private as text", lambda l, ids: l.record_agreements("Kestrels", D, "No phones.", private="no"),
     "Say whether the agreements are private"),
    ("unknown meeting process", lambda l, ids: l.record(Meeting("Kestrels", D, ["Ama"], process="Book Club")),
     "“Book Club” is not a meeting process we know"),
    ("second meeting on one day", lambda l, ids: l.record(Meeting("Kestrels", "2025-03-01", ["Bo"])),
     "already has a meeting recorded on 2025-03-01"),
    ("venture with one owner", lambda l, ids: l.record(Venture("Kestrels", D, "Solo", "company", ["Ama"])),
     "A venture needs at least 2 owners"),
    ("same venture twice", lambda l, ids: l.record(Venture("Kestrels", D, " kestrel pod ", "co-op", ["Ama", "Bo"])),
     "already has a venture called “kestrel pod”"),
    ("no host chosen", lambda l, ids: l.record_hosting("Kestrels", D), "Choose at least one host"),
    ("host as a number", lambda l, ids: l.record_hosting("Kestrels", D, facilitator=7), "must be text, not int"),
    ("unknown conflict outcome", close("conflict", outcome="maybe"), "closes as “resolved” or “unresolved”, not “maybe”"),
    ("outcome of the wrong type", close("conflict", outcome=["resolved"]), "closes as “resolved” or “unresolved”"),
    ("preview of a method's name", lambda l, ids: l.preview("add_group"), "“add_group” cannot be"),
    ("preview of nothing", lambda l, ids: l.preview(None), "“None” cannot be"),
    ("record of a plain tuple", lambda l, ids: l.record(("record_listening", "Kestrels")), "can be previewed or recorded"),
    ("trust by week", lambda l, ids: l.trust_over_time(by="week"), 'counted "by member" or "by group", not “week”'),
    # event numbers
    ("event id 0", close(0), "There is no event number 0"),
    ("negative event id", close(-7), "There is no event number -7"),
    ("event id past the last", close(99_999), "There is no event number 99999"),
    ("event id beyond 64 bits", close(2**63), "There is no event number 9223372036854775808"),
    ("event id of 5,000 digits", close(10**5000), "There is no event number that large"),
    ("event id of 10^30", close(10**30), "There is no event number that large"),
    ("event id as words", close("seven"), "“seven” is not an event number"),
    ("event id as a fraction", close(1.5), "“1.5” is not an event number"),
    ("event id as True", close(True), "“True” is not an event number"),
    ("event id missing", lambda l, ids: l.void(None, "typo"), "“None” is not an event number"),
    ("event id as a list", lambda l, ids: l.void([1], "typo"), "is not an event number"),
    ("closing a listening round", close("listening"), "is not a conflict"),
    ("closing a conflict twice", close("closed"), "The conflict between Caz and Dev opened on 2025-02-01 is already closed"),
    ("void without a reason", lambda l, ids: l.void(ids["listening"], "  "), "The reason is empty"),
    ("voiding twice", lambda l, ids: l.void(ids["voided"], "again"),
     "The listening on 2025-02-02 in Kestrels (Caz, Dev) is already voided"),
    ("voiding a correction", lambda l, ids: l.void(ids["void"], "undo"), "is itself a correction"),
    ("voiding a group", lambda l, ids: l.void(1, "gone"), "A group cannot be voided"),
    ("voiding a closed conflict's opening", lambda l, ids: l.void(ids["closed"], "x"),
     "The conflict between Caz and Dev opened on 2025-02-01 has been closed: void the closing first"),
    ("void dated before its event", lambda l, ids: l.void(ids["listening"], "typo", on="2025-01-31"),
     "happened on 2025-02-01; its correction cannot be dated 2025-01-31, before it"),
    ("voiding a join someone's rounds rest on", lambda l, ids: l.void(ids["eve joined"], "typo"),
     "cannot be voided: without it, Eve would not be a member of Kestrels on 2025-05-02, yet took part in the hosting that day"),
    ("include_private as text", lambda l, ids: l.events(include_private="no"),
     "Say include_private=True or include_private=False, not “no”"),
    ("a megabyte as a kind of offer", money(offers=[("Bo", "k" * 1_000_000)]),
     "“kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…” is not a kind of offer"),
]


@pytest.fixture(scope="module")
def crew(tmp_path_factory):
    """A small ledger every case is tried against; each case must leave it exactly as it was."""
    path = tmp_path_factory.mktemp("bad-input") / "ledger.sqlite"
    ledger = Ledger.open(path)
    ledger.add_group("Kestrels", CREW, on="2025-01-01")
    ledger.add_group("Herons", ["Fen", "Gus", "Hana"], on="2025-01-01")
    ledger.add_group("Ama+Bo", ["Ama", "Bo"], kind="partnership", on="2025-01-01")
    eve = ledger.add_member("Kestrels", "Eve", on="2025-05-01")
    ledger.record_hosting("Kestrels", "2025-05-02", facilitator="Eve")
    ids = {
        "eve joined": eve,
        "listening": ledger.record(Listening("Kestrels", "2025-02-01", present=["Ama", "Bo"])),
        "conflict": ledger.record(ConflictOpened("Kestrels", "2025-02-01", parties=["Ama", "Bo"])),
        "closed": ledger.record(ConflictOpened("Kestrels", "2025-02-01", parties=["Caz", "Dev"])),
        "voided": ledger.record(Listening("Kestrels", "2025-02-02", present=["Caz", "Dev"])),
    }
    ledger.record(ConflictClosed(ids["closed"], "2025-02-10", "resolved"))
    ids["void"] = ledger.void(ids["voided"], "typed twice")
    ledger.record(Meeting("Kestrels", "2025-03-01", attended=["Ama", "Bo"]))
    ledger.record(Venture("Kestrels", "2025-04-01", "Kestrel Pod", "livelihood pod", ["Ama", "Caz"]))
    yield ledger, ids, path
    ledger.close()


def file_bytes(path: Path) -> tuple[bytes, bytes]:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


def counts(path: Path) -> tuple[int, ...]:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("events", "participants", "members", "groups"))
    finally:
        con.close()


@pytest.mark.parametrize("try_it, words", [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE])
def test_refused_in_words_and_nothing_recorded(crew, try_it, words):
    ledger, ids, path = crew
    before_files, before_counts, before_events = file_bytes(path), counts(path), ledger.events()
    with pytest.raises(LedgerError) as err:
        try_it(ledger, ids)
    message = str(err.value)
    assert words in message
    assert message[0].isupper() or message[0] in "“<", message  # a sentence, not a repr
    assert "Traceback" not in message and "sqlalchemy" not in message.lower()
    assert counts(path) == before_counts
    assert file_bytes(path) == before_files
    assert ledger.events().equals(before_events)


def test_the_catalogue_is_big_and_unique():
    names = [c[0] for c in CATALOGUE]
    assert len(names) >= 40 and len(set(names)) == len(names)


def test_the_catalogue_is_documented():
    """Every case is a row of docs/bad-inputs.md with the words of its message."""
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    for name, _, words in CATALOGUE:
        row = [r for r in rows if r.startswith(f"| {name} |")]
        assert row, f"docs/bad-inputs.md has no row for “{name}”"
        assert words.replace("|", "\\|") in row[0], f"the row for “{name}” does not show “{words}”"


# --- what is not bad input -------------------------------------------------------------------

WORLD = ["نور", "שָׁלוֹם", "Zoë 🦊", "👩‍👩‍👧 Família", "Zoe\u0308 NFD", "Ōkami 狼", "Ama"]
STORED = [unicodedata.normalize("NFC", n) for n in WORLD]  # one spelling for text typed on any keyboard


def test_emoji_and_right_to_left_names_round_trip_composed(tmp_path):
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.add_group("🦉 Búhos", WORLD, on="2025-01-01")
        ledger.add_group("نور+שָׁלוֹם", WORLD[:2], kind="partnership", on="2025-01-01")
        ledger.record(Listening("🦉 Búhos", "2025-02-01", present=WORLD))
        ledger.record(Money("🦉 Búhos", "2025-02-02", speaker="نور", offers=[("Zoë 🦊", "introduction")],
                            respectful=["Zoë 🦊"]))
        ledger.record(Meeting("نور+שָׁלוֹם", "2025-02-03", attended=["שָׁלוֹם"]))
        assert set(ledger.groups()["group"]) == {"🦉 Búhos", "نور+שָׁלוֹם"}
        assert ledger.groups().set_index("group").loc["🦉 Búhos", "members"] == sorted(STORED, key=str.casefold)
        assert set(ledger.points()["member"]) == set(STORED)
        assert ledger.events()["members"].iloc[0] == ", ".join(STORED)
        assert set(ledger.participants()["member"]) == set(STORED)
        totals = ledger.totals("🦉 Búhos")["total"]
        assert totals["نور"] == 1 + 1 and totals["Zoë 🦊"] == 1 + 5 + 1
        # The same names typed differently (case, spacing, NFC/NFD) find the stored spelling.
        ledger.record(Listening(" 🦉 BÚHOS ", "2025-02-04", present=["zoë 🦊", "  نور  ", "Zoë NFD"]))
        assert ledger.events()["members"].iloc[-1] == "Zoë 🦊, نور, Zo\u00eb NFD"


def test_markup_in_notes_is_kept_as_text(tmp_path):
    """Notes may hold anything (they are private prose); the pages must show them as text."""
    note = f"{XSS_SCRIPT} {XSS_IMG} & \"quotes\" 'and' `ticks` -- ; DROP TABLE events;"
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        ledger.add_group("Kestrels", CREW, on="2025-01-01")
        ledger.record(Money("Kestrels", D, speaker="Ama", offers=[("Bo", "other", note)], asks=[note], note=note))
        ledger.record_agreements("Kestrels", D, note)
        events = ledger.events(include_private=True)
        assert events["texts"].tolist()[-2:] == [{"note": note}, {"text": note}]
        assert ledger.participants(include_private=True)["texts"].dropna().tolist() == [{"note": note}, {"text": note}]
        assert ledger.agreements("Kestrels") == note
        assert len(ledger.events()) == 3  # the events table is still there
