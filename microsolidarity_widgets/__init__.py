"""Reciprocity Workbook: a ledger, scoring, ipywidgets apps and Altair charts for the Reciprocity Game."""

from .errors import LedgerBusy, LedgerError, LedgerFileError, LookAlikeName
from .ledger import Ledger

__all__ = ["Ledger", "LedgerError", "LedgerBusy", "LedgerFileError", "LookAlikeName"]
__version__ = "0.1.0"
