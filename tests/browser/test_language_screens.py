"""Issue 23, "Done when": screenshots of the money page and of a phone in each language, written by the
tests to test-artifacts/i18n/ for review (``money-<lang>.png`` at a projector's 1280×720,
``phone-money-<lang>.png`` at 390×844: a member's page while the money round is open for their crew,
its prompts and offer form). Each language is a server of its own whose facilitator speaks it (``serve``
with ``MICROSOLIDARITY_LANGUAGE``), as a facilitator's ``--language`` makes it; the phone's browser asks
for the same language."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from microsolidarity_widgets import Ledger, i18n, levels

from .a11y import PHONE, PROJECTOR
from .conftest import guard, leave, start_server, stop_server
from .test_members import wait_for

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "i18n"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_the_money_page_and_a_phone_in_each_language(browser, tmp_path, demo_ledger_file, lang):
    w = i18n.words(lang)
    ledger = tmp_path / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    srv = start_server(tmp_path, ledger, extra_args=["--share", "--preheat", "03_money"],
                       env_extra={i18n.ENV_VAR: lang})
    laptop = phone_context = None
    try:
        token = wait_for(srv, r"\?token=([\w-]+)").group(1)
        code = wait_for(srv, r"/join/([\w-]+)").group(1)
        laptop = browser.new_context(viewport=PROJECTOR, locale=w.tag)
        page = laptop.new_page()
        outside, problems = guard(page)
        page.goto(f"{srv.url}/?token={token}")
        page.goto(f"{srv.url}/voila/render/03_money.ipynb", timeout=300_000)
        # The page's own words, in its language: the heading of the offers and the speaker's list.
        expect(page.get_by_text(w._("Offers from the group"), exact=True)).to_be_visible(timeout=300_000)
        expect(page.get_by_label(w._("Speaker"), exact=True)).to_be_visible()
        # The page's list of groups ("Kestrels (crew)"): the phone is one of that crew's.
        crew = page.get_by_label(w._("Group"), exact=True).evaluate("s => s.selectedOptions[0].textContent")
        SHOTS.mkdir(parents=True, exist_ok=True)
        # Voilà scrolls inside a box of its own, which a full-page screenshot does not unroll: the window
        # is made as tall as the page's content for the picture, then set back.
        tall = page.evaluate("Math.max(...[...document.querySelectorAll('body *')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": PROJECTOR["width"], "height": min(int(tall) + 40, 8000)})
        page.screenshot(path=str(SHOTS / f"money-{lang}.png"), full_page=True)
        page.set_viewport_size(PROJECTOR)

        with Ledger.open(ledger) as opened:
            parts, events = opened.participants(), opened.events(texts=False)
        group = next(g for g in events["group"].dropna().unique() if crew.startswith(str(g)))
        who = sorted(set(parts[parts["event_id"].isin(events.loc[events["group"] == group, "id"])]["member"]))[0]
        phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=w.tag,
                                            extra_http_headers={"Accept-Language": w.tag})
        phone = phone_context.new_page()
        phone_outside, phone_problems = guard(phone)
        phone.goto(f"{srv.url}/join/{code}")
        phone.locator("#who").select_option(who)
        phone.locator("form[action$='m/who'] button[type=submit]").click()
        expect(phone.get_by_role("heading", name=w._("Hello, %(name)s", name=who))).to_be_visible()
        # The money page tells the room it is open once its poll has run (as test_members reads the log).
        deadline = time.monotonic() + 60
        while 'class="now"' not in phone.request.get(f"{srv.url}/m/").text() and time.monotonic() < deadline:
            time.sleep(0.2)
        phone.reload()
        expect(phone.locator("section.now")).to_contain_text(w._(levels.get(2).name))
        for details in phone.locator("details").all():
            details.evaluate("el => el.open = true")
        phone.screenshot(path=str(SHOTS / f"phone-money-{lang}.png"), full_page=True)
        assert phone.evaluate("document.documentElement.lang") == w.tag
        leave(phone)
        leave(page)
        assert not outside and not phone_outside, f"requests left localhost: {outside + phone_outside}"
        assert not problems and not phone_problems, "\n".join(problems + phone_problems)
    finally:
        for context in (phone_context, laptop):
            if context:
                context.close()
        stop_server(srv.proc)
