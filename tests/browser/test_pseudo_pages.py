"""Issue 23, item 6 in a browser: nothing left in English by accident, and German fits a phone.

Every workbook page (00_congregation … 08_retrospective, the trust review among them), the landing page
and the phone's states are rendered by a real server whose facilitator's language is the pseudo-locale
(``qps``: every message of the catalogs accented and wrapped in ⟦…⟧). Any visible text left once the
⟦…⟧ messages are taken out fails the test, unless it is one of these, told apart as follows:

- people's, crews' and congregations' names: every name the ledger holds (members, groups), taken out
  as whole words; a name is never translated (docs/glossary.md); so is what people typed and a page
  shows as it is (a venture's name and its legal form);
- numbers: a text left with no letter at all (digits, signs, punctuation) passes;
- addresses: a URL (``http://…``, the join address shown to the room) is an address, not a word;
- dates: a day written by Babel in the pseudo-locale's English form ("5 Feb 2026", "5 February 2026",
  "Feb 2026", "2026-02-05", a chart's axis "19 Apr 26"), matched only with its digits, so a month's
  name alone is still a word.

What is read is what a person sees or hears: the text of every visible element, a sentence with a word
in bold read as one text (grouped by its block), and the placeholders, labels, titles, alt texts and
options a screen reader says (not those inside an ``aria-hidden`` element, which it never says: a
chart's title, axes and legends, whose words its description says). Text marked ``lang`` in another
language (the language switch's names) is left out.

The same pages in German at 390×844: no sideways scrolling of the page, and no text cut (an element
whose text overflows a box that hides the overflow, or that reaches past the screen's right edge
outside a box that scrolls on its own); axe-clean, and each chart said to a screen reader in German.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest
from playwright.sync_api import expect

from microsolidarity_widgets import Ledger, i18n

from .a11y import PHONE, PROJECTOR, axe_violations, describe_violation
from .conftest import close_guarded, guard, start_server, stop_server
from .test_members import wait_for

pytestmark = pytest.mark.browser

NOTEBOOKS = ["00_congregation", "01_crew", "02_listening", "03_money", "04_consistency", "05_conflict",
             "06_co_owners", "07_trust_review", "08_retrospective"]

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
URLS = re.compile(r"\bhttps?://\S+")
DATES = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS})\.? (?:\d{{4}}|\d{{2}})\b|\b(?:{_MONTHS})\.? \d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")

# The texts a person sees and hears on the page, as the module's docstring says.
READ = """() => {
  const html = document.documentElement;
  const other = el => { const marked = el.closest('[lang]'); return marked && marked !== html
                          && marked.getAttribute('lang') !== html.getAttribute('lang'); };
  const hidden = el => !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
                       || el.closest('style, script, noscript, template');
  const block = el => { while (el !== document.body && getComputedStyle(el).display.startsWith('inline'))
                          el = el.parentElement; return el; };
  const texts = new Map();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    if (!el || !node.nodeValue.trim() || hidden(el) || other(el)) continue;
    const b = block(el);
    texts.set(b, (texts.get(b) || '') + node.nodeValue);
  }
  const out = [...texts.values()];
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt], select, '
                                             + 'input[type=button], input[type=submit]')) {
    if (hidden(el) || other(el) || el.closest('[aria-hidden=true]')) continue;  // never said to anyone
    for (const a of ['placeholder', 'aria-label', 'title', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    if (el.matches('input[type=button], input[type=submit]') && el.value) out.push(el.value);
    if (el.matches('select')) for (const o of el.options) if (!other(o)) out.push(o.textContent);
  }
  return out.map(t => t.replace(/\\s+/g, ' ').trim()).filter(Boolean);
}"""

# What sticks out sideways on a phone: the page itself, and any text cut or past the right edge.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth, problems = [];
  const scrolling = s => ['auto', 'scroll'].includes(s);
  // The page's own scrolling area (Voilà's may be a box inside the body): it may scroll down, never sideways.
  const main = el => el === document.scrollingElement
                     || (scrolling(getComputedStyle(el).overflowY) && el.clientHeight >= innerHeight * 0.8);
  const named = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
                                                  ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of [document.scrollingElement, ...document.body.querySelectorAll('*')])
    if (main(el) && el.scrollWidth > el.clientWidth + 1)
      problems.push(`the page scrolls sideways: ${named(el)} is ${el.scrollWidth}px wide in ${el.clientWidth}px`);
  // A box of its own that scrolls sideways (a wide table's) is how the page shows what is wider than a phone.
  const ownScroller = el => { for (let p = el.parentElement; p; p = p.parentElement)
      if (scrolling(getComputedStyle(p).overflowX) && !main(p)) return true; return false; };
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({checkVisibilityCSS: true}) || !el.innerText || !el.innerText.trim()) continue;
    // Only the element holding the text itself is judged, not every box around it.
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim())) continue;
    const style = getComputedStyle(el), text = el.innerText.trim().slice(0, 60);
    if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      problems.push(`cut: "${text}" (${el.scrollWidth}px of text in ${el.clientWidth}px)`);
    else if (el.getBoundingClientRect().right > width + 1 && !ownScroller(el))
      problems.push(`past the right edge: "${text}" (to ${Math.round(el.getBoundingClientRect().right)}px)`);
  }
  return [...new Set(problems)];
}"""


def names_in(ledger_path) -> list[str]:
    """Every person's and group's name the ledger holds, and what people typed that pages show as it is
    (a venture's name and legal form), longest first (so "Ama Lee" goes before "Ama")."""
    with Ledger.open(ledger_path) as ledger:
        people = set(ledger.participants()["member"].dropna())
        groups = set(ledger.events(texts=False)["group"].dropna())
        ventures = ledger.table("ventures")
        typed = set(ventures["venture"].dropna()) | set(ventures["form"].dropna())
    return sorted({str(n) for n in people | groups | typed if str(n).strip()}, key=len, reverse=True)


def left_in_english(texts: list[str], names: list[str]) -> list[str]:
    """The texts with a word outside ⟦…⟧ once names, numbers and dates are set aside."""
    left = []
    for text in texts:
        rest, before = text, None
        while rest != before:  # innermost first: a name or a number inside a message inside another
            before, rest = rest, re.sub(r"⟦[^⟦⟧]*⟧", "", rest)
        rest = URLS.sub("", DATES.sub("", rest))
        for name in names:
            rest = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "", rest)
        if re.search(r"[^\W\d_]", rest):
            left.append(text)
    return sorted(set(left))


def shared_server(tmp_path_factory, demo_ledger_file, lang: str):
    tmp = tmp_path_factory.mktemp(f"pages-{lang}")
    ledger = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    # No page preheated: each is opened once, and a kernel started for nothing costs the others time.
    srv = start_server(tmp, ledger, extra_args=["--share", "--pool-size", "0"],
                       env_extra={"MICROSOLIDARITY_LANGUAGE": lang})
    # The terminal speaks the facilitator's language too: the addresses are found by their shape.
    srv.token = wait_for(srv, r"\?token=([\w-]+)").group(1)
    srv.code = wait_for(srv, r"/join/([\w-]+)").group(1)
    srv.names = names_in(ledger)
    return srv


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory, demo_ledger_file):
    srv = shared_server(tmp_path_factory, demo_ledger_file, "qps")
    yield srv
    stop_server(srv.proc)


@pytest.fixture(scope="module")
def german(tmp_path_factory, demo_ledger_file):
    srv = shared_server(tmp_path_factory, demo_ledger_file, "de")
    yield srv
    stop_server(srv.proc)


def opened(browser, srv, viewport, request):
    """A guarded browser context on ``srv`` signed in as the facilitator (token) at ``viewport``."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    outside, problems = guard(page)
    page.goto(f"{srv.url}/?token={srv.token}")
    return context, page, outside, problems


def open_notebook(page, srv, notebook: str) -> None:
    page.goto(f"{srv.url}/voila/render/{notebook}.ipynb", timeout=300_000)
    page.wait_for_selector(".widget-button, .widget-dropdown", timeout=300_000)
    page.wait_for_load_state("networkidle", timeout=120_000)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_workbook_page_is_all_pseudo_localised(browser, pseudo, notebook, request):
    context, page, outside, problems = opened(browser, pseudo, PROJECTOR, request)
    open_notebook(page, pseudo, notebook)
    left = left_in_english(page.evaluate(READ), pseudo.names)
    close_guarded(context, page, f"qps-{notebook}", outside, problems)
    assert not left, f"{notebook}: text outside gettext in the pseudo-locale:\n" + "\n".join(left)


def test_the_landing_page_is_all_pseudo_localised(browser, pseudo, request):
    context, page, outside, problems = opened(browser, pseudo, PROJECTOR, request)
    page.wait_for_selector("a[href*='03_money']")
    left = left_in_english(page.evaluate(READ), pseudo.names + [pseudo.code])
    close_guarded(context, page, "qps-landing", outside, problems)
    assert not left, "the landing page: text outside gettext in the pseudo-locale:\n" + "\n".join(left)


def test_every_phone_state_is_all_pseudo_localised(browser, pseudo, request):
    """The phone's pages as Chromium shows them: the name chooser, the member's page with and without
    a level's page open for their crew (its prompts and phone form), and the pool's form."""
    facilitator, page, outside, problems = opened(browser, pseudo, PROJECTOR, request)
    open_notebook(page, pseudo, "03_money")
    with Ledger.open(pseudo.ledger_path) as ledger:
        parts = ledger.participants()
        events = ledger.events(texts=False)
    groups = [str(g) for g in events["group"].dropna().unique()]
    # The page's group list is the one whose options are the groups ("Kestrels (crew)", the kind said in
    # the pseudo-locale): the group it has chosen is the crew whose phone is looked at.
    shown = page.evaluate("""groups => [...document.querySelectorAll('select')]
        .find(s => [...s.options].some(o => groups.some(g => o.textContent.replace(/^⟦+/, '').startsWith(g))))
        .selectedOptions[0].textContent""", groups).lstrip("⟦")  # "⟦Kestrels (⟦crew⟧)⟧": the label is a message
    crew = max((g for g in groups if shown.startswith(g)), key=len)
    who = sorted(set(parts[parts["event_id"].isin(events.loc[events["group"] == crew, "id"])]["member"]))[0]

    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    # A phone reads its own browser's language, not the facilitator's: this one has chosen the
    # pseudo-locale by name (the cookie the phone's language switch sets).
    phone_context.add_cookies([{"name": "ms_lang", "value": i18n.PSEUDO, "url": pseudo.url}])
    phone = phone_context.new_page()
    phone_outside, phone_problems = guard(phone)
    states = {}
    phone.goto(f"{pseudo.url}/join/{pseudo.code}")
    phone.wait_for_selector("#who")
    states["the name chooser"] = phone.evaluate(READ)
    pool = phone.locator("a[href*='m/pool']")
    if pool.count():
        pool.first.click()
        phone.wait_for_selector("form")
        states["the pool's form"] = phone.evaluate(READ)
        phone.go_back()
        phone.wait_for_selector("#who")
    phone.locator("#who").select_option(who)
    phone.locator("form[action$='m/who'] button[type=submit]").click()
    phone.wait_for_selector("h3")
    # The page tells the room it is open once its poll has run: the phone's page is asked for again
    # (as test_members' wait_for reads the log) until its crew's "now playing" section is there.
    deadline = time.monotonic() + 60
    while 'class="now"' not in phone.request.get(f"{pseudo.url}/m/").text() and time.monotonic() < deadline:
        time.sleep(0.2)
    phone.reload()
    expect(phone.locator("section.now")).to_have_count(1)
    states[f"{who}'s page while 03_money is open for {crew}"] = phone.evaluate(READ)
    for details in phone.locator("details").all():
        details.evaluate("el => el.open = true")
    states[f"{who}'s page with every section opened"] = phone.evaluate(READ)
    close_guarded(facilitator, page, "qps-phone-facilitator", outside, problems)
    phone.reload()
    states[f"{who}'s page with no page open"] = phone.evaluate(READ)
    left = {state: left_in_english(texts, pseudo.names) for state, texts in states.items()}
    close_guarded(phone_context, phone, "qps-phone", phone_outside, phone_problems)
    assert not any(left.values()), "\n".join(f"{state}:\n  " + "\n  ".join(texts)
                                             for state, texts in left.items() if texts)


# The pages that draw a chart: the congregation's, each level's (its group's trust) and the review. (The
# retrospective's season report draws its charts as pictures, each a figure named by its title.)
CHARTED = {"00_congregation", "02_listening", "03_money", "04_consistency", "05_conflict", "06_co_owners",
           "07_trust_review"}
VEGAS_ENGLISH = re.compile(r"[XY]-axis|axis titled|legend titled|Title text|Subtitle text|for an? \w+ scale")

# Every drawing's description, and the aria-labels inside it a screen reader reaches (not aria-hidden).
SAID = """() => [...document.querySelectorAll('.vega-embed')].map(embed => ({
  description: embed.getAttribute('aria-label') || '',
  inside: [...embed.querySelectorAll('[aria-label]')].filter(el => !el.closest('[aria-hidden=true]'))
          .map(el => el.getAttribute('aria-label'))}))"""


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_page_in_german_fits_a_phone_and_is_said_in_german(browser, german, notebook, request):
    """No sideways scrolling, nothing cut; axe finds no serious or critical violation; and a chart is said to a
    screen reader in German: its description names its axes and legends, and no label of Vega's own ("X-axis
    for a time scale…", "Title text '…'") is left where a screen reader reaches it. (The English pages are
    axe-checked by test_a11y; every chart's words in each language by test_chart_language.)"""
    context, page, outside, problems = opened(browser, german, PHONE, request)
    open_notebook(page, german, notebook)
    sideways = page.evaluate(SIDEWAYS)
    drawings = []
    if notebook in CHARTED:
        page.locator(".vega-embed svg").first.wait_for(state="attached")  # some are in a closed section
        drawings = page.evaluate(SAID)
    violations = [describe_violation(v) for v in axe_violations(page)]
    close_guarded(context, page, f"de-390-{notebook}", outside, problems)
    assert not sideways, f"{notebook} in German at 390×844:\n" + "\n".join(sideways)
    assert not violations, f"{notebook} in German:\n" + "\n".join(violations)
    if notebook in CHARTED:
        axis = i18n.words("de")._("Vertical axis: %(what)s.").split("%(what)s")[0]
        assert drawings and any(axis in d["description"] for d in drawings), drawings
        english = [label for d in drawings for label in d["inside"] if VEGAS_ENGLISH.search(label)]
        assert not english, f"{notebook} in German: Vega's own English labels:\n" + "\n".join(english)
