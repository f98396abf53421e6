"""The member side of a shared workbook: members join from their own phones with a code.

Two roles. The facilitator holds the server's token (the address printed as ``Facilitator:``) and
gets the Voilà pages. Members get a join address (``Members join at:``, also shown as a QR code in
the terminal and on the facilitator's landing page) holding a join code; it leads to the member
pages only. The join code is not the token: a member's browser never holds the token, so no Voilà
page, ``/api`` or ``/files`` route lets it in, and the facilitator can replace the code (revoking
it) without a restart.

Why this is cheap: member pages are plain HTML forms rendered by Tornado handlers in the server's
own process, straight from the Ledger API. A member costs a few requests, not a Python kernel of
about 150 MB as a Voilà page does, and the pages carry no script at all, so a phone that slept
simply shows the page again when it wakes.

The parts: ``codes`` (the join code, its QR code, wrong codes counted), ``standing`` (what pages
show of the ledger at a revision, cached), ``views`` (the pages, from Jinja2 templates with
autoescaping: everything a person typed is escaped) and ``routes`` (the handlers and their routes;
the server's event loop never waits on the ledger).
"""

from .codes import MemberCodes, WrongCodes, qr_text
from .routes import handlers
from .standing import _drawn, _ledger, prepare
from .views import XSRF_SLOT, landing, member_page

__all__ = ["MemberCodes", "WrongCodes", "XSRF_SLOT", "handlers", "landing", "member_page", "prepare", "qr_text"]
