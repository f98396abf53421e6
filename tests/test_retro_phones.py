"""Issue 24: a retrospective played with phones. Members send their reflections and votes from their
own pages (the real handlers over HTTP, on a real ledger): a tap sent twice is recorded once, nobody's
words reach another phone before the facilitator reveals them, and bad input is refused in plain words
with nothing recorded."""

from __future__ import annotations

import datetime as dt
import re

from test_phone_replays import Phone, PhonePages

from microsolidarity_widgets.seasons import Retrospective, Reveal, Topic, queries

KEY = re.compile(r'action="/m/(\w+)">.*?name="once" value="([^"]+)"', re.S)


class RetrospectiveOnPhones(PhonePages):
    def setUp(self):
        super().setUp()
        self.ledger.add_group("Herons", ["Eve", "Fay", "Gus"], kind="crew", on="2026-01-01")
        self.retro = self.ledger.record(Retrospective("Kestrels", dt.date.today(), votes=2))

    def form_key(self, phone: Phone, route: str) -> str:
        """The one-time key of the (first) form on the phone's page that posts to ``m/<route>``."""
        code, body = phone.get("/m/")
        assert code == 200, body
        return next(key for action, key in KEY.findall(body) if action == route)

    def reflect(self, phone: Phone, words: str, column: str = "working", **more):
        fields = {"group": "Kestrels", "retrospective": self.retro, "column": column, "words": words,
                  "once": self.form_key(phone, "reflect"), **more}
        return phone.post("/m/reflect", fields)

    def test_a_reflection_reaches_no_other_phone_before_the_reveal_and_lands_once(self):
        ama, bo = self.as_("Ama"), self.as_("Bo")
        fields = {"group": "Kestrels", "retrospective": self.retro, "column": "better",
                  "words": "We start late", "once": self.form_key(ama, "reflect")}
        assert ama.post("/m/reflect", fields)[0] == 302
        code, body = ama.post("/m/reflect", fields)  # a double tap
        assert code == 200 and "Already sent" in body
        notes = queries.reflections(self.ledger, self.retro, include_private=True)
        assert list(notes["words"]) == ["We start late"] and list(notes["member"]) == ["Ama"]
        assert "We start late" in ama.get("/m/")[1]  # their own words, on their own phone
        assert "We start late" not in bo.get("/m/")[1]  # nobody else's
        self.ledger.record(Reveal(self.retro))
        # Revealed: the phones stop taking reflections and wait for the topics.
        assert 'action="/m/reflect"' not in bo.get("/m/")[1]
        assert "grouped them into topics" in bo.get("/m/")[1]

    def test_votes_from_phones_stop_at_the_limit_in_plain_words(self):
        bo = self.as_("Bo")
        assert self.reflect(bo, "We listen well")[0] == 302
        note = int(queries.reflections(self.ledger, self.retro)["id"].iloc[0])
        self.ledger.record(Reveal(self.retro))
        topic = self.ledger.record(Topic(self.retro, [note], "Listening"))
        body = bo.get("/m/")[1]
        assert "You have 2 votes left." in body and "Listening: 0 votes" in body
        first = {"group": "Kestrels", "topic": topic, "once": self.form_key(bo, "vote")}
        assert bo.post("/m/vote", first)[0] == 302
        code, body = bo.post("/m/vote", first)  # a double tap: counted once
        assert code == 200 and "Already sent" in body and "Listening: 1 vote" in body
        assert bo.post("/m/vote", {"group": "Kestrels", "topic": topic, "once": self.form_key(bo, "vote")})[0] == 302
        assert "Listening: 2 votes" in bo.get("/m/")[1] and 'action="/m/vote"' not in bo.get("/m/")[1]
        # A third from a page shown before (its form and key still on the screen): refused, counted nowhere.
        code, body = bo.post("/m/vote", {"group": "Kestrels", "topic": topic, "once": "k" * 22})
        assert code == 400 and "Vote not counted" in body and "Bo has no votes left" in body
        assert int(queries.topics(self.ledger, self.retro)["votes"].iloc[0]) == 2

    def test_bad_reflections_are_refused_in_words_and_record_nothing(self):
        ama, eve = self.as_("Ama"), self.as_("Eve")
        code, body = self.reflect(ama, "x" * 10_000)
        assert code == 400 and "Reflection not added" in body and "10000 characters long" in body
        code, body = self.reflect(ama, "   ")
        assert code == 400 and "Reflection not added" in body
        code, body = self.reflect(ama, "fine", column="elsewhere")
        assert code == 400 and "one of the columns" in body
        code, body = self.reflect(ama, "fine", retrospective="the last one")
        assert code == 400 and "does not say which retrospective" in body
        # Eve is in another crew: her phone shows no form for Kestrels, and a forged one is refused.
        assert 'action="/m/reflect"' not in eve.get("/m/")[1]
        code, body = eve.post("/m/reflect", {"group": "Kestrels", "retrospective": self.retro, "column": "working",
                                             "words": "I was never there", "once": "e" * 22})
        assert code == 400 and "Eve" in body and "not a member" in body.replace("isn't", "not")
        assert queries.reflections(self.ledger, self.retro, include_private=True).empty
        assert "Traceback" not in body

    def test_reflections_sent_from_phones_stay_out_of_a_crews_export_unless_asked(self):
        from microsolidarity_widgets import export

        assert self.reflect(self.as_("Caz"), "Dev talks over me")[0] == 302
        self.ledger.record(Reveal(self.retro))  # revealed in the room, still the crew's own words

        def exported(include_private: bool) -> str:
            out = f"{self.folder}/export-{include_private}"
            files = export.export_group(self.ledger, "Kestrels", out, include_private=include_private)
            return "".join(p.read_bytes().decode("utf-8", "replace") for p in files)

        assert "Dev talks over me" not in exported(False)
        assert "Dev talks over me" in exported(True)

    def test_every_retrospective_state_of_a_phone_is_all_pseudo_localised(self):
        from test_i18n import not_pseudo

        from microsolidarity_widgets import i18n

        bo = self.as_("Bo")
        bo.cookies["ms_lang"] = i18n.PSEUDO
        pages = {"writing": bo.get("/m/")}
        assert self.reflect(bo, "We listen well")[0] == 302
        pages["own words"] = bo.get("/m/")
        pages["refused"] = self.reflect(bo, " ")
        # Forms that do not say which retrospective or topic they are for (tampered, or from an old page).
        pages["a form for no retrospective"] = self.reflect(bo, "fine", retrospective="the last one")
        note = int(queries.reflections(self.ledger, self.retro)["id"].iloc[0])
        self.ledger.record(Reveal(self.retro))
        pages["revealed"] = bo.get("/m/")
        topic = self.ledger.record(Topic(self.retro, [note], "Listening"))
        pages["voting"] = bo.get("/m/")
        pages["a vote for no topic"] = bo.post("/m/vote", {"group": "Kestrels", "topic": "the first",
                                                          "once": self.form_key(bo, "vote")})
        for _ in range(2):
            bo.post("/m/vote", {"group": "Kestrels", "topic": topic, "once": self.form_key(bo, "vote")})
        pages["no votes left"] = bo.get("/m/")
        assert i18n.pseudo("Your reflection") in pages["writing"][1]
        left = {state: not_pseudo(body, ("Bo", "Kestrels", "We listen well", "Listening", "Ama", "Caz", "Dev",
                                         "Zoë", "Zoe"))
                for state, (_, body) in pages.items()}
        assert not any(left.values()), {state: texts for state, texts in left.items() if texts}

    def test_a_past_retrospective_started_today_is_on_the_phones_with_its_day(self):
        """Recorded afterwards (last quarter's, say): the members still write in it from their phones,
        and their page says which day it is for."""
        herons = self.ledger.record(Retrospective("Herons", "2026-03-01"))
        eve = self.as_("Eve")
        body = eve.get("/m/")[1]
        assert "Retrospective of Herons for 1 March 2026" in body and 'name="retrospective" value="%d"' % herons in body
        fields = {"group": "Herons", "retrospective": herons, "column": "working", "words": "We keep going",
                  "once": self.form_key(eve, "reflect")}
        assert eve.post("/m/reflect", fields)[0] == 302
        assert list(queries.reflections(self.ledger, herons, include_private=True)["member"]) == ["Eve"]
        # Today's own retrospective is called plainly, with no day.
        assert "Retrospective of Kestrels</h4>" in self.as_("Ama").get("/m/")[1]
