"""00 crew set-up page: groups, later joiners and agreements through the widgets."""

import datetime as dt

from microsolidarity_widgets.apps import CrewApp
from microsolidarity_widgets.levels.listening import Listening


def test_create_a_crew_add_a_joiner_and_agree(crew_ledger):
    app = CrewApp(crew_ledger)
    app.new_name.value = "Wrens & Co"
    app.new_members.value = "Rafa\n Sol \n\nTam\n"
    app.new_date.value = dt.date(2026, 2, 1)
    app.create_button.click()
    assert app.create_status.kind == "ok", app.create_status.text
    assert crew_ledger.members("Wrens & Co") == ["Rafa", "Sol", "Tam"]
    assert "<td>Wrens &amp; Co</td>" in app.group_list.value

    assert app.join_group.value == "Wrens & Co"
    app.join_name.value = "Uma"
    app.join_date.value = dt.date(2026, 3, 1)
    app.join_button.click()
    assert app.join_status.kind == "ok", app.join_status.text
    assert crew_ledger.members("Wrens & Co", on="2026-02-15") == ["Rafa", "Sol", "Tam"]
    assert "Uma (joined 2026-03-01)" in app.group_list.value

    app.agree_group.value = "Wrens & Co"
    app.confidentiality.value = "What we share stays with us."
    app.cross_talk.value = "No replies during a turn."
    app.agree_button.click()
    assert app.agree_status.kind == "ok", app.agree_status.text
    assert crew_ledger.agreements("Wrens & Co") == "Confidentiality: What we share stays with us.\nCross-talk: No replies during a turn."
    assert "No replies during a turn." in app.current_agreements.value


def test_wrong_sizes_and_empty_agreements_are_refused(crew_ledger):
    app = CrewApp(crew_ledger)
    before = len(crew_ledger.events())
    app.new_name.value = "Big"
    app.new_members.value = "\n".join(f"P{i}" for i in range(9))
    app.create_button.click()
    assert app.create_status.kind == "error" and "at most 8" in app.create_status.text
    app.new_kind.value = "partnership"
    app.new_members.value = "A\nB\nC"
    app.create_button.click()
    assert "exactly 2" in app.create_status.text
    app.agree_group.value = "Kestrels"
    app.agree_button.click()
    assert app.agree_status.kind == "error" and "empty" in app.agree_status.text
    app.join_group.value = "Kestrels"
    app.join_name.value = "Ama"
    app.join_button.click()
    assert "already a member" in app.join_status.text
    assert app.agree_status.kind is None and app.create_status.kind is None  # one message at a time
    assert len(crew_ledger.events()) == before
    assert [v for _, v in app.join_group.options] == ["Kestrels"]  # partnerships take no joiners


def test_a_greyed_out_create_button_says_what_is_missing(crew_ledger):
    app = CrewApp(crew_ledger)
    assert app.create_button.disabled
    assert app.create_missing.value == "To create it, type a name for the group and list the members, one per line."
    app.new_members.value = "Rafa\nSol\nTam"
    assert app.create_button.disabled and app.create_missing.value == "To create it, type a name for the group."
    app.new_name.value = "   "
    assert app.create_button.disabled and "type a name" in app.create_missing.value
    app.new_name.value = "Wrens"
    assert not app.create_button.disabled and app.create_missing.value == ""
    app.new_members.value = ""
    assert app.create_missing.value == "To create it, list the members, one per line."


def test_a_cleared_date_is_refused_not_taken_as_today(crew_ledger):
    app = CrewApp(crew_ledger)
    before = len(crew_ledger.events())
    app.new_name.value, app.new_members.value = "Wrens", "Rafa\nSol\nTam"
    app.new_date.value = None
    app.create_button.click()
    assert app.create_status.kind == "error" and "Choose the date" in app.create_status.text
    app.join_group.value, app.join_name.value = "Kestrels", "Eve"
    app.join_date.value = None
    app.join_button.click()
    assert app.join_status.kind == "error" and "Choose the date" in app.join_status.text
    app.agree_group.value, app.confidentiality.value = "Kestrels", "What we share stays here."
    app.agree_date.value = None
    app.agree_button.click()
    assert app.agree_status.kind == "error" and "Choose the date" in app.agree_status.text
    app.change_group.value, app.change_member.value = "Kestrels", "Dev"
    app.leave_date.value = None  # was recorded as leaving today, and the page said nothing
    app.remove_button.click()
    assert app.change_status.kind == "error" and "Choose the date" in app.change_status.text
    assert "Dev" in crew_ledger.members("Kestrels")
    assert len(crew_ledger.events()) == before


def test_a_look_alike_name_is_recorded_with_a_note(crew_ledger):
    app = CrewApp(crew_ledger)
    app.join_group.value, app.join_name.value = "Kestrels", "\u0410ma"  # Cyrillic А, not Latin A
    app.join_date.value = dt.date(2026, 2, 1)
    app.join_button.click()
    assert app.join_status.kind == "ok", app.join_status.text
    assert "Note: “\u0410ma” looks like “Ama”, another member of Kestrels" in app.join_status.text


def test_rename_and_remove_a_member_keep_history(crew_ledger):
    crew_ledger.add_member("Kestrels", "Zoë", on="2026-01-05")
    crew_ledger.record(Listening("Kestrels", "2026-01-10", present=["Ama", "Bo", "Zoë"]))
    app = CrewApp(crew_ledger)
    app.change_group.value = "Kestrels"
    assert [v for _, v in app.change_member.options] == [None, "Ama", "Bo", "Caz", "Dev", "Zoë"]
    assert app.rename_button.disabled and app.remove_button.disabled
    app.change_member.value = "Bo"
    app.rename_to.value = "Bó Ngozi"
    app.rename_button.click()
    assert app.change_status.kind == "ok", app.change_status.text
    assert "Bó Ngozi" in crew_ledger.members("Kestrels") and "Bó Ngozi" in crew_ledger.members("Ama+Bo")
    assert crew_ledger.totals().loc["Bó Ngozi", "total"] == 1  # the round is still theirs
    assert app.change_member.value == "Bó Ngozi"

    app.change_member.value = "Zoë"
    app.leave_date.value = dt.date(2026, 2, 1)
    app.remove_button.click()
    assert app.change_status.kind == "ok", app.change_status.text
    assert "Zoë left Kestrels on 2026-02-01" in app.change_status.text
    assert "Zoë" not in crew_ledger.members("Kestrels") and "Zoë" in crew_ledger.members("Kestrels", on="2026-01-20")
    assert crew_ledger.totals().loc["Zoë", "total"] == 1
    assert "Zoë" not in [v for _, v in app.change_member.options]

    app.change_member.value = "Ama"
    app.remove_button.click()  # four left in Kestrels: one may go, a crew keeps at least 3
    assert app.change_status.kind == "ok"
    app.change_member.value = "Caz"
    app.remove_button.click()
    assert app.change_status.kind == "error" and "at least 3" in app.change_status.text


def test_a_new_partnership_leaves_the_agreements_picker_alone(crew_ledger):
    app = CrewApp(crew_ledger)
    app.agree_group.value = "Kestrels"
    app.new_name.value = "Caz+Dev"
    app.new_kind.value = "partnership"
    app.new_members.value = "Caz\nDev"
    app.create_button.click()
    assert app.create_status.kind == "ok", app.create_status.text
    assert app.agree_group.value == "Kestrels" and app.change_group.value != "Caz+Dev"


def test_the_crew_notebook_shows_no_stale_summary_under_its_table():
    import json
    from pathlib import Path

    notebook = json.loads((Path(__file__).parent.parent / "workbooks" / "01_crew.ipynb").read_text())
    code = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert "summary" not in code  # "No groups yet." printed when the page opened sat under the live table


def test_a_message_leaves_with_its_form(crew_ledger):
    """A refusal or a confirmation is about the form as it was: changing that form takes it away,
    while the reset that follows a record keeps the confirmation."""
    app = CrewApp(crew_ledger)
    app.new_name.value, app.new_members.value = "Kestrels", "Rafa\nSol\nTam"
    app.create_button.click()
    assert app.create_status.kind == "error"
    app.new_name.value = "Wrens"  # the refusal was about the name just corrected
    assert app.create_status.kind is None and app.create_status.widget.value == ""
    app.create_button.click()
    assert app.create_status.kind == "ok" and "the crew Wrens" in app.create_status.text
    app.join_group.value, app.join_name.value = "Wrens", "Uma"
    app.join_button.click()
    assert app.join_status.kind == "ok" and "Uma joined Wrens" in app.join_status.text
    app.join_date.value = dt.date(2026, 1, 2)
    assert app.join_status.kind is None
    app.change_group.value, app.change_member.value = "Wrens", "Sol"
    app.rename_to.value = "Solène"
    app.rename_button.click()
    assert app.change_status.kind == "ok" and "Sol is now called Solène" in app.change_status.text
    app.change_member.value = "Tam"
    assert app.change_status.kind is None
    app.agree_group.value, app.confidentiality.value = "Wrens", "What we share stays here."
    app.agree_button.click()
    assert app.agree_status.kind == "ok"
    app.agree_private.value = True
    assert app.agree_status.kind is None
