"""Issue 23, items 3 to 6 on the members' side, the CLI and the server's own pages: every word through
gettext (Babel's catalogs), four complete languages, each phone choosing its own, and nothing left in
English by accident (the pseudo-locale). The phones are served by the real handlers over HTTP, on a
real ledger (tests/phones.py), as in tests/test_phone_replays.py."""

from __future__ import annotations

import html.parser
import re
import sqlite3
from pathlib import Path

import pytest
from babel.messages import extract, pofile
from babel.messages.frontend import parse_mapping_cfg
from tornado.testing import gen_test

from microsolidarity_widgets import cli, i18n
from microsolidarity_widgets.congregation import Congregation

from phones import PhoneServer

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = ("es", "pt_PT", "de")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalog(path: Path):
    with path.open("rb") as source:
        return pofile.read_po(source)


def ids(message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def strings(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


# The catalogs ---------------------------------------------------------------------------------------

def test_the_template_catalog_holds_every_message_the_code_and_templates_mark():
    # A text wrapped since the last `make i18n` would reach no translator and show in English.
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {msg[2] if isinstance(msg[2], str) else tuple(msg[2]) for msg in extract.extract_from_dir(
        str(ROOT / "microsolidarity_widgets"), method_map, options_map,
        keywords={**extract.DEFAULT_KEYWORDS, "N_": None})}
    found = {m[0] if isinstance(m, tuple) and len(m) == 2 and m[1] is None else m for m in found}
    kept = {m.id if not m.pluralizable else tuple(m.id) for m in catalog(i18n.TEMPLATE) if m.id}
    assert not {m for m in found if m} - kept, "run `make i18n`: these are missing from the template"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    template = catalog(i18n.TEMPLATE)
    po = catalog(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = po.get(wanted.id)
        if message is None:
            problems.append(f"missing: {wanted.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {wanted.id!r}")
        elif not all(strings(message)) or len(strings(message)) != (po.num_plurals if message.pluralizable else 1):
            problems.append(f"untranslated: {wanted.id!r}")
        else:
            # Every placeholder kept (a name or number dropped or mistyped would fail at run time).
            names = {n for source in ids(wanted) for n in PLACEHOLDER.findall(source)}
            for string in strings(message):
                if set(PLACEHOLDER.findall(string)) - names or not set(PLACEHOLDER.findall(string)) >= (
                        names - {"count", "num"}):
                    problems.append(f"placeholders differ: {wanted.id!r} → {string!r}")
    assert not problems, "\n".join(problems)


def test_the_pseudo_locale_is_generated_from_the_template():
    template = catalog(i18n.TEMPLATE)
    pseudo = catalog(i18n.LOCALE_DIR / i18n.PSEUDO / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    for message in template:
        if message.id:
            assert strings(pseudo.get(message.id)) == tuple(i18n.pseudo(m) for m in ids(message)), message.id
    assert i18n.pseudo("Hello, %(name)s") == "⟦Ĥéĺĺö, %(name)s⟧"


def test_a_po_file_newer_than_its_compiled_catalog_is_what_is_read(tmp_path, monkeypatch):
    # A checkout where a translation was just edited shows it without compiling.
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = catalog(i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    po["Today"].string = "Heute, frisch"
    with (folder / f"{i18n.DOMAIN}.po").open("wb") as out:
        pofile.write_po(out, po)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("de").gettext("Today") == "Heute, frisch"
    finally:
        i18n.translations.cache_clear()


# Words: plurals, numbers, dates, lists ---------------------------------------------------------------

def test_each_language_writes_numbers_plurals_and_lists_its_own_way():
    de, es, pt = i18n.words("de"), i18n.words("es"), i18n.words("pt-PT")
    assert de.number(1234.5) == "1.234,5" and es.number(12345) == "12.345" and pt.number(1234.5) == "1\xa0234,5"
    assert de.ngettext("%(count)s person", "%(count)s people", 1, count=1) == "1 Person"
    assert de.ngettext("%(count)s person", "%(count)s people", 5, count=5) == "5 Personen"
    assert pt.ngettext("%(count)s person", "%(count)s people", 4, count=4) == "4 pessoas"
    assert es.list(["Ama", "Bo", "Caz"]) == "Ama, Bo y Caz" and de.list(["Ama", "Bo"]) == "Ama und Bo"
    assert de.day_names()[0] == "Montag" and pt.day_names()[6].lower() == "domingo"
    import datetime as dt
    assert es.date(dt.date(2026, 12, 7)) == "7 de diciembre de 2026"


@pytest.mark.parametrize("header, expected", [
    ("de-AT,de;q=0.9,en;q=0.5", "de"), ("pt-BR,pt;q=0.9", "pt_PT"), ("fr-FR,es;q=0.8", "es"),
    ("en-GB;q=0.2,pt-PT", "pt_PT"), ("fr,nl;q=0.5", "de"), ("", "de"), ("es;q=0", "de")])
def test_a_browser_gets_the_nearest_language_it_accepts_else_the_facilitators(header, expected):
    assert i18n.negotiate(header, fallback="de") == expected


def test_the_cli_speaks_the_facilitators_language(monkeypatch, capsys):
    monkeypatch.setenv(i18n.ENV_VAR, "de")
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "Port, auf dem gelauscht wird (Standard: 8866)" in out and "die Sprache der Moderation" in out
    monkeypatch.delenv(i18n.ENV_VAR)
    with pytest.raises(SystemExit):
        cli.main(["serve", "--language", "es", "--help"])
    assert "puerto en el que escuchar (por defecto: 8866)" in capsys.readouterr().out


# Phones ----------------------------------------------------------------------------------------------

class Visible(html.parser.HTMLParser):
    """The text a person sees or hears on a page: text nodes and the attributes read out or shown,
    leaving out what is marked as written in another language (``lang``: the language switch's names,
    each in its own language), style
    sheets, and the charts' pictures (their axes are drawn by charts.py, the facilitator's side)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SPOKEN = ("aria-label", "placeholder", "title", "alt", "label")
    # Inside a sentence: a message with a word in bold is one text, as it is read (levels' scoring words).
    INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "u"}

    def __init__(self, page_lang: str):
        super().__init__()
        self.page_lang, self.stack, self.texts, self.sentence = page_lang, [], [], []

    def flush(self):
        text, self.sentence = "".join(self.sentence), []
        if text.strip():
            self.texts.append(text)

    def close(self):
        super().close()
        self.flush()

    def skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag not in self.INLINE:
            self.flush()
        attrs = dict(attrs)
        other = "lang" in attrs and tag != "html" and attrs["lang"] != self.page_lang
        skip = other or tag in ("style", "svg")
        if not (skip or self.skipping()):
            self.texts += [attrs[a] for a in self.SPOKEN if attrs.get(a)]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        if tag not in self.INLINE:
            self.flush()
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.skipping():
            self.sentence.append(data)


def not_pseudo(page: str, names: tuple[str, ...] = ()) -> list[str]:
    """Visible texts of ``page`` with words outside ⟦…⟧ (people's and groups' names, what they typed,
    and numbers aside)."""
    assert '<html lang="en-XA">' in page or "<html" not in page
    seen = Visible("en-XA")
    seen.feed(page)
    seen.close()
    left = []
    for text in seen.texts:
        rest, before = text, None
        while rest != before:  # innermost first: a translated title sits inside the page title's message
            before, rest = rest, re.sub(r"⟦[^⟦⟧]*⟧", "", rest)
        for name in names:
            rest = rest.replace(name, "")
        if re.search(r"[^\W\d_]", rest):
            left.append(text.strip())
    return left


PSEUDO = f"; ms_lang={i18n.PSEUDO}"
NAMES = ("Ama", "Bo", "Caz", "Dev", "Kestrels", "Lisboa Norte", "Eli", "Nowhere", "a lift")


class PseudoPhones(PhoneServer):
    """Every state a phone can be in, rendered in the pseudo-locale by the real handlers."""

    def given(self) -> dict:
        return {"patience": 0.3}

    async def get(self, path: str, cookies: str = "", **headers):
        answer = await self.http_client.fetch(self.get_url(path), follow_redirects=False, raise_error=False,
                                              headers={"Cookie": cookies, **headers})
        return answer.code, answer.body.decode()

    @gen_test(timeout=60)
    async def test_every_phone_state_is_all_pseudo_localised(self):
        Congregation.create(self.ledger, "Lisboa Norte", on="2026-01-01")
        Congregation(self.ledger, "Lisboa Norte").add_person("Eli")
        pages = {}
        pages["ask for the code"] = await self.get("/m/", PSEUDO)
        pages["wrong code"] = await self.get("/join/not-the-code", PSEUDO)
        caz = await self.phone("Caz") + PSEUDO
        pages["chooser"] = await self.get("/m/?choose=1", caz)
        pages["member page"] = await self.get("/m/", caz)
        pages["pool form"] = await self.get("/m/pool?c=Lisboa%20Norte", caz)
        pages["no such pool"] = await self.get("/m/pool?c=Nowhere", caz)
        fields = {"group": "Kestrels", "what": "offer", "offer_kind": "encouragement", "once": "k" * 22}
        await self.send(caz, "/m/propose", fields)
        pages["member page with an offer sent"] = await self.get("/m/", caz)
        already = await self.send(caz, "/m/propose", fields)
        pages["already sent"] = already.code, already.body.decode()
        other = await self.phone("Bo") + PSEUDO
        held = await self.send(other, "/m/who", {"who": "Caz"})
        pages["held name"] = held.code, held.body.decode()
        lock = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another process saving for longer than a phone waits
        try:
            busy = await self.send(caz, "/m/propose", {"group": "Kestrels", "what": "ask", "text": "a lift"})
            pages["busy"] = busy.code, busy.body.decode()
            joining = [("congregation", "Lisboa Norte"), ("name", "Eli"), ("slots", "Mon evening"),
                       ("slots", "Tue morning"), ("work", "a lift")]
            busy = await self.send(caz, "/m/pool", joining)
            pages["busy, joining a pool"] = busy.code, busy.body.decode()
        finally:
            lock.rollback()
            lock.close()
        assert [pages[p][0] for p in ("ask for the code", "wrong code", "member page", "held name", "busy",
                                      "busy, joining a pool")] == [403, 403, 200, 409, 503, 503]
        assert i18n.pseudo("Monday") in pages["busy, joining a pool"][1]  # the slots kept, in the phone's words
        sent = i18n.pseudo("Your offer (%(kind)s), sent at %(time)s: waiting for the facilitator").split(" (")[0]
        assert sent in pages["member page with an offer sent"][1]
        left = {state: not_pseudo(body, NAMES) for state, (_, body) in pages.items()}
        assert not any(left.values()), {state: texts for state, texts in left.items() if texts}


class LanguagesOfPhones(PhoneServer):
    async def get(self, path: str, cookies: str = "", **headers):
        answer = await self.http_client.fetch(self.get_url(path), follow_redirects=False, raise_error=False,
                                              headers={"Cookie": cookies, **headers})
        return answer

    @gen_test(timeout=60)
    async def test_each_phone_reads_its_browsers_language_or_the_one_it_chose(self):
        caz, bo = await self.phone("Caz"), await self.phone("Bo")
        german = await self.get("/m/", caz, **{"Accept-Language": "de-DE,de;q=0.9"})
        text = german.body.decode()
        assert '<html lang="de">' in text and "Hallo, Caz" in text and "Deine Punkte" in text
        # Bo switches to Portuguese on the phone; Caz's browser still asks for German.
        switched = await self.get("/m/?lang=pt_PT", bo, **{"Accept-Language": "de"})
        assert switched.code == 302 and switched.headers["Location"].endswith("/m/")
        kept = "; ".join(c.split(";")[0] for c in switched.headers.get_list("Set-Cookie"))
        portuguese = (await self.get("/m/", f"{bo}; {kept}", **{"Accept-Language": "de"})).body.decode()
        assert '<html lang="pt-PT">' in portuguese and "Olá, Bo" in portuguese and "Os teus pontos" in portuguese
        assert "Hallo, Caz" in (await self.get("/m/", caz, **{"Accept-Language": "de"})).body.decode()
        # The switch lists every language in its own name, the current one unlinked.
        assert '<a href="/m/?lang=es" lang="es" hreflang="es">Español</a>' in portuguese
        assert '<b lang="pt-PT" aria-current="true">Português</b>' in portuguese
        # A refusal reaches the phone in its language too.
        wrong = (await self.get("/join/nope", "", **{"Accept-Language": "es-ES"})).body.decode()
        assert "Pide el código a quien facilita" in wrong

    @gen_test(timeout=60)
    async def test_a_phone_whose_browser_asks_for_none_reads_the_facilitators_language(self):
        import os
        os.environ[i18n.ENV_VAR] = "pt_PT"
        try:
            caz = await self.phone("Caz")
            page = (await self.get("/m/", caz, **{"Accept-Language": "fr-FR"})).body.decode()
            assert "Olá, Caz" in page
        finally:
            del os.environ[i18n.ENV_VAR]


# The glossary's terms (docs/glossary.md), as each translation must use them wherever the English
# says the term: (English, then a stem of the Spanish, Portuguese and German term).
GLOSSARY = [("crew", "equipo", "equipa", "Crew"), ("pool", "bolsa", "bolsa", "Pool"),
            ("facilitator", "quien facilita", "quem facilita", "Moderation"),
            ("gathering", "encuentro", "encontro", "Treffen"), ("hosts", "anfitrion", "anfitriõ", "Gastgebend"),
            ("points", "punto", "ponto", "Punkt"), ("level", "nivel", "nível", "Stufe"),
            ("phone", "móvil", "telemóv", "Handy"), ("member", "miembro", "membro", "Mitglied"),
            ("congregation", "congregación", "congregação", "Gemeinschaft"), ("join code", "código", "código", "Code")]


@pytest.mark.parametrize("column, lang", list(enumerate(TRANSLATED, start=1)))
def test_the_catalogs_say_the_games_terms_as_the_glossary_does(column, lang):
    po = catalog(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
    strays = []
    for message in po:
        if not message.id:
            continue
        source = PLACEHOLDER.sub("", " ".join(ids(message)))
        said = " ".join(strings(message)).lower()
        for term in GLOSSARY:
            if re.search(rf"\b{term[0]}", source, re.I) and term[column].lower() not in said:
                strays.append(f"{term[0]} → {term[column]}: {message.id!r} → {said!r}")
    assert not strays, "\n".join(strays)


def test_the_servers_own_pages_are_all_pseudo_localised(monkeypatch):
    # The refusals a stranger's browser gets (in its language) and the landing page's members section
    # (in the facilitator's).
    from microsolidarity_widgets import guard, members

    w = i18n.words(i18n.PSEUDO)
    pages = {status: guard.refusal(status, w) for status in (400, 403, 404, 405, 409, 500)}
    monkeypatch.setenv(i18n.ENV_VAR, i18n.PSEUDO)
    codes = members.MemberCodes("http://192.0.2.1:8866/")
    pages["landing"] = members.landing(codes, "/")
    cap = guard.KernelCap(per_page=1, in_all=9)
    cap.pages["k1"] = "02_listening"
    pages["a page open too often"] = cap.refusal(type("Kernels", (), {"list_kernel_ids": lambda self: ["k1"]})(),
                                                 "02_listening")
    left = {state: not_pseudo(str(page), (codes.join_url,)) for state, page in pages.items()}
    assert not any(left.values()), {state: texts for state, texts in left.items() if texts}
    assert "⟦" in pages["a page open too often"] and "⟦" in pages["landing"]
