"""Errors a facilitator can read.

Every message says what went wrong in the crew's words and, where it helps, what to do next.
A ``LedgerError`` always means nothing was recorded. Its message is in the language spoken where it
was raised (``i18n.speaking``: a phone's request speaks the phone's).
"""

from .i18n import _


class LedgerError(ValueError):
    """Bad input or a ledger that cannot be used; nothing was written."""


class LedgerBusy(LedgerError):
    """Other pages kept the ledger locked for longer than we are willing to wait."""


class LedgerFileError(LedgerError):
    """The ledger file is unreadable, foreign, from a newer version, or not writable."""


class AlreadyRecorded(LedgerError):
    """A request sent again (a double tap, a resent form): its one-time key is already in the ledger,
    with the event it recorded the first time (``event_id``). Nothing new was written."""

    def __init__(self, event_id: int):
        super().__init__(_("This was sent already and is recorded; nothing was added."))
        self.event_id = event_id


class LedgerReadOnly(LedgerFileError):
    """The ledger, its folder or its disk refuses writes."""


class LedgerFull(LedgerFileError):
    """The disk holding the ledger has no room left."""


class LookAlikeName(UserWarning):
    """A name that differs from another member's of the same group, yet looks the same on screen
    (Cyrillic "Е" for Latin "E"). Recorded, because two people may truly be called so, but worth a look."""
