"""Which phone speaks for which name during a gathering: one phone per name.

The first phone (a browser, known by a random id in its signed cookie) to choose a name holds it;
another phone choosing it is told it is taken and to ask the facilitator, who can free it. Holds
live in the server's process, not in the ledger: they are not history, and a new join code (or a
new server) starts them afresh.

Names are compared as the ledger compares them (``values.name_key``): "ama" is Ama's. Names that
only look alike ("Zoe" and "Zoë", a Cyrillic "А" for a Latin "A") are different people, each held
on its own; the chooser tells them apart (``told_apart``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import unicodedata
from dataclasses import dataclass

from .values import name_key, skeleton

# What a facilitator's page opens to see the names held and free one (served by the member side, as
# ``members/names`` under the server's base address); its full address reaches the pages' kernels in
# this variable, set only while members can join.
ROUTE = "microsolidarity/members/names"
PAGE_ENV = "MICROSOLIDARITY_NAMES_PAGE"


def new_phone() -> str:
    """A phone's id, kept in its signed cookie for the gathering."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Hold:
    name: str       # as the ledger spells it
    phone: str
    since: dt.datetime


class NameHolds:
    """The names phones hold. Safe to use from the server's loop and its worker threads at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, Hold] = {}  # by name key

    def take(self, name: str, phone: str) -> bool:
        """``phone`` chooses ``name``: True once it holds it, False when another phone does. A phone
        holds one name at a time, so a wrong tap corrected frees the name tapped first."""
        key = name_key(name)
        with self._lock:
            held = self._held.get(key)
            if held is not None and held.phone != phone:
                return False
            for other, hold in list(self._held.items()):
                if hold.phone == phone and other != key:
                    del self._held[other]
            if held is None:
                self._held[key] = Hold(name, phone, dt.datetime.now().astimezone())
            return True

    def holds(self, name: str, phone: str | None) -> bool:
        """Whether ``phone`` holds ``name`` now (not after the facilitator freed it, nor after a new code)."""
        held = self._held.get(name_key(name))
        return phone is not None and held is not None and held.phone == phone

    def taken(self, name: str, phone: str | None) -> bool:
        """Whether another phone than ``phone`` holds ``name``."""
        held = self._held.get(name_key(name))
        return held is not None and held.phone != phone

    def release(self, name: str) -> bool:
        """The facilitator frees a name (its phone must choose again); False if nobody held it."""
        with self._lock:
            return self._held.pop(name_key(name), None) is not None

    def clear(self) -> None:
        """Every name free again: a new join code means every phone joins and chooses again."""
        with self._lock:
            self._held.clear()

    def held(self) -> list[Hold]:
        """The names held, in alphabetical order."""
        with self._lock:
            holds = list(self._held.values())
        return sorted(holds, key=lambda h: (h.name.casefold(), h.name))


def told_apart(names: list[str]) -> dict[str, str]:
    """For each name that looks like another of ``names`` ("Zoe", "Zoë", a Cyrillic "Zое"), what tells
    it apart on a screen: its letters beyond plain Latin, named ("ë: e with diaeresis", "о: Cyrillic
    o"), or "plain letters". Names that look like no other are left out."""
    shapes: dict[str, list[str]] = {}
    for name in names:
        shapes.setdefault(_shape(name), []).append(name)
    words = {}
    for name in names:
        if not [o for o in shapes[_shape(name)] if name_key(o) != name_key(name)]:
            continue
        special = []
        for c in dict.fromkeys(unicodedata.normalize("NFC", name)):
            if c.isascii() or not c.isalpha():
                continue
            special.append(f"{c}: {_letter(c)}")
        words[name] = ", ".join(special) if special else "plain letters"
    return words


def _shape(name: str) -> str:
    """What a name looks like at a glance: its skeleton (``values.skeleton``: Cyrillic "о" is Latin
    "o"), accents left out too, since "Zoë" and "Zoe" pass for each other on a small screen."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return skeleton(bare)


def _letter(c: str) -> str:
    """A letter's name as a person reads it: "e with diaeresis", "Cyrillic o", "Greek alpha"."""
    full = unicodedata.name(c, "").lower()
    script, _, rest = full.partition(" ")
    rest = rest.replace("small letter ", "").replace("capital letter ", "capital ")
    return rest if script == "latin" else f"{script.capitalize()} {rest}".strip()


__all__ = ["Hold", "NameHolds", "PAGE_ENV", "ROUTE", "new_phone", "told_apart"]
