"""Issue 21, items 1 and 7 on the member pages: a form sent twice records once and the phone says it was
already sent; a name is held by the phone that chose it, until the facilitator frees it or renews the
code. The pages are served by the real handlers over HTTP, on a real ledger (no server started)."""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.parse
from http.cookies import SimpleCookie

from tornado.testing import AsyncHTTPTestCase
from tornado.web import Application

from microsolidarity_widgets import Ledger, members
from microsolidarity_widgets.congregation import Congregation

XSRF = "2|abcdabcd|" + "0" * 32 + "|1"
KEY = re.compile(r'name="once" value="([^"]+)"')


class Phone:
    """One browser's cookies, as one phone holds them."""

    def __init__(self, case: "PhonePages"):
        self.case, self.cookies = case, {"_xsrf": XSRF}

    def _send(self, path: str, **kwargs):
        header = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = self.case.fetch(path, follow_redirects=False,
                                 headers={"Cookie": header, "Sec-Fetch-Site": "same-origin"}, **kwargs)
        for line in answer.headers.get_list("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return answer.code, answer.body.decode()

    def get(self, path: str):
        return self._send(path)

    def post(self, path: str, fields: dict):
        return self._send(path, method="POST", body=urllib.parse.urlencode({**fields, "_xsrf": XSRF}, doseq=True))

    def join(self) -> "Phone":
        assert self.get(f"/join/{self.case.codes.code}")[0] == 302
        return self

    def keys(self) -> list[str]:
        """The one-time keys of the forms on this phone's page, in page order (check-in, offer, ask)."""
        code, body = self.get("/m/")
        assert code == 200, body
        return KEY.findall(body)


class PhonePages(AsyncHTTPTestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.ledger = Ledger.open(f"{self.folder}/ledger.sqlite")
        self.ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev", "Zoë", "Zoe"], kind="crew", on="2026-01-01")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def get_app(self):
        self.codes = members.MemberCodes("http://127.0.0.1/")
        return Application(members.handlers("/", self.codes, ledger=lambda: self.ledger), cookie_secret="test",
                           xsrf_cookies=True)

    def as_(self, name: str) -> Phone:
        phone = Phone(self).join()
        assert phone.post("/m/who", {"who": name})[0] == 302
        return phone


class TapsLandOnce(PhonePages):
    def test_an_offer_sent_twice_is_recorded_once_and_the_phone_says_it_was_sent(self):
        phone = self.as_("Caz")
        check_in, offer, ask = phone.keys()
        said = {"group": "Kestrels", "what": "offer", "offer_kind": "introduction", "text": "my aunt", "once": offer}
        assert phone.post("/m/propose", said)[0] == 302
        code, body = phone.post("/m/propose", said)  # a double tap, or the form sent again from a stale page
        assert code == 200 and "Already sent: this was recorded the first time you sent it" in body
        assert 'role="alert"' not in body and "Not done" not in body  # calm: not a refusal
        assert len(self.ledger.proposals("Kestrels")) == 1

        fields = {"group": "Kestrels", "once": check_in}
        assert phone.post("/m/checkin", fields)[0] == 302
        code, body = phone.post("/m/checkin", fields)
        assert code == 200 and "Already sent" in body and "already checked in" not in body
        assert self.ledger.check_ins("Kestrels") == ["Caz"]

        fresh = phone.keys()  # each showing of the page gives its forms new keys
        assert len(set(fresh)) == len(fresh) and not {check_in, offer, ask} & set(fresh)
        assert phone.post("/m/propose", {**said, "once": fresh[-2]})[0] == 302  # a second offer, meant
        assert len(self.ledger.proposals("Kestrels")) == 2

    def test_a_form_without_its_key_is_refused_in_words_and_records_nothing(self):
        phone = self.as_("Bo")
        code, body = phone.post("/m/propose", {"group": "Kestrels", "what": "ask", "text": "a lift"})
        assert code == 400 and "one-time key is missing" in body and "reload the page" in body
        assert self.ledger.proposals("Kestrels").empty

    def test_a_pool_form_sent_twice_joins_once(self):
        pool = Congregation.create(self.ledger, "Harbour circle", on="2026-01-01")
        pool.add_person("Ines")
        phone = Phone(self).join()
        code, body = phone.get("/m/pool?c=Harbour%20circle")
        said = {"congregation": "Harbour circle", "name": "Yan", "work": "co-ops", "slots": "Tue evening",
                "once": KEY.search(body).group(1)}
        assert phone.post("/m/pool", said)[0] == 302
        code, body = phone.post("/m/pool", said)
        assert code == 200 and "Already sent" in body and "Hello, Yan" in body
        assert list(Congregation(self.ledger, "Harbour circle").pool()["name"]) == ["Ines", "Yan"]
        # The newcomer's name is held by their phone.
        assert Phone(self).join().post("/m/who", {"who": "Yan"})[0] == 409


class OnePhonePerName(PhonePages):
    def test_a_name_is_held_by_the_first_phone_until_the_facilitator_frees_it(self):
        first = self.as_("Ama")
        second = Phone(self).join()
        code, body = second.post("/m/who", {"who": "ama"})
        assert code == 409 and "Ama is already chosen on another phone" in body and "ask the facilitator" in body
        assert "Hello, Ama" not in second.get("/m/")[1]
        assert "Hello, Ama" in first.get("/m/")[1]  # the holder reloads: still theirs

        assert self.codes.holds.release("Ama")  # what the facilitator's button does
        code, body = first.get("/m/")
        assert code == 200 and "Choose your name again: Ama is no longer chosen on this phone" in body
        code, body = first.post("/m/checkin", {"group": "Kestrels", "once": "k" * 22})
        assert code == 403 and "no longer chosen on this phone" in body and self.ledger.check_ins("Kestrels") == []
        assert second.post("/m/who", {"who": "Ama"})[0] == 302
        assert "Hello, Ama" in second.get("/m/")[1]
        assert first.post("/m/who", {"who": "Ama"})[0] == 409

    def test_a_phone_choosing_another_name_frees_the_first(self):
        phone = self.as_("Bo")
        assert phone.post("/m/who", {"who": "Dev"})[0] == 302
        assert self.as_("Bo").get("/m/")[0] == 200

    def test_a_new_code_frees_every_name(self):
        first = self.as_("Dev")
        self.codes.renew()
        first.join()
        assert "Choose your name again" in first.get("/m/")[1]
        assert self.as_("Dev").get("/m/")[0] == 200

    def test_look_alike_names_are_told_apart_on_the_chooser(self):
        code, body = Phone(self).join().get("/m/")
        assert ">Zoë (ë: e with diaeresis)</option>" in body and ">Zoe (plain letters)</option>" in body
        assert ">Ama</option>" in body  # a name like no other is shown as it is
