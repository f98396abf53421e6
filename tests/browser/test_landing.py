"""The landing page at `/`: a title, the pages in playing order with friendly names, and links that work.

The ``page`` fixture fails the test on any console error, so this also checks that the landing page no
longer boots Voilà's widget manager without a kernel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, free_port, stop_server, wait_http

pytestmark = pytest.mark.browser
PREHEAT = ("01_crew",)  # opened through the landing page's link (see conftest)

ROOT = Path(__file__).resolve().parents[2]
WORKBOOKS = ROOT / "workbooks"
TITLES = ["Congregation", "Crew set-up", "Listening", "Money", "Consistency", "Conflict", "Co-owners", "Trust review",
          "Retrospective"]


def test_landing_lists_the_pages_in_order_and_opens_the_crew_page(server, page):
    page.goto(server.url + "/")
    assert page.title() == "Reciprocity Workbook"
    page.get_by_role("heading", name="Reciprocity Workbook").wait_for()
    links = page.locator("ol.pages a")
    assert links.all_inner_texts() == TITLES
    assert page.get_by_role("link", name="Crew set-up").is_visible()
    assert page.locator("ol.pages li").first.inner_text().lower().startswith("before crews")
    assert page.locator("ol.pages li").nth(1).inner_text().lower().startswith("start here")
    assert page.locator("script").count() == 0, "the landing page should need no JavaScript"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "landing.png"), full_page=True)  # the teardown one shows the crew page

    page.get_by_role("link", name="Crew set-up").click()
    page.wait_for_url(re.compile(r"/voila/render/01_crew\.ipynb"))
    page.locator(".widget-button").first.wait_for(timeout=60_000)


def test_landing_lists_an_unknown_notebook_by_its_file_name_under_a_base_url(tmp_path):
    """Served under a prefix (as JupyterHub does), with a notebook the page has no title for."""
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copy(WORKBOOKS / "02_listening.ipynb", folder)
    shutil.copy(WORKBOOKS / "02_listening.ipynb", folder / "extra session.ipynb")
    port = free_port()
    log = tmp_path / "voila.log"
    with open(log, "w") as fh:
        # Voilà alone, not `microsolidarity serve`: no kernels are needed to render the listing.
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
             "--Voila.base_url=/user/x/", "--template=microsolidarity", "--VoilaConfiguration.preheat_kernel=False"],
            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "JUPYTER_PATH": str(ROOT / "microsolidarity_widgets" / "share" / "jupyter")})
    try:
        url = f"http://127.0.0.1:{port}/user/x/"
        wait_http(url, proc, log)
        html = urllib.request.urlopen(url).read().decode()
    finally:
        stop_server(proc)
    # Voilà by hand has no levels' cards (they come from `microsolidarity serve`, tested above): a
    # level's page is listed by its file name, as any notebook the page has no title for.
    assert '<a href="/user/x/voila/render/02_listening.ipynb">02_listening.ipynb</a>' in html
    assert '<a href="/user/x/voila/render/extra%20session.ipynb">extra session.ipynb</a>' in html
    assert "<script" not in html
