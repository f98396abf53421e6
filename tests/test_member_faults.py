"""Words that fit (issue 21, items 5 and 6, the member side): a ledger that refuses writes (a
read-only disk, a full one) is named on the phone without the ledger's path; a form that is not text
(invalid UTF-8) or far too long (more than 1,000 fields) is refused as such, with what was typed
shown back; a join code with any character is compared without a 500, and wrong codes are throttled
per client and counted in one line a minute, never a line per try."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from phones import XSRF, PhoneServer
from tornado.testing import gen_test

from microsolidarity_widgets import members, storage
from microsolidarity_widgets.errors import LedgerFileError, LedgerFull, LedgerReadOnly
from microsolidarity_widgets.members import routes

ASK = {"group": "Kestrels", "what": "ask", "text": "a lift home <b>tonight</b>"}
SHOWN_BACK = "a lift home &lt;b&gt;tonight&lt;/b&gt;"


def disk_full(*args, **kwargs):
    """What SQLite raises when the disk has no room, through the ledger's own translation."""
    with storage.translate_errors("/home/facilitator/ledger.sqlite"):
        raise sa.exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))


class FullDisk(PhoneServer):
    @gen_test(timeout=60)
    async def test_a_full_disk_is_said_without_the_ledgers_path(self):
        caz = await self.phone("Caz")
        self.ledger.record = disk_full
        with pytest.raises(LedgerFull):
            disk_full()  # the facilitator's own words keep the path: it is theirs to find
        answer = await self.send(caz, "/m/propose", ASK)
        text = answer.body.decode()
        assert answer.code == 500 and "disk of the facilitator&#39;s laptop is full" in text
        assert "/home/facilitator" not in text and "ledger.sqlite" not in text and SHOWN_BACK in text
        assert self.proposals() == 0


class ReadOnlyDisk(PhoneServer):
    def place(self, folder: Path) -> Path:
        where = folder / "disk"
        where.mkdir()
        self.mounted = os.geteuid() == 0 and shutil.which("mount") and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True).returncode == 0
        return where

    def make_read_only(self):
        self.ledger.store.dispose()  # the server's connections come and go; the next one meets the disk as it is
        if self.mounted:  # root writes through file modes, so the disk itself becomes read-only
            subprocess.run(["mount", "-o", "remount,ro", str(self.path.parent)], check=True)
        else:
            self.path.chmod(0o444)
            self.path.parent.chmod(0o555)

    def tearDown(self):
        if self.mounted:
            for _ in range(20):
                if subprocess.run(["umount", str(self.path.parent)], capture_output=True).returncode == 0:
                    break
                time.sleep(0.1)  # a connection closing in the background may hold it for a moment
            else:
                subprocess.run(["umount", "-l", str(self.path.parent)], capture_output=True)
        else:
            self.path.parent.chmod(0o755)
        super().tearDown()

    @gen_test(timeout=60)
    async def test_a_read_only_ledger_says_read_only_without_its_path(self):
        caz = await self.phone("Caz")
        self.make_read_only()
        answer = await self.send(caz, "/m/propose", ASK)
        text = answer.body.decode()
        assert answer.code == 500 and "read-only" in text and "disk I/O" not in text, text
        assert str(self.path.parent) not in text and "ledger.sqlite" not in text and SHOWN_BACK in text
        page = await self.http_client.fetch(self.get_url("/m/"), headers={"Cookie": caz}, raise_error=False)
        assert "read-only" in page.body.decode() and str(self.path.parent) not in page.body.decode()


    def test_a_disk_io_error_on_a_read_only_disk_is_called_read_only(self):
        """What SQLite says when a disk turns read-only under an open ledger (a failing USB stick)."""
        def io_error():
            with storage.translate_errors(str(self.path)):
                raise sa.exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))

        with pytest.raises(LedgerFileError) as writable:
            io_error()
        assert not isinstance(writable.value, LedgerReadOnly)  # a disk that takes writes has some other trouble
        self.make_read_only()
        with pytest.raises(LedgerReadOnly, match="is read-only"):
            io_error()


class UnreadableForms(PhoneServer):
    @gen_test(timeout=60)
    async def test_a_form_that_is_not_utf8_is_refused_in_words_with_the_text_shown_back(self):
        caz = await self.phone("Caz")
        answer = await self.send(caz, "/m/propose",
                                 f"group=Kestrels&what=ask&text=caf%E9+au+lait&_xsrf={XSRF}".encode())
        text = answer.body.decode()
        assert answer.code == 400 and "not text the workbook can read" in text and "UTF-8" in text
        assert "caf\ufffd au lait" in text and "There is nothing here" not in text
        assert self.proposals() == 0

    @gen_test(timeout=60)
    async def test_a_form_of_more_than_a_thousand_fields_is_refused_in_words(self):
        caz = await self.phone("Caz")
        answer = await self.send(caz, "/m/propose", [*ASK.items(), *[("more", str(n)) for n in range(1000)]])
        text = answer.body.decode()
        assert answer.code == 400 and "more than 1,000 answers" in text and SHOWN_BACK in text
        assert self.proposals() == 0
        assert (await self.send(caz, "/m/propose", ASK)).code == 302 and self.proposals() == 1  # a real form goes


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class JoinCodes(PhoneServer):
    def given(self) -> dict:
        self.clock = Clock()
        self.wrong_codes = members.WrongCodes(limit=5, clock=self.clock)
        return {"wrong_codes": self.wrong_codes}

    def join(self, code: str):
        return self.http_client.fetch(self.get_url(f"/join/{code}"), follow_redirects=False, raise_error=False)

    @gen_test(timeout=60)
    async def test_a_code_with_any_character_asks_for_the_code(self):
        for code in ("caf%C3%A9", "%E2%80%AE", "%FF%FE", self.codes.code + "%C3%A9"):
            answer = await self.join(code)
            assert answer.code == 403 and "Ask the facilitator for the code" in answer.body.decode(), code
        assert (await self.join(self.codes.code)).code == 302

    @gen_test(timeout=60)
    async def test_wrong_codes_are_throttled_per_client_and_counted_in_one_line(self):
        wrong_codes = self.wrong_codes
        logged = []
        handler = logging.Handler()
        handler.emit = logged.append
        logging.getLogger("tornado.application").addHandler(handler)
        try:
            for n in range(5):
                assert (await self.join(f"guess{n}")).code == 403
            refused = await self.join("guess5")
            assert refused.code == 429 and "Too many tries" in refused.body.decode()
            assert "Traceback" not in refused.body.decode()
            assert (await self.join(self.codes.code)).code == 429  # not even the right one, this minute
            assert logged == []  # nothing per try
            routes.summarise_wrong_codes(wrong_codes)
            (line,) = [r.getMessage() for r in logged]
            assert "5" in line and "1 address" in line and "2 tries refused" in line
        finally:
            logging.getLogger("tornado.application").removeHandler(handler)
        self.clock.now += members.WrongCodes.WINDOW  # a minute later: in again
        assert (await self.join(self.codes.code)).code == 302
        routes.summarise_wrong_codes(wrong_codes)
        assert len(logged) == 1  # and a quiet minute says nothing
