"""The ledger's invariants hold on every path, not only on the path of a fresh record: a void, a
dated join or departure and a copy are checked against the whole history they leave behind.

Every test runs on SQLite and on PostgreSQL (the ``ledger`` fixture)."""

import pytest

from microsolidarity_widgets import LedgerError
from microsolidarity_widgets.levels.co_owners import Venture
from microsolidarity_widgets.levels.conflict import ConflictClosed, ConflictOpened
from microsolidarity_widgets.levels.consistency import Meeting
from microsolidarity_widgets.levels.listening import Listening
from microsolidarity_widgets.levels.money import Money



def counts(ledger):
    return len(ledger.events()), len(ledger.participants())


@pytest.fixture
def kestrels(ledger):
    """A crew of three from 2025-01-01; Dev joins on 02-01, Caz leaves on 03-01 (three again)."""
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
    ids = {"dev joined": ledger.add_member("Kestrels", "Dev", on="2025-02-01"),
           "caz left": ledger.remove_member("Kestrels", "Caz", on="2025-03-01")}
    return ledger, ids


def refused(ledger, call, *words):
    before = counts(ledger)
    with pytest.raises(LedgerError) as err:
        call()
    for w in words:
        assert w in str(err.value), str(err.value)
    assert counts(ledger) == before
    return str(err.value)


# --- voids ---------------------------------------------------------------------------------


def test_voiding_a_join_cannot_leave_a_crew_of_two(kestrels):
    ledger, ids = kestrels
    message = refused(ledger, lambda: ledger.void(ids["dev joined"], "typo"),
                      "The member joined on 2025-02-01 in Kestrels (Dev) cannot be voided: without it, Kestrels would have 2 members on "
                      "2025-03-01, and a crew needs at least 3")
    assert "Traceback" not in message
    assert ledger.members("Kestrels") == ["Ama", "Bo", "Dev"]


def test_voiding_a_departure_cannot_make_a_crew_of_nine(ledger):
    ledger.add_group("Big", [f"P{i}" for i in range(8)], on="2025-01-01")
    left = ledger.remove_member("Big", "P7", on="2025-02-01")
    ledger.add_member("Big", "Q", on="2025-03-01")
    refused(ledger, lambda: ledger.void(left, "never left"),
            "without it, Big would have 9 members on 2025-03-01, and a crew has at most 8")
    assert len(ledger.members("Big")) == 8


def test_voiding_a_join_of_someone_who_took_part_since_is_refused(kestrels):
    ledger, ids = kestrels
    ledger.add_member("Kestrels", "Eve", on="2025-04-01")
    joined = ledger.add_member("Kestrels", "Fay", on="2025-04-02")
    round_id = ledger.record(Listening("Kestrels", "2025-05-01", present=["Ama", "Fay"]))
    refused(ledger, lambda: ledger.void(joined, "typo"),
            "Fay would not be a member of Kestrels on 2025-05-01, yet took part in the listening that day")
    ledger.void(round_id, "wrong crew")  # once the round is voided, so can the join be
    ledger.void(joined, "typo")
    assert ledger.members("Kestrels") == ["Ama", "Bo", "Dev", "Eve"]


def test_voiding_a_departure_of_someone_who_joined_again_is_refused(kestrels):
    ledger, ids = kestrels
    ledger.add_member("Kestrels", "Caz", on="2025-06-01")
    refused(ledger, lambda: ledger.void(ids["caz left"], "typo"),
            "Caz would join Kestrels on 2025-06-01 while already a member")


def test_a_void_that_leaves_a_valid_history_is_recorded(kestrels):
    ledger, ids = kestrels
    ledger.add_member("Kestrels", "Eve", on="2025-02-15")
    ledger.void(ids["dev joined"], "joined another crew after all")
    assert ledger.members("Kestrels") == ["Ama", "Bo", "Eve"]
    assert ledger.members("Kestrels", on="2025-02-10") == ["Ama", "Bo", "Caz"]


@pytest.mark.parametrize("change, words", [
    (lambda l: l.rename_member("Ama", "Amara"), "is a rename, which a void cannot take back: rename them back"),
    (lambda l: l.rename_group("Kestrels", "Hawks"), "is a rename, which a void cannot take back"),
    (lambda l: l.forget_member("Bo"), "forgot a member: their texts are erased and cannot come back"),
])
def test_voids_that_cannot_mean_anything_are_refused(kestrels, change, words):
    ledger, _ = kestrels
    event_id = change(ledger)
    names = ledger.groups()
    refused(ledger, lambda: ledger.void(event_id, "undo"), f"Event {event_id} ", words)
    assert ledger.groups().equals(names)
    assert not ledger.events()["voided"].any()


def test_a_void_cannot_be_dated_before_the_event_it_corrects(kestrels):
    ledger, _ = kestrels
    round_id = ledger.record(Listening("Kestrels", "2025-05-01", present=["Ama", "Bo"]))
    refused(ledger, lambda: ledger.void(round_id, "typo", on="2025-04-30"),
            "The listening happened on 2025-05-01; its correction cannot be dated 2025-04-30")


# --- joins and departures dated in the past ---------------------------------------------------


def test_a_departure_dated_before_someone_took_part_is_refused(kestrels):
    ledger, _ = kestrels
    ledger.add_member("Kestrels", "Eve", on="2025-03-15")
    ledger.record(Listening("Kestrels", "2025-05-01", present=["Ama", "Dev"]))
    refused(ledger, lambda: ledger.remove_member("Kestrels", "Dev", on="2025-04-01"),
            "Not recorded: with this change, Dev would not be a member of Kestrels on 2025-05-01, yet took part "
            "in the listening that day")
    ledger.remove_member("Kestrels", "Dev", on="2025-05-02")  # after the round: fine


def test_a_join_dated_back_cannot_overfill_the_crew_in_the_past(ledger):
    ledger.add_group("Big", [f"P{i}" for i in range(8)], on="2025-01-01")
    ledger.remove_member("Big", "P7", on="2025-03-01")
    # Today the crew has 7, but between 02-01 and 03-01 it would have had 9.
    refused(ledger, lambda: ledger.add_member("Big", "Q", on="2025-02-01"),
            "Big would have 9 members on 2025-02-01, and a crew has at most 8")
    ledger.add_member("Big", "Q", on="2025-03-01")


def test_a_second_departure_before_a_later_one_is_refused(kestrels):
    ledger, _ = kestrels
    ledger.add_member("Kestrels", "Eve", on="2025-04-01")
    ledger.remove_member("Kestrels", "Dev", on="2025-06-01")
    refused(ledger, lambda: ledger.remove_member("Kestrels", "Dev", on="2025-05-01"),
            "Dev would leave Kestrels on 2025-06-01 without being a member then")


# --- nothing before the group existed -------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda l: l.record(Meeting("Kestrels", "1950-03-01", attended=["Ama"])),
    lambda l: l.add_member("Kestrels", "Eve", on="1901-01-01"),
    lambda l: l.remove_member("Kestrels", "Dev", on="2024-12-31"),
    lambda l: l.record(Venture("Kestrels", "1960-01-01", "Pod", "co-op", ["Ama", "Bo"])),
    lambda l: l.record(Listening("Kestrels", "2024-12-31", present=["Ama", "Bo"])),
    lambda l: l.record(Money("Kestrels", "2000-01-01", speaker="Ama", offers=[("Bo", "other")])),
    lambda l: l.record(ConflictOpened("Kestrels", "2000-01-01", parties=["Ama", "Bo"])),
    lambda l: l.record_hosting("Kestrels", "2000-01-01", facilitator="Ama"),
    lambda l: l.record_agreements("Kestrels", "2000-01-01", "No phones."),
], ids=["meeting", "join", "departure", "venture", "listening", "money", "conflict", "hosting", "agreements"])
def test_nothing_is_recorded_before_the_group_started(ledger, call):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], on="2025-01-01")
    refused(ledger, lambda: call(ledger), "Kestrels started on 2025-01-01: nothing can be recorded for it on",
            "before it existed")
    assert ledger.points().empty


# --- look-alike names ------------------------------------------------------------------------

INVISIBLES = {"left-to-right mark": "\u200e", "right-to-left mark": "\u200f", "Arabic letter mark": "\u061c",
              "soft hyphen": "\u00ad", "combining grapheme joiner": "\u034f", "Hangul filler": "\u3164",
              "zero-width joiner between letters": "\u200d"}


@pytest.mark.parametrize("mark", INVISIBLES.values(), ids=INVISIBLES.keys())
def test_names_with_invisible_marks_are_refused(ledger, mark):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
    refused(ledger, lambda: ledger.add_member("Kestrels", f"Am{mark}a", on="2025-02-01"), "invisible character")
    assert ledger.members("Kestrels") == ["Ama", "Bo", "Caz"]


def test_joiners_that_shape_a_name_are_kept(ledger):
    family, persian, conjunct = "👩\u200d👩\u200d👧 Família", "می\u200cخواهم", "क्\u200dष"
    ledger.add_group("Kestrels", [family, persian, conjunct], on="2025-01-01")
    assert sorted(ledger.members("Kestrels")) == sorted([family, persian, conjunct])


def test_names_are_stored_composed(ledger):
    ledger.add_group("Kestrels", ["Zoe\u0308", "Bo", "Caz"], on="2025-01-01")
    assert "Zo\u00eb" in ledger.members("Kestrels")
    assert "Zo\u00eb" in set(ledger.participants()["member"])


def test_a_look_alike_of_a_member_is_recorded_with_a_warning(ledger):
    from microsolidarity_widgets import LookAlikeName

    ledger.add_group("Kestrels", ["Eva", "Bo", "Caz"], on="2025-01-01")
    with pytest.warns(LookAlikeName, match="“\u0415va” looks like “Eva”, another member of Kestrels"):
        ledger.add_member("Kestrels", "\u0415va", on="2025-02-01")  # Cyrillic Е
    with pytest.warns(LookAlikeName, match="looks like “Ama”"):
        ledger.add_group("Larks", ["Ama", "\u0410ma", "Dev"], on="2025-01-01")
    # Recording for the look-alike when only the other is in the crew points at the difference.
    refused(ledger, lambda: ledger.record(Listening("Larks", "2025-03-01", present=["Dev", "\u0415va"])),
            "is not a member of Larks")
    message = refused(ledger, lambda: ledger.record(Listening("Kestrels", "2025-01-10", present=["Bo", "\u0415va"])),
                      "is not a member of Kestrels on that date")
    assert "Did you mean “Eva”" in message


def test_different_names_do_not_warn(ledger, recwarn):
    ledger.add_group("Kestrels", ["Eva", "Ava", "Eve", "Zoë", "Zoe"], on="2025-01-01")
    assert not [w for w in recwarn if "looks like" in str(w.message)]


# --- locations and arguments that are not what they should be -------------------------------


@pytest.mark.parametrize("location, words", [
    (42, "A ledger is opened with a file path or a database URL, not int"),
    ("sqlite://", "names no file"),
    ("sqlite:///:memory:", "names no file"),
    ("mysql://host/db", "not in “mysql”"),
    ("nosuch+driver://x/y", "not in “nosuch”"),
    ("://nothing", "is not a database URL the workbook can read"),
    ("ledger\x00.sqlite", "contains a NUL character"),
    ("", "The ledger location is empty"),
])
def test_a_location_that_can_hold_no_ledger_is_refused_in_words(tmp_path, monkeypatch, location, words):
    from microsolidarity_widgets import Ledger, LedgerFileError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(LedgerFileError) as err:
        Ledger.open(location)
    assert words in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_a_postgresql_url_without_its_driver_says_how_to_install_it(tmp_path):
    import subprocess
    import sys

    code = ("import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
            "from microsolidarity_widgets import Ledger, LedgerError\n"
            "try:\n    Ledger.open('postgresql://someone:secret@db.example/congregation')\n"
            "except LedgerError as exc:\n    print(exc)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "its driver (psycopg) is not installed" in run.stdout
    assert 'pip install "microsolidarity-widgets[postgres]"' in run.stdout
    assert "secret" not in run.stdout


def test_odd_arguments_get_words_not_tracebacks(ledger):
    import pandas as pd

    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
    refused(ledger, lambda: ledger.events(include_private="no"), "Say include_private=True or include_private=False, not “no”")
    refused(ledger, lambda: ledger.participants(include_private="yes"), "Say include_private=True or include_private=False")
    refused(ledger, lambda: ledger.record(Listening("Kestrels", pd.NaT, present=["Ama", "Bo"])),
            "The date is missing or not a date")
    refused(ledger, lambda: ledger.add_member("Kestrels", "Eve", on=pd.NaT), "The date is missing or not a date")


@pytest.mark.parametrize("call", [
    lambda l: l.record(ConflictClosed("x" * 1_000_000, "2025-02-01", "resolved")),
    lambda l: l.record(ConflictClosed(["y"] * 200_000, "2025-02-01", "resolved")),
    lambda l: l.add_group("Larks", ["A", "B", "C"], kind="z" * 1_000_000),
    lambda l: l.record(Meeting("Kestrels", "2025-02-01", ["Ama"], process="p" * 1_000_000)),
    lambda l: l.record(Money("Kestrels", "2025-02-01", speaker="Ama", offers=[("Bo", "k" * 1_000_000)])),
    lambda l: l.trust_over_time(by="w" * 1_000_000),
    lambda l: l.preview("record_" + "m" * 1_000_000),
    lambda l: l.events(include_private="n" * 1_000_000),
], ids=["event id", "event id list", "group kind", "process", "offer kind", "trust by", "preview", "include_private"])
def test_a_message_never_quotes_a_megabyte(ledger, call):
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], on="2025-01-01")
    conflict = ledger.record(ConflictOpened("Kestrels", "2025-01-02", parties=["Ama", "Bo"]))
    assert conflict
    message = refused(ledger, lambda: call(ledger))
    assert len(message) < 400, message[:500]


# --- a congregation: its pool is its membership -------------------------------------------------


@pytest.fixture
def lisbon(ledger):
    """A congregation started on 2025-01-01; Ama, Bo and Cy in its pool from 02-01."""
    from microsolidarity_widgets.congregation import Congregation

    cong = Congregation.create(ledger, "Lisbon", region="Lisbon", on="2025-01-01")
    ama = cong.add_person("Ama", on="2025-02-01")
    for name in ("Bo", "Cy"):
        cong.add_person(name, on="2025-02-01")
    return ledger, cong, ama


@pytest.mark.parametrize("call", [
    lambda c: c.add_person("Old", on="1950-01-01"),
    lambda c: c.invite("Ama", "Dee", on="1990-01-01"),
    lambda c: c.record_answers("Ama", {"work": ["gardening"]}, on="2024-12-31"),
    lambda c: c.record_gathering("First", "1960-01-01", ["Ama"]),
    lambda c: c.import_csv("name,work,slots\nDee,gardening,Tue evening\n", on="1970-01-01"),
    lambda c: c.form_crews([["Ama", "Bo", "Cy"]], on="1999-01-01", names=["Early"]),
], ids=["pool", "invitation", "answers", "gathering", "csv", "formation"])
def test_nothing_is_recorded_in_a_congregation_before_it_started(lisbon, call):
    ledger, cong, _ = lisbon
    refused(ledger, lambda: call(cong), "Lisbon started on 2025-01-01: nothing can be recorded for it on",
            "before it existed")
    assert "Early" not in set(ledger.groups()["group"])


def test_no_one_takes_part_in_a_congregation_before_they_are_in_its_pool(lisbon):
    ledger, cong, _ = lisbon
    refused(ledger, lambda: cong.invite("Ama", "Dee", on="2025-01-15"),
            "Ama would not be in the pool of Lisbon on 2025-01-15, yet took part in the")
    refused(ledger, lambda: cong.record_gathering("First", "2025-01-20", ["Ama"]),
            "Ama would not be in the pool of Lisbon on 2025-01-20")
    cong.invite("Ama", "Dee", on="2025-02-02")
    assert list(cong.pool()["name"]) == ["Ama", "Bo", "Cy", "Dee"]


def test_voiding_a_pool_join_that_others_rest_on_is_refused(lisbon):
    ledger, cong, ama = lisbon
    invited = cong.invite("Ama", "Dee", on="2025-02-02")
    refused(ledger, lambda: ledger.void(ama, "typo"),
            "The pool joined on 2025-02-01 in Lisbon (Ama) cannot be voided: without it, Ama would not be in the pool of Lisbon on 2025-02-02, "
            "yet took part in the invitation that day")
    ledger.void(invited, "Dee came by herself")  # once nothing rests on it, the join can go
    ledger.void(ama, "typo")
    assert list(cong.pool()["name"]) == ["Bo", "Cy"]


def test_a_congregation_cannot_be_voided_and_its_formation_not_undone_before_it_happened(lisbon):
    ledger, cong, _ = lisbon
    created = int(ledger.events().query("kind == 'congregation_created'")["id"].iloc[0])
    refused(ledger, lambda: ledger.void(created, "oops"), "A congregation cannot be voided.")
    formed = cong.form_crews([["Ama", "Bo", "Cy"]], on="2025-03-01", names=["Terns"])
    refused(ledger, lambda: cong.undo_formation(formed, "typo", on="2025-02-15"),
            "The formation happened on 2025-03-01; its correction cannot be dated 2025-02-15, before it")
    assert cong.details()["started"].strftime("%Y-%m-%d") == "2025-01-01"
    assert "Terns" in set(ledger.groups()["group"])
