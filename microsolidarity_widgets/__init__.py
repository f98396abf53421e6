"""Reciprocity Workbook: a ledger, scoring, ipywidgets apps and Altair charts for the Reciprocity Game."""

import sys

# jsonschema, under Altair and under Jupyter's event schemas, builds some 35 Earley parsers from
# rfc3987-syntax when it is imported, only to check the "iri" string format, which none of the schemas
# loaded here use (jsonschema issue 1428). That is 1.4 s of every page's kernel start on a 2-core
# machine, and of every server start. Marked absent before anything imports jsonschema, the module is
# skipped with that one format check; a process that imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)

from .errors import AlreadyRecorded, LedgerBusy, LedgerError, LedgerFileError, LookAlikeName
from .ledger import Ledger

__all__ = ["AlreadyRecorded", "Ledger", "LedgerError", "LedgerBusy", "LedgerFileError", "LookAlikeName"]
__version__ = "0.1.0"
