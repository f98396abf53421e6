"""A member side served by Tornado's test server on a real ledger file, and phones that use it."""

from __future__ import annotations

import tempfile
import urllib.parse
from pathlib import Path

from tornado.testing import AsyncHTTPTestCase
from tornado.web import Application, RequestHandler

from microsolidarity_widgets import members
from microsolidarity_widgets.ledger import Ledger
from microsolidarity_widgets.values import new_once_key

XSRF = "2|abcdabcd|" + "0" * 32 + "|1"  # a form token, as cookie and field alike


class Elsewhere(RequestHandler):
    """Another page the server's loop answers (the facilitator's landing page, say)."""

    def get(self):
        self.finish("the landing page")


class PhoneServer(AsyncHTTPTestCase):
    """Crew Kestrels (Ama, Bo, Caz, Dev) in a ledger at ``self.path``; ``given()`` goes to the handlers."""

    def given(self) -> dict:
        return {}

    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.path = self.place(Path(self.folder.name)) / "ledger.sqlite"
        self.ledger = Ledger.open(self.path)
        self.ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.ledger.close()
        self.folder.cleanup()

    def place(self, folder: Path) -> Path:
        """The folder the ledger file goes in."""
        return folder

    def get_app(self):
        self.codes = members.MemberCodes("http://127.0.0.1/")
        routes = members.handlers("/", self.codes, ledger=lambda: self.ledger, **self.given())
        return Application(routes + [("/landing", Elsewhere)], cookie_secret="test", xsrf_cookies=True)

    async def phone(self, who: str) -> str:
        """The cookies of a phone that joined and chose ``who``."""
        joined = await self.http_client.fetch(self.get_url(f"/join/{self.codes.code}"), follow_redirects=False,
                                              raise_error=False)
        cookies = "; ".join(c.split(";")[0] for c in joined.headers.get_list("Set-Cookie")) + f"; _xsrf={XSRF}"
        chosen = await self.send(cookies, "/m/who", {"who": who})
        return cookies + "; " + "; ".join(c.split(";")[0] for c in chosen.headers.get_list("Set-Cookie"))

    def send(self, cookies: str, path: str, fields: dict | list | bytes):
        """POST a form (fields, or a body as raw bytes) from the phone holding ``cookies``."""
        pairs = [*(fields.items() if isinstance(fields, dict) else fields)] if not isinstance(fields, bytes) else []
        # A fresh one-time key unless the form holds one, as each form a page shows carries its own.
        once = [] if any(k == "once" for k, _ in pairs) else [("once", new_once_key())]
        body = fields if isinstance(fields, bytes) else urllib.parse.urlencode([*once, *pairs, ("_xsrf", XSRF)])
        return self.http_client.fetch(self.get_url(path), method="POST", body=body, follow_redirects=False,
                                      raise_error=False, headers={"Cookie": cookies, "Sec-Fetch-Site": "same-origin"})

    def proposals(self) -> int:
        return len(self.ledger.proposals("Kestrels"))
