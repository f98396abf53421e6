"""The congregation's hub (deploy/jupyterhub_config.py) for real: two facilitators log in, each
records a listening round from their own Voilà page, and both rounds land in the one PostgreSQL
ledger."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from microsolidarity_widgets import Ledger, demo

from .conftest import free_port, stop_server, wait_http

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PASSWORD = "a shared test password"
START = "02_listening.ipynb"

pytestmark = pytest.mark.browser


class Hub:
    def __init__(self, url: str, ledger_url: str, proc: subprocess.Popen, log: Path):
        self.url, self.ledger_url, self.proc, self.log = url, ledger_url, proc, log

    def log_in(self, page, user: str) -> None:
        page.goto(f"{self.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        # The hub starts the member's own server, then sends them to the page they start on.
        page.wait_for_url(f"{self.url}/user/{user}/voila/render/{START}", timeout=120_000)

    def log_out(self, page) -> None:
        page.goto(f"{self.url}/hub/logout")
        page.wait_for_selector("#username_input")


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_server):
    state = tmp_path_factory.mktemp("hub")
    ledger_url = pg_server.new_database()
    with Ledger.open(ledger_url) as ledger:
        for crew, members in list(demo.CREWS.items())[:2]:
            ledger.add_group(crew, members, on=demo.START)
    port = free_port()
    env = dict(os.environ, MICROSOLIDARITY_LEDGER=ledger_url, MICROSOLIDARITY_HUB_PASSWORD=PASSWORD,
               MICROSOLIDARITY_HUB_USERS="ama,fen", MICROSOLIDARITY_HUB_URL=f"http://127.0.0.1:{port}",
               MICROSOLIDARITY_HUB_PORTS=f"{free_port()},{free_port()}", MICROSOLIDARITY_HUB_STATE=str(state),
               MICROSOLIDARITY_HUB_START=f"/voila/render/{START}")
    log = state / "hub.log"
    with open(log, "w") as fh:
        # Its own session, so stopping it also stops the proxy, the members' servers and their kernels.
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
                                cwd=state, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/hub/health", proc, log, answers=())
        yield Hub(f"http://127.0.0.1:{port}", ledger_url, proc, log)
    finally:
        stop_server(proc)
        pg_server.drop_database(ledger_url)


def record_listening_round(page, group: str) -> str:
    page.get_by_label("Group").select_option(label=f"{group} (crew)", timeout=120_000)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Record", exact=True).click()
    status = page.get_by_text("Recorded (listening on")
    status.wait_for(timeout=60_000)
    return status.inner_text()


def test_two_facilitators_record_into_one_shared_ledger(hub, page):
    with Ledger.open(hub.ledger_url) as ledger:
        before = set(ledger.events()["id"])

    hub.log_in(page, "ama")
    said = record_listening_round(page, "Kestrels")
    hub.log_out(page)
    hub.log_in(page, "fen")
    said += record_listening_round(page, "Herons")

    with Ledger.open(hub.ledger_url) as ledger:
        ev = ledger.events()
    new = ev[~ev["id"].isin(before) & (ev["kind"] == "listening")]
    assert sorted(new["group"]) == ["Herons", "Kestrels"], said
    # Without logging in, a page is never served: the hub sends the visitor to its login.
    with urllib.request.urlopen(f"{hub.url}/user/ama/voila/render/02_listening.ipynb", timeout=30) as answer:
        assert "/hub/login" in answer.url
