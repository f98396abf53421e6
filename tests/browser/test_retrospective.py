"""The retrospective page in a browser, at a phone's size and a projector's: axe-core finds no serious or
critical violation and the layout checks pass as opened, after a refusal, with reflections hidden and once
they are revealed. Then a retrospective played with phones (issue 24): a facilitator and three members'
phones (390×844) on one shared server, last quarter's recorded afterwards, and the next one, today, opening
with its actions; and a closed crew's people formed into new crews on the congregation page, last season's
crew-mates apart."""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

import pytest
from playwright.sync_api import expect

from .a11y import PHONE, PROJECTOR, check_page
from .conftest import guarded_pages, leave, stop_server
from .test_members import start_shared
from .test_room import PHONE as PHONE_CONTEXT

pytestmark = pytest.mark.browser
PREHEAT = ("08_retrospective", "00_congregation")


@pytest.mark.parametrize("size,crew", [(PHONE, "Otters"), (PROJECTOR, "Kestrels")], ids=["phone", "projector"])
def test_a_retrospective_in_the_browser(server, page, size, crew):
    page.set_viewport_size(size)
    server.open(page, "08_retrospective.ipynb")
    page.get_by_label("Crew", exact=True).select_option(label=crew)
    problems = check_page(page, f"08_retrospective {crew} as opened")
    page.get_by_role("button", name="Start today's retrospective").click()
    page.get_by_role("button", name="Add their reflection").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the member reflecting")
    problems += check_page(page, f"08_retrospective {crew} refused")
    member = server.ledger().members(crew)[0]
    page.get_by_label("Member", exact=True).first.select_option(label=member)
    page.get_by_label("Their words").fill("We keep showing up")
    page.get_by_role("button", name="Add their reflection").click()
    expect(page.get_by_role("status")).to_contain_text("stays hidden until you reveal")
    expect(page.get_by_text("We keep showing up")).to_have_count(0)
    problems += check_page(page, f"08_retrospective {crew} hidden")
    page.get_by_role("button", name="Reveal everyone's reflections").click()
    expect(page.get_by_role("cell", name="We keep showing up")).to_be_visible()
    problems += check_page(page, f"08_retrospective {crew} revealed")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, demo_ledger_file):
    srv = start_shared(tmp_path_factory.mktemp("retro"), demo_ledger_file, ["--preheat", "08_retrospective"])
    yield srv
    stop_server(srv.proc)


WORDS = {"Ama": ("What is working", "We keep our Thursday evenings"),
         "Bo": ("What could be better", "We start twenty minutes late"),
         "Caz": ("What will we change", "Someone brings tea each week")}


def test_a_retrospective_played_with_three_phones(shared, browser):
    """Last quarter's retrospective, recorded afterwards: reflections hidden until revealed (on the
    projector and on every other phone), grouped, voted from the phones with the projector following,
    two actions. The next retrospective, today, opens with those actions (owner, due date), one marked
    done, and the crew decides to continue. No clock is moved: the first is dated three months back."""
    contexts, problems, outside, open_page = guarded_pages(browser)
    today = dt.date.today()
    last_quarter = today - relativedelta(months=3)  # Kestrels began in March 2025 (the demo ledger)

    join = re.sub(r"^http://[^/]+", shared.url, shared.join_url)
    try:
        laptop = open_page(viewport=PROJECTOR)
        laptop.goto(f"{shared.url}/voila/render/08_retrospective.ipynb?token={shared.token}", timeout=120_000)
        laptop.get_by_label("Crew", exact=True).select_option(label="Kestrels", timeout=120_000)
        day = laptop.get_by_label("Retrospective on", exact=True)
        # Never one ahead of today: refused in words as it is picked, nothing to start.
        day.fill((today + dt.timedelta(days=1)).isoformat())
        expect(laptop.get_by_role("alert")).to_contain_text("is in the future; record things once they have happened")
        expect(laptop.get_by_role("button", name="Start the retrospective of")).to_have_count(0)
        day.fill(last_quarter.isoformat())
        laptop.get_by_role("button", name="Start the retrospective of").click()
        expect(laptop.get_by_role("status")).to_contain_text(re.compile(r"The retrospective of .+ has started"))

        phones = {}
        for name, (column, words) in WORDS.items():
            phone = phones[name] = open_page(**PHONE_CONTEXT)
            phone.goto(join)
            phone.get_by_label("Who are you?").select_option(name)
            phone.get_by_role("button", name="That is me").click()
            phone.get_by_role("heading", name="Retrospective of Kestrels").wait_for()
            phone.get_by_role("radio", name=column).check()
            phone.get_by_label("Your reflection").fill(words)
            phone.get_by_role("button", name="Add my reflection").click()
            expect(phone.get_by_role("list", name="Your reflections so far (only you see them)")).to_contain_text(words)
        ama = phones["Ama"]
        problems.append(check_page(ama, "retrospective on a phone, reflections hidden"))
        # Nobody's words on another phone, nor on the projector, before the reveal.
        for name, phone in phones.items():
            phone.reload()
            for other, (_, words) in WORDS.items():
                expect(phone.get_by_text(words)).to_have_count(1 if other == name else 0)
        expect(laptop.get_by_text("Written so far: Ama (1), Bo (1), Caz (1)")).to_be_visible(timeout=10_000)
        for _, words in WORDS.values():
            expect(laptop.get_by_text(words)).to_have_count(0)

        # Dev has no phone: the facilitator types for him.
        laptop.get_by_label("Member", exact=True).first.select_option(label="Dev")
        laptop.get_by_label("Their words").fill("I like the walk home together")
        laptop.get_by_role("button", name="Add their reflection").click()
        expect(laptop.get_by_text("Written so far: Ama (1), Bo (1), Caz (1), Dev (1)")).to_be_visible()

        laptop.get_by_role("button", name="Reveal everyone's reflections").click()
        for _, words in WORDS.values():
            expect(laptop.get_by_role("cell", name=words)).to_be_visible()
        for topic, who in (("Rhythm", ("Ama", "Bo")), ("Care", ("Caz",))):
            labels = [f"{WORDS[m][0]} · {m}: {WORDS[m][1]}" for m in who]
            laptop.get_by_label("Reflections", exact=True).select_option(label=labels)
            laptop.get_by_role("textbox", name="Topic").fill(topic)
            laptop.get_by_role("button", name="Group them").click()
            expect(laptop.get_by_role("cell", name=topic, exact=True)).to_be_visible()
        # Dev's reflection into a topic that exists: chosen, not typed again.
        laptop.get_by_label("Reflections", exact=True).select_option(label="What is working · Dev: I like the walk home together")
        laptop.get_by_label("Into", exact=True).select_option(label="Care")
        laptop.get_by_role("button", name="Group them").click()
        expect(laptop.get_by_role("status")).to_contain_text("Added to “Care”")

        # The phones vote; the projector follows.
        for name, topics in (("Ama", ["Rhythm", "Rhythm", "Care"]), ("Bo", ["Rhythm"]), ("Caz", ["Care"])):
            phone = phones[name]
            phone.reload()
            for topic in topics:
                phone.get_by_role("button", name=f"Vote for {topic}").click()
                phone.get_by_role("heading", name=f"Hello, {name}").wait_for()
        expect(ama.get_by_text("You have 0 votes left.")).to_be_visible()
        expect(ama.get_by_role("button", name="Vote for Rhythm")).to_have_count(0)
        problems.append(check_page(ama, "retrospective on a phone, votes cast"))
        topics = laptop.get_by_role("combobox", name="Topic")
        expect(topics).to_contain_text("Rhythm (3)", timeout=10_000)
        expect(topics).to_contain_text("Care (2)")

        for owner, what in (("Caz", "Book the room for Thursdays"), ("Dev", "Bring the tea rota")):
            laptop.get_by_label("Owner", exact=True).select_option(label=owner)
            laptop.get_by_label("Action", exact=True).fill(what)
            laptop.get_by_role("button", name="Add the action").click()
            expect(laptop.get_by_role("cell", name=what)).to_be_visible()
        problems.append(check_page(laptop, "retrospective on the projector, voted"))

        # The next retrospective, today: it opens with last quarter's actions, their owners and due dates.
        day.fill(today.isoformat())
        last_time = laptop.get_by_role("table", name="Last time's actions")
        for owner, what in (("Caz", "Book the room for Thursdays"), ("Dev", "Bring the tea rota")):
            expect(last_time.get_by_role("row").filter(has_text=what).get_by_role("cell")).to_contain_text(
                [owner, what, re.compile(r"\d{4}"), "not said yet"])
        laptop.get_by_role("button", name="Start today's retrospective").click()
        expect(laptop.get_by_role("status")).to_contain_text("Today's retrospective has started")
        # The phones follow to today's: an empty form again, no day named.
        ama.reload()
        expect(ama.get_by_role("heading", name="Retrospective of Kestrels", exact=True)).to_be_visible()
        expect(ama.get_by_text(WORDS["Ama"][1])).to_have_count(0)
        problems.append(check_page(ama, "the next retrospective on a phone"))
        for what, said in (("Book the room for Thursdays", "Done"), ("Bring the tea rota", "Not done")):
            laptop.locator(".widget-toggle-buttons", has_text=what).get_by_role("button", name=said, exact=True).click()
        laptop.get_by_role("button", name="Record what was done").click()
        expect(laptop.get_by_role("status")).to_contain_text("Recorded: 2 actions reviewed.")
        for owner, what, said in (("Caz", "Book the room", "Done"), ("Dev", "Bring the tea", "Not done")):
            expect(last_time.get_by_role("row").filter(has_text=what).get_by_role("cell")).to_contain_text([owner, said])
        problems.append(check_page(laptop, "the next retrospective on the projector, actions marked"))
        laptop.set_viewport_size(PHONE)
        problems.append(check_page(laptop, "the next retrospective at a phone's size, actions marked"))

        laptop.get_by_role("button", name="Continue", exact=True).click()
        laptop.get_by_role("button", name="Record the decision").click()
        expect(laptop.get_by_role("status")).to_contain_text("Kestrels continues with a new season.")

        ledger = shared.ledger()
        from microsolidarity_widgets.seasons import actions, queries, retrospectives

        held = retrospectives(ledger, "Kestrels")
        assert [d.date() for d in held["date"]] == [last_quarter, today]
        first, nxt = (int(i) for i in held["id"])
        notes = queries.reflections(ledger, first, include_private=True)
        assert sorted(notes["member"]) == ["Ama", "Bo", "Caz", "Dev"]
        assert list(notes.loc[notes["member"] == "Dev", "typed_by_facilitator"]) == [True]
        done = actions(ledger, "Kestrels").set_index("owner")
        assert done["done"].to_dict() == {"Caz": True, "Dev": False}
        assert set(done["retrospective"]) == {first}
        reviews = ledger.events().query("kind == 'action_reviewed'")
        assert [d["retrospective"] for d in reviews["data"]] == [nxt, nxt]
        for page in (laptop, *phones.values()):
            leave(page)
    finally:
        for context in contexts:
            context.close()
    assert not [p for said in problems for p in said], problems
    assert not [u for out in outside for u in out], outside


# Last season: three crews of three from one congregation (nobody of the demo ledger's crews).
LAST_SEASON = (("Uma", "Vic", "Wes"), ("Xan", "Yul", "Zed"), ("Aki", "Bea", "Cyd"))


def test_a_closed_crews_people_form_new_crews_with_last_seasons_crew_mates_apart(server, page):
    import datetime as dt

    from microsolidarity_widgets.congregation import Congregation
    from microsolidarity_widgets.seasons import closed_crews, decide

    with server.ledger() as ledger:
        tide = Congregation.create(ledger, "Tide circle", on="2026-06-01")
        for person in (p for crew in LAST_SEASON for p in crew):
            tide.add_person(person, on="2026-06-01", answers={"work": ["gardening"], "slots": ["Tue evening"]})
        tide.form_crews([list(c) for c in LAST_SEASON], on="2026-06-01")
        groups = ledger.groups()
        crews = sorted(groups.loc[(groups["kind"] == "crew") & groups["group"].str.startswith("Tide circle"), "group"])
        assert len(crews) == 3
        for crew in crews[1:]:
            decide(ledger, crew, dt.date.today(), "close")

    # The first crew decides to close at its retrospective.
    server.open(page, "08_retrospective.ipynb")
    page.get_by_label("Crew", exact=True).select_option(label=crews[0])
    page.get_by_role("button", name="Start today's retrospective").click()
    page.get_by_role("button", name="Close", exact=True).click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text(f"Recorded: {crews[0]} closed on")
    with server.ledger() as ledger:
        assert set(closed_crews(ledger)) >= set(crews)

    server.open(page, "00_congregation.ipynb", timeout=300_000)
    page.get_by_label("Congregation", exact=True).select_option("Tide circle")
    expect(page.get_by_text("9 people in the pool.")).to_be_visible()
    page.get_by_role("spinbutton", name="from", exact=True).fill("3")
    page.get_by_role("spinbutton", name="Crew size").fill("3")
    page.get_by_role("checkbox", name="Keep last season's crews apart").check()
    page.get_by_role("button", name="Suggest crews").click()
    expect(page.get_by_role("status")).to_contain_text("Nothing is recorded until you create them.", timeout=60_000)
    new = [re.match(r"Crew \d+: ([^\n]+)", t).group(1).split(", ")
           for t in page.locator("ol.ms-crews > li").all_inner_texts()]
    assert sorted(p for c in new for p in c) == sorted(p for c in LAST_SEASON for p in c)
    # Counted as knowing each other well: at most one pair of last season's crew-mates in a new crew,
    # and no old crew formed again.
    for crew in new:
        pairs = sum(len(set(crew) & set(old)) * (len(set(crew) & set(old)) - 1) // 2 for old in LAST_SEASON)
        assert pairs <= 1, new
        assert not any(set(old) <= set(crew) for old in LAST_SEASON), new
    page.get_by_role("button", name="Create these crews").click()
    expect(page.get_by_role("status")).to_contain_text("Each is now a crew on every level page.")
    leave(page)
