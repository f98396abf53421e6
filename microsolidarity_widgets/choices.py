"""What the facilitator chose that is no event of the game, kept beside the ledger it was chosen for:
the group last worked on (apps/last_group.py) and the language of the pages.

Each choice is a small file beside a ledger file (``ledger.sqlite`` → ``ledger.sqlite.language.json``)
or, for a database ledger, in this user's state folder under a name made from the database's address.
Losing one loses nothing but the choice. Plain Python: the server reads and writes the language here
without the pages' widgets, and every page's kernel reads it when it builds its page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

import platformdirs

from . import i18n
from .storage import Store


def file_for(store: Store, what: str) -> Path:
    """Where the choice ``what`` ("last-group", "language") is kept for the ledger of ``store``."""
    if store.path is not None:
        return store.path.with_name(f"{store.path.name}.{what}.json")
    # The address may carry a password: only a digest of it names the file.
    digest = hashlib.sha256(str(store.location).encode()).hexdigest()[:16]
    return platformdirs.user_state_path("microsolidarity-widgets") / f"ledger-{digest}.{what}.json"


def read(file: Path, key: str) -> str | None:
    """The text kept under ``key`` in ``file``, or None (no file, an unreadable one, another shape)."""
    try:
        value = json.loads(file.read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def write(file: Path, key: str, value: str) -> None:
    """Keep ``value`` under ``key`` in ``file``, renamed into place whole (never read half-written)."""
    partial = file.with_name(f"{file.name}.{os.getpid()}.part")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps({key: value}), encoding="utf-8")
        partial.replace(file)
    except OSError:  # a read-only folder or a full disk: the choice is simply not kept
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


# The pages' language ---------------------------------------------------------------------------

def language_file(store: Store) -> Path:
    return file_for(store, "language")


def language(file: Path) -> str | None:
    """The language chosen for the pages (one of ``i18n.LANGUAGES``), or None when none was."""
    return i18n.known(read(file, "language"))


def choose_language(file: Path, lang: str) -> str | None:
    """Keep ``lang`` as the pages' language; it is also this process's facilitator's language from
    now on (kernels started later inherit it). The language kept, or None for one the workbook has not."""
    lang = i18n.known(lang)
    if lang is None or lang == i18n.PSEUDO:  # the pseudo-locale is for tests by name, not a choice
        return None
    if lang != language(file):
        write(file, "language", lang)
    os.environ[i18n.ENV_VAR] = lang
    return lang


def speak_chosen(file: Path) -> str:
    """In a page's kernel: take the language chosen on the landing page (if any) as this kernel's, and
    say which it is now."""
    lang = language(file)
    if lang is not None:
        speak(lang)
    return i18n.default_language()


_looked: dict[Path, float] = {}  # each language file's time of change when the server last read it


def follow(file: Path) -> None:
    """In the server: take the pages' language from ``file`` again when it changed since the last look
    (a page may have made its own language every page's); one ``stat`` when it did not."""
    try:
        changed = file.stat().st_mtime
    except OSError:
        return
    if _looked.get(file) != changed:
        _looked[file] = changed
        speak_chosen(file)


def speak(lang: str) -> None:
    """In a page's kernel: ``lang`` is this kernel's language from now on (its page switched to it; the
    kernel serves that page alone, so no other page changes)."""
    os.environ[i18n.ENV_VAR] = lang
