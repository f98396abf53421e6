"""A congregation's refusals are whole sentences in the reader's language (issue 23, item 6): the CSV
import, the pool's answers, formation and crews, and a congregation nobody started."""

from __future__ import annotations

import re

import pytest

from microsolidarity_widgets import LedgerError, i18n
from microsolidarity_widgets.congregation import Congregation, read_csv
from microsolidarity_widgets.ledger import Ledger


@pytest.fixture
def cong(tmp_path):
    ledger = Ledger.open(tmp_path / "ledger.sqlite")
    cong = Congregation.create(ledger, "Lisbon circle", on="2026-01-10")
    cong.add_person("Ama", on="2026-01-10")
    yield cong
    ledger.close()


REFUSALS = {
    "work for a person": lambda c: c.add_person("Yan", answers={"work": [f"t{i}" for i in range(20)]}),
    "size for a person": lambda c: c.add_person("Yan", answers={"size": "many"}),
    "size out of range": lambda c: c.add_person("Yan", answers={"size": 9}),
    "csv listed twice": lambda c: c.import_csv("name,work,slots,invited_by\nYan,x,Tue evening,\nyan,y,Tue evening,\n"),
    "csv circle": lambda c: c.import_csv("name,work,slots,invited_by\nYan,x,Tue evening,Zoe\nZoe,x,Tue evening,Yan\n"),
    "csv no column": lambda c: read_csv("name,work\nYan,x\n"),
    "csv empty": lambda c: read_csv(b""),
    "csv not utf-8": lambda c: read_csv("name,work,slots\nZoë,x,Tue evening\n".encode("latin-1")),
    "csv header only": lambda c: read_csv("name,work,slots,invited_by\n"),
    "csv extra cells": lambda c: read_csv("name,work,slots,invited_by\nYan,x,Tue evening,,more\n"),
    "no crews": lambda c: c.form_crews([]),
    "crew too small": lambda c: c.form_crews([["Ama"]]),
    "crew names": lambda c: c.form_crews([["Ama"] * 3], names=["A", "B"]),
    "no congregation": lambda c: Congregation(c.ledger, "Madrid circle"),
    "gathering": lambda c: c.record_gathering("First", "2026-01-11", []),
}


@pytest.mark.parametrize("refusal", REFUSALS)
def test_every_refusal_is_said_in_the_pseudo_locale(cong, refusal):
    with i18n.speaking(i18n.PSEUDO), pytest.raises(LedgerError) as refused:
        REFUSALS[refusal](cong)
    said = str(refused.value)
    # People's names, numbers and the file's own column names aside, no English word outside ⟦…⟧.
    outside = re.sub(r"⟦[^⟦⟧]*⟧", " ", said)
    outside = re.sub(r"\b(Ama|Yan|yan|Zoe|Lisbon circle|Madrid circle|name|work|slots|invited_by|region|size|knows)\b",
                     " ", outside)
    assert "⟦" in said and not re.search(r"[A-Za-z]{3,}", outside), said


def test_a_refusal_with_a_name_reads_as_a_german_sentence(cong):
    with i18n.speaking("de"), pytest.raises(LedgerError) as refused:
        cong.add_person("Yan", answers={"size": 9})
    assert str(refused.value) == "Die gewünschte Crew-Größe von Yan ist eine Zahl von 3 bis 8, nicht 9."
    with i18n.speaking("es"), pytest.raises(LedgerError) as refused:
        Congregation(cong.ledger, "Madrid circle")
    assert str(refused.value) == ("No hay ninguna congregación que se llame «Madrid circle». "
                                  "Congregaciones conocidas: Lisbon circle.")
