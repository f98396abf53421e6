"""The server never waits on the ledger (issue 21, item 2): while another process holds the ledger's
write lock, a phone's record waits in a worker thread, a few seconds at most, and meanwhile every
other phone (and whatever else the server answers) is answered at once. The waiting phone is told
the workbook is busy, with its words kept and a button to send them again; nothing is recorded
behind its back, and sending again records the words once."""

from __future__ import annotations

import datetime as dt
import html
import re
import sqlite3
import time

import pytest
from phones import PhoneServer
from tornado.testing import gen_test

from microsolidarity_widgets import storage
from microsolidarity_widgets.errors import LedgerBusy
from microsolidarity_widgets.rules import CheckIn
from microsolidarity_widgets.ledger import Ledger

PATIENCE = 1.5  # seconds a record waits for the lock here (the server's is a few)


class LockedLedger(PhoneServer):
    def given(self) -> dict:
        return {"patience": PATIENCE}

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
        assert self.proposals() == 0
        fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', resend)
        again = await self.send(caz, "/m/propose", [(k, html.unescape(v)) for k, v in fields])
        assert again.code == 302 and self.proposals() == 1
        assert self.ledger.proposals("Kestrels").iloc[0]["text"] == words


def test_a_write_waits_for_the_lock_no_longer_than_its_patience(ledger):
    """On both backends: a write inside ``storage.patience`` gives up at its deadline having recorded
    nothing (SQLite's busy timeout, PostgreSQL's lock timeout), instead of waiting and retrying for minutes."""
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz"], kind="crew", on="2026-01-01")
    today = dt.date.today()
    with Ledger.open(ledger.location) as other, other.store.write():  # another page saving, for long
        started = time.monotonic()
        with pytest.raises(LedgerBusy), storage.patience(started + 1.0):
            ledger.record(CheckIn("Kestrels", today, "Bo"))
        assert 0.9 < time.monotonic() - started < 3.0
    assert ledger.check_ins("Kestrels", today) == []
    with storage.patience(time.monotonic() + 1.0):  # the lock gone: recorded at once, once
        ledger.record(CheckIn("Kestrels", today, "Bo"))
    assert ledger.check_ins("Kestrels", today) == ["Bo"]
