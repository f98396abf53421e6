"""The members' join code: who may open the member pages, and the address and QR code that carry it."""

from __future__ import annotations

import io
import secrets
import time
from dataclasses import dataclass, field
from typing import Callable

from .. import i18n
from ..holds import NameHolds


@dataclass
class MemberCodes:
    """The current join code; replacing it revokes the old one at once (every member must join again,
    and choose their name again: the names phones held are all freed)."""

    base_url: str  # e.g. http://192.168.1.5:8866/
    on_change: Callable[["MemberCodes"], None] = lambda codes: None
    code: str = field(default_factory=lambda: secrets.token_urlsafe(6))
    holds: NameHolds = field(default_factory=NameHolds)  # which phone speaks for which name

    @property
    def join_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/join/{self.code}"

    def valid(self, code: str | None) -> bool:
        # As bytes: compare_digest refuses a str holding anything but ASCII, and anyone may type an address.
        return bool(code) and secrets.compare_digest(code.encode("utf-8", "surrogatepass"), self.code.encode())

    def renew(self) -> str:
        self.code = secrets.token_urlsafe(6)
        self.holds.clear()
        self.on_change(self)
        return self.code

    def terminal_lines(self) -> list[str]:
        """``Members join at: <url>`` and the QR code of that address, drawn with text blocks."""
        w = i18n.words()
        return [w._("Members join at: %(address)s", address=self.join_url), qr_text(self.join_url)]

    def qr_svg(self) -> str:
        import segno

        return segno.make(self.join_url, error="m").svg_inline(scale=6, title=i18n.words()._("QR code of the members' join address"))


def qr_text(url: str) -> str:
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n")


class WrongCodes:
    """Join addresses opened with a wrong code, counted per client over a minute.

    A client past ``limit`` wrong codes in its minute is refused until the minute is over (guessing a
    code by trying many is then hopeless), and the terminal gets one line a minute for all of them
    (``summary``) instead of a line per try."""

    WINDOW = 60.0  # seconds

    def __init__(self, limit: int = 20, clock: Callable[[], float] = time.monotonic):
        self.limit, self.clock = limit, clock
        self.tries: dict[str, tuple[float, int]] = {}  # client: (start of its minute, wrong codes in it)
        self.wrong, self.seen = 0, set()  # wrong codes and the clients that sent them, since the last summary
        self.refused = 0

    def _window(self, client: str) -> tuple[float, int]:
        start, count = self.tries.get(client, (0.0, 0))
        if self.clock() - start >= self.WINDOW:
            start, count = self.clock(), 0
        return start, count

    def throttled(self, client: str) -> bool:
        """Whether ``client`` has used up its tries for this minute (counted as refused if so)."""
        if self._window(client)[1] < self.limit:
            return False
        self.refused += 1
        return True

    @property
    def pending(self) -> int:
        """Tries the next summary will count (at 1, the moment to schedule it)."""
        return self.wrong + self.refused

    def note(self, client: str) -> None:
        """``client`` opened a join address with a wrong code."""
        start, count = self._window(client)
        self.tries[client] = (start, count + 1)
        self.wrong += 1
        self.seen.add(client)

    def summary(self) -> str | None:
        """One line for the terminal about the wrong codes since the last summary, or None if none."""
        now = self.clock()
        self.tries = {c: (s, n) for c, (s, n) in self.tries.items() if now - s < self.WINDOW}
        if not self.wrong and not self.refused:
            return None
        w = i18n.words()  # the facilitator's language: the terminal is theirs
        line = w.ngettext("Wrong join codes in the last minute: %(wrong)s (from %(num)s address)",
                          "Wrong join codes in the last minute: %(wrong)s (from %(num)s addresses)",
                          len(self.seen), wrong=w.number(self.wrong))
        line += (w.ngettext("; %(num)s try refused until its minute is over.",
                            "; %(num)s tries refused until their minute is over.", self.refused)
                 if self.refused else ".")
        self.wrong = self.refused = 0
        self.seen = set()
        return line
