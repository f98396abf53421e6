"""The model speaks the reader's language (issue 23, item 3): a rule's refusal, a chart, the review's
sentences, an export's headers and a calendar file, in the language of the context they are made in
(``i18n.speaking``): the facilitator's in a kernel, a phone's in the phone's request."""

from __future__ import annotations

import datetime as dt
import io
import threading
import urllib.parse

import pandas as pd
import pytest

from microsolidarity_widgets import charts, export, i18n, review
from microsolidarity_widgets.errors import LedgerError
from microsolidarity_widgets.rules import CheckIn
from microsolidarity_widgets.ledger import Ledger
from microsolidarity_widgets.review import ReviewData, Selection
from microsolidarity_widgets.seasons.calendar import retrospectives_ics
from microsolidarity_widgets.values import new_once_key
from tests.phones import XSRF, PhoneServer

TODAY = dt.date.today()


@pytest.fixture
def kestrels(tmp_path):
    ledger = Ledger.open(tmp_path / "ledger.sqlite")
    ledger.add_group("Kestrels", ["Ama", "Bo", "Caz", "Dev"], kind="crew", on="2026-01-01")
    ledger.record(CheckIn("Kestrels", TODAY, "Ama"))
    yield ledger
    ledger.close()


def test_a_refusal_from_the_ledger_is_in_the_language_spoken(kestrels):
    with i18n.speaking("de"), pytest.raises(LedgerError) as german:
        kestrels.record(CheckIn("Kestrels", TODAY, "Ama"))
    assert str(german.value) == f"Ama ist am {TODAY.isoformat()} bei Kestrels schon eingecheckt."
    # Outside it, the facilitator's language (English here); a name is never translated.
    with pytest.raises(LedgerError, match="Ama is already checked in for Kestrels"):
        kestrels.record(CheckIn("Kestrels", TODAY, "Ama"))
    with i18n.speaking("pt_PT"), pytest.raises(LedgerError) as portuguese:
        kestrels.record(CheckIn("Nowhere", TODAY, "Ama"))
    assert str(portuguese.value) == "Não existe nenhum grupo chamado «Nowhere». Grupos conhecidos: Kestrels."


def test_each_thread_keeps_its_own_language(kestrels):
    """A phone's record thread and the facilitator's kernel refuse at the same moment, each in its own words."""
    said, ready = {}, threading.Barrier(2)

    def refused(lang):
        with i18n.speaking(lang):
            ready.wait()
            try:
                kestrels.record(CheckIn("Kestrels", TODAY, "Ama"))
            except LedgerError as exc:
                said[lang] = str(exc)

    threads = [threading.Thread(target=refused, args=(lang,)) for lang in ("es", "de")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert said["es"].startswith("Ama ya marcó asistencia en Kestrels") and said["de"].startswith("Ama ist am")


def test_a_warning_and_a_plural_in_the_language_spoken(kestrels):
    with i18n.speaking("es"), pytest.warns(UserWarning, match="se parece a «Ama»"):
        kestrels.add_member("Kestrels", "\u0410ma")  # a Cyrillic А
    with i18n.speaking("de"):
        assert i18n.ngettext("%(num)s point", "%(num)s points", 1200) == "1.200 Punkte"
        assert review.span_words("2026-03-01", "2026-04-30") == "vom 1. März 2026 bis 30. April 2026"


class SpanishPhone(PhoneServer):
    """The same refusal, on a phone whose browser asks for Spanish: the rule runs in a record thread."""

    async def check_in(self, cookies: str):
        body = urllib.parse.urlencode([("once", new_once_key()), ("group", "Kestrels"), ("_xsrf", XSRF)])
        return await self.http_client.fetch(
            self.get_url("/m/checkin"), method="POST", body=body, follow_redirects=False, raise_error=False,
            headers={"Cookie": cookies, "Sec-Fetch-Site": "same-origin", "Accept-Language": "es-ES,es;q=0.9"})

    def test_a_rules_refusal_is_in_the_phones_language(self):
        cookies = self.io_loop.run_sync(lambda: self.phone("Ama"))
        assert self.io_loop.run_sync(lambda: self.check_in(cookies)).code == 302
        again = self.io_loop.run_sync(lambda: self.check_in(cookies))
        body = again.body.decode()
        assert again.code == 400
        assert f"Ama ya marcó asistencia en Kestrels el {TODAY.isoformat()}." in body
        assert "already checked in" not in body
        # The facilitator's language is untouched meanwhile: the kernel still refuses in English.
        with pytest.raises(LedgerError, match="already checked in"):
            self.ledger.record(CheckIn("Kestrels", TODAY, "Ama"))


def _points() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2026-03-01", "2026-03-08", "2026-03-08"]),
                         "group": "Kestrels", "member": ["Ama", "Bo", "Ama"], "level": 1,
                         "level_name": "1 Listening", "points": [1, 1, 2], "event_id": [1, 2, 3],
                         "reason": "listened"})


def test_a_chart_drawn_in_portuguese_says_portuguese():
    with i18n.speaking("pt_PT"):
        spec = charts.cumulative_chart(_points()).to_dict()
    assert " ".join(spec["title"]["text"]) == "A confiança construída, membro a membro"  # in lines that fit a phone
    assert "Clica num nome da legenda para seguir um membro." in " ".join(spec["title"]["subtitle"])
    assert spec["encoding"]["y"]["title"] == "Pontos acumulados"
    assert spec["encoding"]["color"]["title"] == "Membro"
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == [
        "membro", "à data de", "pontos acumulados", "ganhos desde o ponto anterior"]
    assert spec["description"].startswith("Gráfico de linhas, A confiança construída, membro a membro: pontos "
                                          "acumulados de cada um dos 2 membros, de 1 de março de 2026 a")
    # The same chart in the facilitator's English, unchanged.
    assert charts.cumulative_chart(_points()).to_dict()["encoding"]["y"]["title"] == "Points so far"


def test_the_review_in_german(kestrels):
    data = ReviewData.load(kestrels)
    with i18n.speaking("de"):
        lines = review.summary(data, Selection(groups=("Kestrels",)))
    assert lines[-1] == "Keine Konflikte sind offen."
    assert any(line.startswith("Ama, Bo, Caz und Dev haben") for line in lines), lines


def test_csv_headers_in_german_and_the_keys_the_same_in_every_language(kestrels):
    data = ReviewData.load(kestrels)
    sel = Selection(groups=("Kestrels",))

    def header(lang, **kwargs):
        with i18n.speaking(lang):
            files = export.review_files(kestrels, data, sel, **kwargs)
        return {name: pd.read_csv(io.BytesIO(content)).columns.tolist()
                for name, content in files.items() if name.endswith(".csv")}

    german = header("de")
    assert german["Kestrels-points.csv"] == ["Datum", "Gruppe", "Mitglied", "Stufe", "Punkte", "Eintragsnummer",
                                             "Grund"]
    assert german["Kestrels-events.csv"][:4] == ["Eintragsnummer", "Datum", "eingetragen um", "Art"]
    keys = {lang: header(lang, header="keys") for lang in ("en", "es", "pt_PT", "de")}
    assert all(k == keys["en"] for k in keys.values())
    assert keys["en"]["Kestrels-points.csv"] == ["date", "group", "member", "level", "points", "event_id", "reason"]
    with pytest.raises(ValueError):
        export.to_csv(pd.DataFrame({"date": []}), header="Deutsch")


def test_a_calendar_file_in_spanish():
    with i18n.speaking("es"):
        ics = retrospectives_ics("Kestrels", [pd.Timestamp("2026-03-01")])
    assert "SUMMARY;LANGUAGE=es:Retrospectiva de Kestrels\r\n" in ics
    assert "DESCRIPTION;LANGUAGE=es:¿Qué funciona" in ics
