"""A real Voilà server on a throw-away copy of the demo ledger, and Chromium pages that may only
talk to localhost.

Fixtures:
- ``server`` (module scope): ``.url`` (base URL), ``.ledger_path``, ``.ledger()`` (a fresh ``Ledger``),
  ``.open(page, notebook)`` to load a workbook page and wait for its first widget. The module's
  ``PREHEAT`` (a tuple of page names, e.g. ``("02_listening",)``) says which pages it opens: only
  those get a kernel started in advance (``serve --preheat``), the others start one when opened.
  Without ``PREHEAT`` every page is preheated, as ``make serve`` does; on two cores, preheating the
  eight pages costs minutes per module, most of it for pages the module never opens.
- ``page`` (function scope): a Playwright page. Requests to anything but localhost are aborted and
  recorded; at teardown the test fails on any such request, console error, page error, ``.voila-error``
  or traceback text. Screenshots go to ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from microsolidarity_widgets import Ledger, demo

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\w+Error: ")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90, answers=(403,)) -> None:
    """Wait until ``url`` answers 200 or one of ``answers`` (a shared server sends strangers to a 403
    page). Any other error is a server not ready yet: a hub's proxy answers 404 or 503 until the hub
    behind it has registered its routes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as e:
            if e.code in answers:
                return
            time.sleep(0.2)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} in {timeout}s:\n{log.read_text()[-3000:]}")


class Server:
    def __init__(self, url: str, ledger_path: Path, proc: subprocess.Popen, log: Path):
        self.url, self.ledger_path, self.proc, self.log = url, ledger_path, proc, log

    def ledger(self) -> Ledger:
        return Ledger.open(self.ledger_path)

    def open(self, page, notebook: str, timeout: float = 120_000):
        """Load ``workbooks/<notebook>`` in Voilà and wait until its widgets are on screen."""
        page.goto(f"{self.url}/voila/render/{notebook}", timeout=timeout)
        page.wait_for_selector(".widget-button, .widget-dropdown, .widget-text", timeout=timeout)
        return page


def start_server(tmp: Path, ledger_path: Path, extra_args=(), env_extra=None) -> Server:
    port = free_port()
    log = tmp / f"voila-{port}.log"
    env = dict(os.environ, **(env_extra or {}))
    fh = open(log, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "microsolidarity_widgets.cli", "serve", "--ledger", str(ledger_path),
         "--port", str(port), *extra_args],
        stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url, proc, log)
    except Exception:
        stop_server(proc)
        raise
    return Server(url, ledger_path, proc, log)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


@pytest.fixture(scope="session")
def demo_ledger_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    demo.write(path)
    return path


def preheat_args(pages) -> list[str]:
    """``serve``'s arguments to preheat these pages only (None: every page; empty: none)."""
    if pages is None:
        return []
    return ["--preheat", ",".join(pages)] if pages else ["--pool-size", "0"]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory, demo_ledger_file):
    tmp = tmp_path_factory.mktemp("server")
    ledger_path = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger_path)
    srv = start_server(tmp, ledger_path, extra_args=preheat_args(getattr(request.module, "PREHEAT", None)))
    yield srv
    stop_server(srv.proc)


# One Chromium per module, not per session: `make test` runs browser modules and tornado's own tests in
# one pytest, and Playwright's sync API keeps its event loop running in the worker while it is open, so
# a tornado test given to that worker afterwards could not run its loop.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # A page answers through its kernel, and CI's two cores run two servers' kernels at once: an
    # assertion waits up to 20 s for the page to show what it should (it returns as soon as it does).
    expect.set_options(timeout=20_000)

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def guard(page) -> tuple[list[str], list[str]]:
    """Abort every request that leaves localhost and collect console and page errors.

    Returns the two lists (requests that tried to leave, problems) for the caller to assert on.
    """
    outside, problems = [], []

    def route(route):
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return outside, problems



def close_guarded(context, page, name: str, outside, problems) -> None:
    """Leave a guarded page as a person's tab does, after a screenshot for review (``test-artifacts/``),
    close its context, and fail on what ``guard`` collected."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    leave(page)
    context.close()
    assert not outside, f"requests left localhost: {outside}"
    assert not problems, "\n".join(problems)


def guarded_pages(browser):
    """A test's own browser contexts (a laptop and phones), every page guarded as ``guard`` does: returns
    the lists the test checks and closes at its end (contexts, problems, requests that left) and the
    function that opens a page in a new context (``browser.new_context``'s options)."""
    contexts, problems, outside = [], [], []

    def open_page(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        out, said = guard(page)
        outside.append(out)
        problems.append(said)
        return page

    return contexts, problems, outside, open_page

def leave(page) -> None:
    """Navigate away, as a closed tab does: Voilà's page then shuts its kernel down, so the server's
    kernel cap counts only the pages still open (closing the context alone skips the page's goodbye)."""
    try:
        # Without the guard's route: a routed beacon is dropped as the page goes. The goodbye goes to
        # this server, and about:blank is no request at all, so nothing can leave the machine here.
        page.unroute_all(behavior="ignoreErrors")
        page.goto("about:blank", timeout=10_000)
    except Exception:  # noqa: BLE001 - a page that already crashed has nothing to say goodbye with
        pass


def import_pool_csv(page, csv: str) -> None:
    """Import a pool from a CSV as a person does: the button opens the file chooser (ipywidgets keeps
    its file input off the page), then Import once the upload has reached the kernel."""
    import re

    from playwright.sync_api import expect

    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(r"Choose a CSV")).click()
    chooser.value.set_files(files=[{"name": "pool.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    expect(page.get_by_role("button", name=re.compile(r"\(1\)"))).to_be_visible()
    page.get_by_role("button", name="Import the CSV").click()


def choose_speaker(page, name: str) -> None:
    """Pick the money round's speaker and wait until the offerers' list has dropped them: a choice made
    in the old list would land on the wrong name (a dropdown sends its position, not its text)."""
    from playwright.sync_api import expect

    page.get_by_label("Speaker", exact=True).select_option(name)
    expect(page.get_by_label("Who offers").locator("option", has_text=name)).to_have_count(0)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside, problems = guard(page)
    page.problems = problems
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        errors = page.locator(".voila-error").count()
        body = page.locator("body").inner_text(timeout=5000)
    finally:
        leave(page)
        context.close()
    assert not outside, f"requests left localhost: {outside}"
    assert not problems, "\n".join(problems)
    assert errors == 0, "the page shows a .voila-error"
    assert not TRACEBACK.search(body), f"the page shows a traceback:\n{body[:2000]}"
