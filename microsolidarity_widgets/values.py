"""Checks and normal forms for the values people type: names, dates and free text.

One place for these rules so that the API, the pages and imports all refuse the same things.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata

import babel

from .errors import LedgerError
from .i18n import N_, _, words

MAX_NAME = 80
MAX_TEXT = 5000
EARLIEST = dt.date(1900, 1, 1)


# Characters that change how a name looks without being visible themselves: bidi overrides,
# isolates and marks can show one name as another, zero-width spaces and fillers make two
# equal-looking names differ. Beyond these, every format character (Unicode category Cf: soft
# hyphen, U+200E/U+200F, U+061C …) counts as invisible, except the joiners in the places that need
# them (``_joiner_needed``).
INVISIBLE = frozenset("\u200b\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                      "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
ZWNJ, ZWJ = "\u200c", "\u200d"


def _joiner_needed(text: str, i: int) -> bool:
    """A joiner is part of the name where it shapes it: ZWJ inside an emoji sequence (👩‍👩‍👧) or
    after a virama (Indic conjuncts), ZWNJ between two letters (Persian, Indic)."""
    before, after = text[i - 1: i], text[i + 1: i + 2]
    if not before or not after:
        return False
    virama = unicodedata.combining(before) == 9
    if text[i] == ZWJ:
        emoji = all(unicodedata.category(c) == "So" or c == "\ufe0f" or 0x1F3FB <= ord(c) <= 0x1F3FF for c in (before, after))
        return emoji or virama
    return virama or all(unicodedata.category(c)[0] in "LM" for c in (before, after))


def _invisible(text: str) -> bool:
    for i, c in enumerate(text):
        if c in INVISIBLE:
            return True
        if unicodedata.category(c) == "Cf" and not (c in (ZWJ, ZWNJ) and _joiner_needed(text, i)) and not (
                0xE0020 <= ord(c) <= 0xE007F):  # emoji tag sequences (subdivision flags)
            return True
    return False


def _short(text: str, width: int = 24) -> str:
    """A refused value as a message may quote it: cut short, its unprintable characters shown as �."""
    text = text if len(text) <= width else text[: width - 1] + "…"
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") or c in "\u2028\u2029" or c in INVISIBLE
                   else c for c in text)


def shown(value: object, width: int = 40) -> str:
    """Any value as a message may quote it: its text, cut short (a message never repeats a megabyte)."""
    return _short(str(value), width)


def clean_name(value: object, what: str = N_("name")) -> str:
    """Return the name as it will be stored (trimmed), or raise ``LedgerError``.

    Emoji, accents and right-to-left scripts are names like any other, kept in their composed
    form (NFC), so that "Zoë" typed on two keyboards is stored as one spelling. Angle brackets are
    refused because no name needs them and they are the usual start of injected markup.
    """
    # ``what`` is said in the reader's language: callers mark it with N_ ("member name").
    what = _(what)
    if not isinstance(value, str):
        raise LedgerError(_("A %(what)s must be text, not %(type)s.", what=what, type=type(value).__name__))
    name = unicodedata.normalize("NFC", value.strip())
    if not name:
        raise LedgerError(_("The %(what)s is empty: type a name.", what=what))
    if len(name) > MAX_NAME:
        raise LedgerError(_("The %(what)s “%(name)s” is %(length)s characters long; keep it to %(most)s.",
                            what=what, name=_short(name), length=len(name), most=MAX_NAME))
    if any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in name):
        raise LedgerError(_("The %(what)s “%(name)s” contains a line break, tab or other control character.",
                            what=what, name=_short(name)))
    if _invisible(name):
        raise LedgerError(_("The %(what)s “%(name)s” contains an invisible character (a zero-width space, a "
                            "text-direction mark or a filler); type it again without pasting.", what=what,
                            name=_short(name)))
    if "<" in name or ">" in name:
        raise LedgerError(_("The %(what)s “%(name)s” contains < or >, which a %(what)s cannot hold.", what=what,
                            name=_short(name)))
    return name


def name_key(name: str) -> str:
    """The form two names are compared in: "Ama", " ama " and "AMA" are one person."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean_names(values: object, what: str = N_("member")) -> list[str]:
    """Clean a list of names and refuse repeats (compared as ``name_key`` does)."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise LedgerError(_("Give the names of each %(what)s as a list.", what=_(what)))
    names = [clean_name(v, what) for v in values]
    seen: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if key in seen:
            raise LedgerError(_("“%(name)s” is listed twice (as “%(other)s” too).", name=name, other=seen[key]))
        seen[key] = name
    return names


ONCE_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_once_key() -> str:
    """A one-time key for a form, made when the form is shown: the record it sends carries it, so the
    same form sent twice records once (see ``Ledger.record``)."""
    return secrets.token_urlsafe(16)


def clean_once_key(value: object) -> str:
    """A one-time key as a form or a page sends it (``new_once_key``'s letters), or ``LedgerError``."""
    if not isinstance(value, str) or not ONCE_KEY.fullmatch(value):
        raise LedgerError(_("This form's one-time key is missing or not one the workbook made: reload the page and "
                            "send it again."))
    return value


def clean_date(value: object, what: str = N_("date"), today: dt.date | None = None) -> dt.date:
    """Accept a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string that is not in the future."""
    if isinstance(value, dt.datetime):
        try:
            value = value.date()
        except (TypeError, ValueError):
            value = None
    if isinstance(value, dt.date) and value != value:  # pandas' NaT: a datetime that holds no date
        value = None
    what = _(what)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise LedgerError(_("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01.",
                                value=_short(value))) from None
    if not isinstance(value, dt.date):
        raise LedgerError(_("The %(what)s is missing or not a date: write it as YYYY-MM-DD.", what=what))
    today = today or dt.date.today()
    if value > today:
        raise LedgerError(_("The %(what)s %(day)s is in the future; record things once they have happened.",
                            what=what, day=value.isoformat()))
    if value < EARLIEST:
        raise LedgerError(_("The %(what)s %(day)s is before %(year)s; check the year.", what=what,
                            day=value.isoformat(), year=EARLIEST.year))
    return value


def clean_text(value: object, what: str = N_("note"), required: bool = False) -> str | None:
    """Free text (notes, asks, agreements): any characters, but bounded in size."""
    what = _(what)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise LedgerError(_("The %(what)s is empty.", what=what))
        return None
    if not isinstance(value, str):
        raise LedgerError(_("The %(what)s must be text.", what=what))
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise LedgerError(_("The %(what)s is %(length)s characters long; keep it under %(most)s.", what=what,
                            length=len(text), most=MAX_TEXT))
    if "\x00" in text:
        raise LedgerError(_("The %(what)s contains a NUL character, which cannot be stored.", what=what))
    return text


# --- names that only look alike ---------------------------------------------------------------


def _prototype(c: str) -> str:
    """One character standing for all that look like it (Unicode's confusables data, as shipped
    by confusable_homoglyphs): Cyrillic "е", Greek "ε"… and Latin "e" share one."""
    from confusable_homoglyphs import confusables

    found = confusables.confusables_data.get(c)
    return min([c, *(h["c"] for h in found)]) if found else c


def skeleton(name: str) -> str:
    """What a name looks like, in the spirit of Unicode TR39: two names with one skeleton can pass
    for each other on a screen."""
    return "".join(_prototype(c) for c in name_key(name))


def look_alikes(name: str, others) -> list[str]:
    """The names among ``others`` that differ from ``name`` yet look like it."""
    key, shape = name_key(name), skeleton(name)
    return [o for o in others if name_key(o) != key and skeleton(o) == shape]


# CLDR's plural rule of the workbook's language (through Babel): which form a number takes.
_PLURAL_FORM = babel.Locale("en").plural_form


def noun_for(n: int, noun: str, plural: str | None = None) -> str:
    """The form of ``noun`` that ``n`` takes: "point" for 1 (and -1), "points" otherwise; ``plural``
    when it is not the noun with an "s" ("person", "people")."""
    return noun if _PLURAL_FORM(abs(int(n))) == "one" else plural or noun + "s"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """"1 crew", "3 crews", "1,200 points", "2 people": a number with its noun in the form it takes."""
    return f"{n:,} {noun_for(n, noun, plural)}"


def day_words(day: dt.date | str, short: bool = False) -> str:
    """A day as a sentence says it, in the language spoken (Babel): "2 October 2026" (``short``:
    "2 Oct 2026"), "2. Oktober 2026" in German. An ISO date (as the ledger keeps them) too."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return words().date(day, "medium" if short else "long")


def file_stem(name: str) -> str:
    """A name as part of a file name every system takes: letters transliterated, not dropped, so
    people still recognise it ("Zoë & Ngozi" → "Zoe-Ngozi"); "group" when nothing is left."""
    from text_unidecode import unidecode

    return re.sub(r"[^A-Za-z0-9]+", "-", unidecode(name)).strip("-") or "group"


def file_stems(names) -> dict[str, str]:
    """``file_stem`` of each name, told apart when two come out the same ("Zoë" and "Zoe" give "Zoe"
    and "Zoe-2"), so files written side by side never overwrite each other."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        stem, n = file_stem(name), 1
        while (stem if n == 1 else f"{stem}-{n}").casefold() in taken:
            n += 1
        stems[name] = stem if n == 1 else f"{stem}-{n}"
        taken.add(stems[name].casefold())
    return stems
