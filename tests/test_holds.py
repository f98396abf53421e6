"""Issue 21, item 7: one phone per name. The holds themselves (the member pages' use of them is in
tests/test_member_pages.py and tests/browser/test_members.py)."""

from __future__ import annotations

import threading

from microsolidarity_widgets.holds import NameHolds, new_phone, told_apart


def test_the_first_phone_holds_a_name_and_another_is_refused():
    holds, mine, theirs = NameHolds(), new_phone(), new_phone()
    assert mine != theirs
    assert holds.take("Ama", mine)
    assert holds.take(" ama ", mine)  # the same phone choosing again (a reload) keeps it
    assert not holds.take("AMA", theirs) and holds.taken("Ama", theirs) and not holds.taken("Ama", mine)
    assert holds.holds("Ama", mine) and not holds.holds("Ama", theirs) and not holds.holds("Ama", None)
    assert [h.name for h in holds.held()] == ["Ama"]


def test_a_phone_holds_one_name_so_a_wrong_tap_frees_the_first():
    holds, phone = NameHolds(), new_phone()
    holds.take("Bo", phone)
    holds.take("Ama", phone)
    assert [h.name for h in holds.held()] == ["Ama"]
    assert holds.take("Bo", new_phone())


def test_the_facilitator_frees_a_name_and_a_new_code_frees_them_all():
    holds, first, second = NameHolds(), new_phone(), new_phone()
    holds.take("Ama", first)
    holds.take("Bo", second)
    assert holds.release("ama") and not holds.release("Ama")
    assert not holds.holds("Ama", first)  # the first phone must choose again
    assert holds.take("Ama", second) and holds.holds("Ama", second)
    holds.clear()
    assert holds.held() == [] and holds.take("Ama", first)


def test_phones_choosing_one_name_at_once_leave_one_holder():
    holds, n = NameHolds(), 8
    phones = [new_phone() for _ in range(n)]
    start = threading.Barrier(n)
    won = []

    def choose(phone):
        start.wait()
        if holds.take("Caz", phone):
            won.append(phone)

    threads = [threading.Thread(target=choose, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and holds.holds("Caz", won[0])


def test_look_alike_names_are_told_apart_and_others_left_alone():
    cyrillic = "\u0410ma"  # a Cyrillic А
    words = told_apart(["Zoë", "Zoe", "Ama", cyrillic, "Bo"])
    assert words == {"Zoë": "ë: e with diaeresis", "Zoe": "plain letters", "Ama": "plain letters",
                     cyrillic: "А: Cyrillic capital a"}
    assert told_apart(["Zoë", "Ngozi"]) == {}


def test_the_crew_page_links_to_the_names_page_while_members_can_join(crew_ledger, monkeypatch):
    from microsolidarity_widgets import holds
    from microsolidarity_widgets.apps import CrewApp
    from pages import shown_texts

    monkeypatch.delenv(holds.PAGE_ENV, raising=False)
    assert not any("Names chosen on phones" in t for t in shown_texts(CrewApp(crew_ledger)))
    monkeypatch.setenv(holds.PAGE_ENV, '/base/microsolidarity/members/names?"x')  # quoted, whatever it holds
    link = [t for t in shown_texts(CrewApp(crew_ledger)) if "<a " in t and "Names chosen on phones" in t]
    assert link == ['<a href="/base/microsolidarity/members/names?&#34;x" target="_blank" rel="noopener">'
                    "Names chosen on phones: see and free them</a>"]
