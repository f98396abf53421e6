"""Under `microsolidarity serve`, chart widgets fetch the Vega bundle from the workbook's own server."""

import urllib.request

import pytest

from microsolidarity_widgets import charts

pytestmark = pytest.mark.browser
PREHEAT = ("02_listening",)  # the pages this module opens (see conftest)


def test_charts_draw_from_the_served_bundle(server, page):
    fetched = []
    page.on("requestfinished", lambda r: "/microsolidarity/charts/" in r.url and fetched.append(r.url))
    server.open(page, "02_listening.ipynb")
    chart = page.locator(".vega-embed svg.marks").first
    chart.wait_for(state="attached", timeout=60_000)
    assert fetched and fetched[0].endswith(charts.bundle_path().name)
    # Fetched while the kernel starts, before any chart asks for it, and only once.
    assert page.locator(f'link[rel="modulepreload"][href$="{charts.bundle_path().name}"]').count() == 1
    assert len(fetched) == 1
    # However early it was drawn (even while the page was still hidden), the chart ends up as wide as its box.
    page.wait_for_function("() => Number(document.querySelector('.vega-embed svg.marks').getAttribute('width')) > 300",
                           timeout=30_000)
    with urllib.request.urlopen(fetched[0]) as answer:
        assert answer.headers["Content-Type"].startswith(("application/javascript", "text/javascript"))
        assert "max-age" in answer.headers["Cache-Control"]
