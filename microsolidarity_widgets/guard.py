"""What the server refuses, and the plain pages that say so.

* **Cross-origin page loads.** Opening a page starts (or takes) a Python kernel of about 150 MB. A
  web page elsewhere must not make the facilitator's browser, or anyone's, open workbook pages: a
  request for a page that a browser marks as coming from another site (``Sec-Fetch-Site``) or that
  carries another ``Origin`` is refused before any kernel is touched.
* **Kernels capped.** At most ``per_page`` kernels serve visitors of one page and ``in_all`` serve
  visitors in all (the kernels kept ready in advance are not counted: they are the pool). Past the
  cap a short page says why and what to do. Kernels of closed pages go when the page says goodbye,
  or after the idle cull.
* **Host check everywhere.** Jupyter's handlers refuse a Host that is not local when the server is
  not shared; the chart-bundle route and Voilà's request-info socket (which the kernels use to learn
  their visitor's request, token included) are plain Tornado handlers and did not. The socket is
  for kernels only: from this machine, to a local name, and never from a browser (no ``Origin``).
* **No token in the log.** Requests are logged with secrets in their query cut out, and any log
  line that would still hold the token holds only its first characters.
* **Strangers get words, and the terminal stays readable.** Whatever Voilà or Jupyter would answer with
  a bare error or their own error page, a refused or unknown address gets a short page here
  (``refusal``); a refused request writes one line at most, and only with ``--verbose``; what goes
  wrong anyway writes one line, its traceback with ``--verbose`` only. Each client writes at most
  ``LogBudget.lines`` lines a minute, so a flood cannot scroll the members' join address away.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from markupsafe import Markup
from tornado.httputil import split_host_and_port

from . import i18n
from .i18n import N_
from .templating import render

LOCAL_NAMES = ("localhost",)

# The page whose request is being served, so the kernel manager's hand-over can be credited to it.
_PAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("page", default=None)

PLAIN_STYLE = """
  :root { --ink: #1d2327; --muted: #4a5560; --accent: #1f5f8b; --paper: #fbfaf7; --line: #d9dde1; }
  html { font-size: 20px; }
  body { margin: 0; background: var(--paper); color: var(--ink); line-height: 1.45;
         font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  main { max-width: 40rem; margin: 0 auto; padding: 2rem 1.1rem 3rem; }
  h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 0.8rem; }
  p { margin: 0 0 0.9rem; }
  a { color: var(--accent); font-weight: 600; }
  .status { padding: 0.7rem 0.9rem; border-radius: 0.4rem; background: #eef3fb; border-left: 6px solid #3b6fb6; }
  .status.refused { background: #fdf0ef; border-left: 6px double #a4262c; }
  dl.kept dt { font-weight: 600; }
  dl.kept dd { margin: 0 0 0.6rem; padding: 0.4rem 0.9rem; background: #fff; border-left: 4px solid var(--line);
               white-space: pre-wrap; }
  @media (max-width: 36rem) { html { font-size: 17px; } }
"""


def plain_page(title: str, *paragraphs: str, extra: str = "", w: i18n.Words | None = None) -> str:
    """A short page in the workbook's style, with no script: every text is escaped, except ``extra``
    (markup a template made). The texts come translated; ``w`` is their language."""
    return render("plain.html", w, title=title, paragraphs=paragraphs, extra=Markup(extra), style=Markup(PLAIN_STYLE))


def is_local_host(host_header: str | None) -> bool:
    """Whether a Host header names this machine by a loopback address or a local name."""
    if not host_header:
        return False
    host = split_host_and_port(host_header)[0]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() in LOCAL_NAMES


def host_allowed(handler) -> bool:
    """Jupyter's own rule for its handlers, for plain Tornado ones: any Host when shared, else a local one."""
    return bool(handler.settings.get("allow_remote_access")) or is_local_host(handler.request.host)


def cross_origin(request) -> str | None:
    """Why a page request comes from another site, or None when it does not.

    Browsers say where a request comes from: ``Sec-Fetch-Site`` on every request (``none`` for an
    address typed or bookmarked, ``same-origin`` for our own links), ``Origin`` on scripted ones.
    Requests that carry neither (scripts, command-line tools) cannot be steered by a web page.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return f"the request came from another site ({site})"
    origin = request.headers.get("Origin")
    if origin is not None and urlparse(origin.lower()).netloc != request.host.lower():
        return "the request came from another site"
    return None


@dataclass
class KernelCap:
    """How many kernels may serve visitors, per page and in all, and which page each one serves."""

    per_page: int
    in_all: int
    pages: dict[str, str] = field(default_factory=dict)  # kernel id -> page

    def watch(self, kernel_manager) -> None:
        """Credit each kernel handed to a visitor (preheated or started on demand) to its page."""
        take = getattr(kernel_manager, "get_rendered_notebook", None)
        if take is not None:
            async def get_rendered_notebook(*args, **kwargs):
                result = await take(*args, **kwargs)
                self._credit(result[2])
                return result

            kernel_manager.get_rendered_notebook = get_rendered_notebook
        start = kernel_manager.start_kernel

        async def start_kernel(*args, **kwargs):
            kernel_id = await start(*args, **kwargs)
            # The pool's refills run in tasks copied from the request's context: only a kernel
            # started for the visitor itself (not preheated) is theirs.
            if (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "False":
                self._credit(kernel_id)
            return kernel_id

        kernel_manager.start_kernel = start_kernel

    def _credit(self, kernel_id: str) -> None:
        page = _PAGE.get()
        if page is not None:
            self.pages[kernel_id] = page

    def refusal(self, kernel_manager, page: str) -> str | None:
        """Why one more visitor of ``page`` must wait, or None."""
        alive = set(kernel_manager.list_kernel_ids())
        for gone in set(self.pages) - alive:
            del self.pages[gone]
        here = sum(1 for p in self.pages.values() if p == page)
        if here >= self.per_page:
            return i18n.words().ngettext(  # said on the facilitator's pages, in their language
                "This page is already open in %(num)s place, the most this workbook allows at once. Close it in "
                "a browser tab you no longer use, then load it again.",
                "This page is already open in %(num)s places, the most this workbook allows at once. Close it in "
                "a browser tab you no longer use, then load it again.", here)
        if len(self.pages) >= self.in_all:
            return i18n.words().ngettext(
                "The workbook already has %(num)s page open, the most it allows at once on this computer. Close "
                "the pages nobody is using, then load this one again.",
                "The workbook already has %(num)s pages open, the most it allows at once on this computer. Close "
                "the pages nobody is using, then load this one again.", len(self.pages))
        return None

    def serving(self, page: str) -> contextvars.Token:
        """Mark the current request as serving ``page`` (a context variable: concurrent requests keep theirs)."""
        return _PAGE.set(page)

    def served(self, token: contextvars.Token) -> None:
        _PAGE.reset(token)


class SecretFilter(logging.Filter):
    """Keep only the first characters of each secret in every log line (messages, arguments, tracebacks)."""

    def __init__(self, secrets_: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets_ if s]

    def add(self, secret: str) -> None:
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def _cut(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, secret[:4] + "…")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._cut(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and any(s in record.exc_text for s in self.secrets):
            record.exc_text = self._cut(record.exc_text)
        return True


def scrub_logs(filter_: SecretFilter, *loggers: logging.Logger) -> None:
    """Put the filter on these loggers (a record with no handler on its way is written by Python's
    last-resort handler, which no handler filter reaches) and on every handler that writes them."""
    seen = set()
    for logger in loggers:
        logger.addFilter(filter_)
    for logger in (*loggers, logging.getLogger()):
        for handler in logger.handlers:
            if id(handler) not in seen:
                seen.add(id(handler))
                handler.addFilter(filter_)


REFUSALS = {
    400: (N_("Not understood"), N_("The workbook could not make sense of this address or form. Open the address "
                                   "the facilitator gave you, and start again from there.")),
    403: (N_("Not open to this request"), N_("The workbook does not answer this request from here. Open the address "
                                             "the facilitator gave you.")),
    404: (N_("Not here"), N_("There is nothing at this address. The workbook's pages start from the address the "
                             "facilitator gave you.")),
    405: (N_("Not here"), N_("This address is not for that kind of request. Open the address the facilitator gave "
                             "you.")),
}
TROUBLE = (N_("Something went wrong"), N_("Something went wrong on the facilitator's computer while answering "
                                          "this. Nothing was recorded from it; try again in a moment, or tell the "
                                          "facilitator."))


def refusal(status: int, w: i18n.Words | None = None) -> str:
    """The short page for an error status (any other 4xx reads as 400, any 5xx as trouble), in ``w``'s
    language (the requesting browser's)."""
    w = w or i18n.words()
    said = TROUBLE if status >= 500 else REFUSALS.get(status, REFUSALS[400])
    return plain_page(*map(w._, said), w=w)


@dataclass
class LogBudget:
    """How many log lines each client (by address) may cause per ``window`` seconds: past ``lines``,
    one more line says the rest go unlogged, and the first line of the next window says how many did."""

    lines: int = 5
    window: float = 60.0
    clients: dict[str, list] = field(default_factory=dict)  # address -> [window start, lines so far, left out]

    def spend(self, client: str, now: float | None = None) -> tuple[str | None, bool]:
        """A note to log first (or None), and whether this client's own line may be logged."""
        now = time.monotonic() if now is None else now
        if len(self.clients) > 1000:  # forget clients quiet for a window: the dictionary stays small
            self.clients = {c: v for c, v in self.clients.items() if now - v[0] < self.window}
        start, count, left_out = self.clients.get(client, (now, 0, 0))
        note = None
        if now - start >= self.window:
            if left_out:
                note = f"{left_out} more refused requests from {client} were not logged."
            start, count, left_out = now, 0, 0
        count += 1
        allowed = count <= self.lines
        if not allowed:
            left_out += 1
            if count == self.lines + 1:
                note = f"More refused requests from {client}: they go unlogged for a minute."
        self.clients[client] = [start, count, left_out]
        return note, allowed
