"""Issue 23, items 5 and 6 in a browser: a phone at 390×844 reads the member pages in its browser's
language, switches on the phone, and in German (the longest words) nothing scrolls sideways. A
screenshot of the member page in each language goes to test-artifacts/i18n/ for review.

The member side is served by its real handlers in a Tornado server of its own (no Voilà: the phone
pages need none), on a throw-away ledger."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from tornado.ioloop import IOLoop
from tornado.web import Application

from microsolidarity_widgets import Ledger, i18n, members
from microsolidarity_widgets.congregation import Congregation

from .a11y import check_page
from .conftest import free_port, guard, leave

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "i18n"
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# Each language's phone (a name is held by the phone that chose it, so each speaks for another member)
# and what its page says, as the catalogs have it: its greeting and its points' heading.
SAID = {"en": ("Ama", "Hello, Ama", "Your points", "en-US"), "es": ("Bo", "Hola, Bo", "Tus puntos", "es-ES"),
        "pt_PT": ("Caz", "Olá, Caz", "Os teus pontos", "pt-PT"), "de": ("Dev", "Hallo, Dev", "Deine Punkte", "de-DE")}


@pytest.fixture(scope="module")
def phones(tmp_path_factory):
    """The member side on a free port, in a thread of its own: (base address, join address)."""
    ledger = Ledger.open(tmp_path_factory.mktemp("phones") / "ledger.sqlite")
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev", "Eli"], kind="crew", on="2026-01-01")
    Congregation.create(ledger, "Lisboa Norte", on="2026-01-01")
    port = free_port()
    codes = members.MemberCodes(f"http://127.0.0.1:{port}/")
    started, held = threading.Event(), {}

    def serve():
        asyncio.set_event_loop(asyncio.new_event_loop())
        app = Application(members.handlers("/", codes, ledger=lambda: ledger), cookie_secret="phones",
                          xsrf_cookies=True)
        held["server"], held["loop"] = app.listen(port, "127.0.0.1"), IOLoop.current()
        started.set()
        held["loop"].start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}", codes.join_url
    finally:
        held["loop"].add_callback(held["server"].stop)
        held["loop"].add_callback(held["loop"].stop)
        thread.join(10)
        ledger.close()


def own_page(browser, join_url: str, locale: str, who: str):
    """A phone whose browser asks for ``locale``, joined and speaking for ``who``."""
    context = browser.new_context(locale=locale, **PHONE)
    page = context.new_page()
    outside, problems = guard(page)
    page.goto(join_url)
    page.locator("#who").select_option(who)
    page.locator("form[action$='m/who'] button").click()
    return context, page, outside, problems


def sideways(page) -> list[str]:
    """What sticks out past the phone's right edge (the page scrolling sideways, or a cut word)."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, out = [];
      if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth}px wide`);
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width && box.right > width + 1 && !el.closest('svg')) out.push(`${el.tagName} ${el.textContent.slice(0, 40)}`);
      }
      return out;
    }""")


@pytest.mark.parametrize("lang", list(SAID))
def test_a_phone_reads_its_browsers_language_and_keeps_to_the_screen(browser, phones, lang):
    who, hello, points, locale = SAID[lang]
    context, page, outside, problems = own_page(browser, phones[1], locale, who)
    try:
        expect(page.get_by_role("heading", name=hello)).to_be_visible()
        expect(page.get_by_role("heading", name=points)).to_be_visible()
        assert page.locator("html").get_attribute("lang") == lang.replace("_", "-")
        page.locator("summary").first.click()  # an offer's form open: its longest label shows
        assert sideways(page) == []
        if lang == "de":  # axe and the layout checks, in the longest words
            assert check_page(page, "member page in German") == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-{lang}.png"), full_page=True)
        assert outside == [] and problems == []
    finally:
        leave(page)
        context.close()


def test_a_phone_switches_language_on_the_phone_and_keeps_it(browser, phones):
    context, page, outside, problems = own_page(browser, phones[1], "de-DE", "Eli")
    try:
        expect(page.get_by_role("heading", name="Hallo, Eli")).to_be_visible()
        page.get_by_role("navigation", name="Sprache").get_by_role("link", name="Español").click()
        expect(page.get_by_role("heading", name="Hola, Eli")).to_be_visible()
        page.get_by_role("link", name=i18n.words("es")._("Refresh: what is happening now")).click()
        expect(page.get_by_role("heading", name="Hola, Eli")).to_be_visible()  # kept, though the browser asks for German
        expect(page.get_by_role("navigation", name="Idioma").locator("[aria-current]")).to_have_text("Español")
        assert outside == [] and problems == []
    finally:
        leave(page)
        context.close()
