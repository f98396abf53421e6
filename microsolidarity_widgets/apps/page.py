"""Showing an app in a notebook or a Voilà page, preheated kernels included.

Voilà can start a page's kernel before anyone asks for the page ("preheating"). Everything slow
and stateless (imports, the offline chart bundle) happens before ``wait_for_request()``; the
ledger is read and the widgets are built only after it, so a preheated page is never stale.
"""

from __future__ import annotations

import functools
from typing import Callable

import ipywidgets as widgets
from IPython.display import display
from voila.utils import wait_for_request

from .. import offline
from ..errors import LedgerError
from ..ledger import Ledger
from .session import STYLE, Status


@functools.cache
def kernel_ledger() -> Ledger:
    """The ledger this kernel works on: ``$MICROSOLIDARITY_LEDGER`` or the default, opened once."""
    return Ledger.open()


def show(build: Callable[[Ledger], object]) -> None:
    """Display ``build(ledger).widget``, or a plain-words message if the ledger cannot be opened."""
    offline.enable_offline_charts()
    wait_for_request()
    try:
        app = build(kernel_ledger())
    except LedgerError as exc:
        kernel_ledger.cache_clear()  # let a reload retry once the ledger is fixed
        status = Status()
        status.error(f"The workbook cannot open its ledger. {exc}", nothing_recorded=False)
        display(widgets.VBox([widgets.HTML(STYLE), status.widget]))
        return
    display(app.widget)
