"""A member page that cannot read the ledger answers the phone in words, never with Tornado's error
page, and gives back what the phone sent (issue 11's "plain message", on the member routes)."""

from __future__ import annotations

import urllib.parse

from tornado.testing import AsyncHTTPTestCase
from tornado.web import Application

from microsolidarity_widgets import members
from microsolidarity_widgets.errors import LedgerError


class Unreadable:
    """A ledger every use of which fails as a busy one does."""

    def __getattr__(self, name):
        raise LedgerError("The ledger is busy with a long write; try again in a moment.")


class MemberPages(AsyncHTTPTestCase):
    def get_app(self):
        self.codes = members.MemberCodes("http://127.0.0.1/")
        return Application(members.handlers("/", self.codes, ledger=Unreadable), cookie_secret="test", xsrf_cookies=True)

    def test_an_unreadable_ledger_is_said_in_words_with_the_typed_text_given_back(self):
        joined = self.fetch(f"/join/{self.codes.code}", follow_redirects=False)
        cookies = "; ".join(c.split(";")[0] for c in joined.headers.get_list("Set-Cookie"))
        answer = self.fetch("/m/", headers={"Cookie": cookies})
        assert answer.code == 500
        assert "The workbook cannot answer just now" in answer.body.decode()
        assert "busy with a long write" in answer.body.decode() and "Traceback" not in answer.body.decode()

        xsrf = "2|abcdabcd|" + "0" * 32 + "|1"
        body = urllib.parse.urlencode({"who": "Ama", "_xsrf": xsrf, "text": "a lift <b>home</b>"})
        answer = self.fetch("/m/who", method="POST", body=body,
                            headers={"Cookie": f"{cookies}; _xsrf={xsrf}", "Sec-Fetch-Site": "same-origin"})
        text = answer.body.decode()
        assert answer.code == 500 and "busy with a long write" in text and "a lift &lt;b&gt;home&lt;/b&gt;" in text

    def test_a_pool_form_that_cannot_be_taken_gives_every_answer_back(self):
        joined = self.fetch(f"/join/{self.codes.code}", follow_redirects=False)
        cookies = "; ".join(c.split(";")[0] for c in joined.headers.get_list("Set-Cookie"))
        xsrf = "2|abcdabcd|" + "0" * 32 + "|1"
        body = urllib.parse.urlencode([("congregation", "Harbour"), ("name", "Zoë Quinta"), ("work", "gardening, co-ops"),
                                       ("slots", "Tue evening"), ("slots", "Sat morning"), ("size", "5"),
                                       ("_xsrf", xsrf)])
        answer = self.fetch("/m/pool", method="POST", body=body,
                            headers={"Cookie": f"{cookies}; _xsrf={xsrf}", "Sec-Fetch-Site": "same-origin"})
        text = answer.body.decode()
        assert answer.code == 500 and "busy with a long write" in text and "Nothing was recorded" in text
        for shown in ("Zoë Quinta", "gardening, co-ops", "Tuesday evening and Saturday morning",  # in the phone's words
                      "<dt>Crew size</dt><dd>5</dd>"):
            assert shown in text, shown

        self.codes.renew()  # the same form from a phone that slept through a new code: asked for it, answers kept
        answer = self.fetch("/m/pool", method="POST", body=body,
                            headers={"Cookie": f"{cookies}; _xsrf={xsrf}", "Sec-Fetch-Site": "same-origin"})
        assert answer.code == 403 and "Ask the facilitator for the code" in answer.body.decode()
        assert "gardening, co-ops" in answer.body.decode()

    def test_a_forms_address_opened_by_itself_leads_to_the_page(self):
        joined = self.fetch(f"/join/{self.codes.code}", follow_redirects=False)
        cookies = "; ".join(c.split(";")[0] for c in joined.headers.get_list("Set-Cookie"))
        for form in ("/m/checkin", "/m/propose", "/m/who"):
            answer = self.fetch(form, headers={"Cookie": cookies}, follow_redirects=False)
            assert answer.code == 302 and answer.headers["Location"] == "/m/", form

    def test_a_foreign_host_is_refused_in_words(self):
        answer = self.fetch("/m/", headers={"Host": "evil.example"})
        assert answer.code == 403 and "does not lead to the workbook" in answer.body.decode()
