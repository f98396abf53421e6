"""Issue 23: a chart is said to a screen reader in the page's language. On every page that draws charts,
in English and German: axe finds no serious or critical violation (the marks' containers keep their
labels), each drawing's description names its axes and legends in the page's language, and no label
of Vega's own ("X-axis for a time scale…", "Title text '…'") is left where a screen reader reaches it."""

from __future__ import annotations

import re

import pytest

from microsolidarity_widgets import i18n

from .a11y import PROJECTOR, axe_violations, describe_violation
from .conftest import close_guarded, stop_server
from .test_pseudo_pages import open_notebook, opened, shared_server

pytestmark = pytest.mark.browser

# The pages that draw a chart: the congregation's, each level's (its group's trust) and the review. (The
# retrospective's season report draws its charts as pictures, each a figure named by its title.)
CHARTED = ["00_congregation", "02_listening", "03_money", "04_consistency", "05_conflict", "06_co_owners",
           "07_trust_review"]
VEGAS_ENGLISH = re.compile(r"[XY]-axis|axis titled|legend titled|Title text|Subtitle text|for an? \w+ scale")

# Every drawing's description, and the aria-labels inside it a screen reader reaches (not aria-hidden).
SAID = """() => [...document.querySelectorAll('.vega-embed')].map(embed => ({
  description: embed.getAttribute('aria-label') || '',
  inside: [...embed.querySelectorAll('[aria-label]')].filter(el => !el.closest('[aria-hidden=true]'))
          .map(el => el.getAttribute('aria-label'))}))"""


@pytest.fixture(scope="module", params=["en", "de"])
def server(request, tmp_path_factory, demo_ledger_file):
    srv = shared_server(tmp_path_factory, demo_ledger_file, request.param)
    srv.lang = request.param
    yield srv
    stop_server(srv.proc)


@pytest.mark.parametrize("notebook", CHARTED)
def test_charts_are_said_in_the_pages_language_and_pass_axe(browser, server, notebook, request):
    context, page, outside, problems = opened(browser, server, PROJECTOR, request)
    open_notebook(page, server, notebook)
    page.locator(".vega-embed svg").first.wait_for(state="attached")  # some are in a closed section
    drawings = page.evaluate(SAID)
    violations = [describe_violation(v) for v in axe_violations(page)]
    close_guarded(context, page, f"charts-{server.lang}-{notebook}", outside, problems)
    assert not violations, f"{notebook} in {server.lang}:\n" + "\n".join(violations)
    w = i18n.words(server.lang)
    axis = w._("Vertical axis: %(what)s.").split("%(what)s")[0]
    assert drawings and any(axis in d["description"] for d in drawings), drawings
    english = [label for d in drawings for label in d["inside"] if VEGAS_ENGLISH.search(label)]
    assert not english, f"{notebook} in {server.lang}: Vega's own English labels:\n" + "\n".join(english)
