"""The server never waits on the ledger (issue 21, item 2): while another process holds the ledger's
write lock, a phone's record waits in a worker thread, a few seconds at most, and meanwhile every
other phone (and whatever else the server answers) is answered at once. The waiting phone is told
the workbook is busy, with its words kept and a button to send them again; nothing is recorded
behind its back, and sending again records the words once."""

from __future__ import annotations

import html
import re
import sqlite3
import tempfile
import time
import urllib.parse
from pathlib import Path

from tornado.testing import AsyncHTTPTestCase, gen_test
from tornado.web import Application, RequestHandler

from microsolidarity_widgets import members
from microsolidarity_widgets.ledger import Ledger

XSRF = "2|abcdabcd|" + "0" * 32 + "|1"
PATIENCE = 1.5  # seconds a record waits for the lock here (the server's is a few)


class Elsewhere(RequestHandler):
    """Another page the server's loop answers (the facilitator's landing page, say)."""

    def get(self):
        self.finish("the landing page")


class LockedLedger(AsyncHTTPTestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "ledger.sqlite"
        self.ledger = Ledger.open(self.path)
        self.ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.ledger.close()
        self.folder.cleanup()

    def get_app(self):
        self.codes = members.MemberCodes("http://127.0.0.1/")
        routes = members.handlers("/", self.codes, ledger=lambda: self.ledger, patience=PATIENCE)
        return Application(routes + [("/landing", Elsewhere)], cookie_secret="test", xsrf_cookies=True)

    async def phone(self, who: str) -> str:
        """The cookies of a phone that joined and chose ``who``."""
        joined = await self.http_client.fetch(self.get_url(f"/join/{self.codes.code}"), follow_redirects=False,
                                              raise_error=False)
        cookies = "; ".join(c.split(";")[0] for c in joined.headers.get_list("Set-Cookie")) + f"; _xsrf={XSRF}"
        chosen = await self.send(cookies, "/m/who", {"who": who})
        return cookies + "; " + "; ".join(c.split(";")[0] for c in chosen.headers.get_list("Set-Cookie"))

    def send(self, cookies: str, path: str, fields: dict | list):
        body = urllib.parse.urlencode([*(fields.items() if isinstance(fields, dict) else fields), ("_xsrf", XSRF)])
        return self.http_client.fetch(self.get_url(path), method="POST", body=body, follow_redirects=False,
                                      raise_error=False, headers={"Cookie": cookies, "Sec-Fetch-Site": "same-origin"})

    def asks(self) -> int:
        return len(self.ledger.proposals("Kestrels"))

    @gen_test(timeout=60)
    async def test_a_locked_ledger_keeps_one_phone_waiting_and_nobody_else(self):
        caz, bo = await self.phone("Caz"), await self.phone("Bo")
        words = "a lift home <b>tonight</b>"
        await self.http_client.fetch(self.get_url("/m/"), headers={"Cookie": bo})  # drawn, as the server does ahead
        lock = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another process saving, for longer than a phone waits
        try:
            started = time.monotonic()
            waiting = self.send(caz, "/m/propose", {"group": "Kestrels", "what": "ask", "text": words})
            took = []
            while not waiting.done():  # every other request while Caz's waits for the lock
                asked = time.monotonic()
                page = await self.http_client.fetch(self.get_url("/m/"), headers={"Cookie": bo}, raise_error=False)
                landing = await self.http_client.fetch(self.get_url("/landing"))
                took.append(time.monotonic() - asked)
                assert page.code == 200 and "Hello, Bo" in page.body.decode() and landing.code == 200
            busy = await waiting
            assert len(took) >= 3 and max(took) < 0.5, took
            assert PATIENCE <= time.monotonic() - started < PATIENCE + 2  # told within a few seconds

            text = busy.body.decode()
            assert busy.code == 503 and "Busy just now" in text and "Your words are kept" in text
            assert "a lift home &lt;b&gt;tonight&lt;/b&gt;" in text and "<b>tonight</b>" not in text
            resend = re.search(r'<form method="post" action="/m/propose">(.*?)</form>', text, re.S).group(1)
            assert 'name="text" value="a lift home &lt;b&gt;tonight&lt;/b&gt;"' in resend and "Send again" in resend
        finally:
            lock.rollback()
            lock.close()
        # Caz was told it was not sent: it was not, and the worker that tried has let go for good.
        assert self.asks() == 0
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', resend)
        again = await self.send(caz, "/m/propose", [(k, html.unescape(v)) for k, v in fields])
        assert again.code == 302 and self.asks() == 1
        assert self.ledger.proposals("Kestrels").iloc[0]["text"] == words
