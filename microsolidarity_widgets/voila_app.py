"""The workbook's Voilà: its own settings, declared, and the few handlers it changes.

``server.run`` builds a ``traitlets`` configuration (``server.voila_config``) and hands it to
``WorkbookVoila``: Voilà's own settings by their names, and this class's settings (caps,
verbosity), each declared below with its help. It is imported only when the server starts (Voilà and
jupyter_server are heavy to import for ``--help``).

What it relies on in Voilà 0.5 and jupyter_server 2 beyond their documented configuration, all here:

* ``Voila.init_settings()`` and ``Voila.init_handlers()``, overridden: to serve the members' pages,
  the chart bundle and a plain ``/logout``, to swap five of Voilà's handlers for subclasses (``PageHandler``,
  ``QuerySocket``, ``PageFiles``, ``PageSocket``, ``TemplateFiles``), to give every route of Voilà's our
  error pages and quiet logging (``PlainErrors``, and ``NotHere`` for addresses no route knows), and to
  set the contents manager and the request log;
* ``TornadoVoilaHandler``, ``RequestInfoSocketHandler``, ``AllowListFileHandler`` and
  ``VoilaKernelWebsocketHandler``, subclassed (their routes are Voilà's);
* jupyter_server's ``WebSocketMixin.on_pong`` (each answer to its pings) and the kernel's
  ``provisioner.pid``: how the room learns which pages are still connected (``PageSocket``);
* ``tornado_settings["voila_jinja2_env"]``: the landing page's template reads the members' section;
* ``Voila.connection_dir`` and ``kernel_manager.shutdown_all(now=True)`` in ``stop()``, so Ctrl+C
  stops every kernel at once and quietly;
* ``kernel_manager._pools`` and ``RequestInfoSocketHandler._waiters`` (private): how
  ``_wait_until_warm`` knows the preheated pages wait for their visitors before the ready line;
* ``kernel_manager.get_rendered_notebook`` and ``start_kernel``, wrapped by ``guard.KernelCap`` to
  credit each kernel to its page.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import shutil

from nbconvert.preprocessors import Preprocessor
from jupyter_core.utils import run_sync
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.log import log_request
from jupyter_server.services.contents.largefilemanager import LargeFileManager
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from tornado.web import HTTPError, RequestHandler, StaticFileHandler
from traitlets import Any, Bool, Int, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from . import charts, choices, guard, i18n, levels, members, room
from .members.views import ask_for_code, page as plain_page
from .templating import render

BUNDLE_ROUTE = "microsolidarity/charts"  # public Vega code, no token needed
LANGUAGE_ROUTE = "microsolidarity/language"  # the landing page's language form posts here
WARM_WAIT = 120  # seconds to wait for the preheated pages before announcing anyway


class PlainErrors:
    """Mixed into every handler of Voilà's and Jupyter's routes: an error answers with a short page in the
    workbook's words (Voilà's own error pages need templates its server lacks, which logged a second
    traceback per request, and its file routes answered with Tornado's bare pages); it logs one line at
    most, and no traceback but with --verbose. The pages' own scripts, signed in, still get JSON from /api."""

    def write_error(self, status_code, **kwargs):
        workbook = self.settings["workbook"]
        self.clear_header("Content-Disposition")
        self.set_header("Cache-Control", "no-store")
        signed_in = self._signed_in()
        if signed_in and isinstance(self, APIHandler):
            return self.finish({"message": self._reason})
        w = i18n.words(i18n.negotiate(self.request.headers.get("Accept-Language")))  # the browser's language
        if status_code in (401, 403) and not signed_in and workbook.members is not None:
            page = ask_for_code(w=w)  # the docs' promise: the page asking for the code
        else:
            page = guard.refusal(status_code, w)
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        html = "text/html; charset=utf-8"
        self.set_header("Content-Type", html)
        # Jupyter's API handlers would label any answer JSON.
        self.finish(page, **({"set_content_type": html} if isinstance(self, APIHandler) else {}))

    def _signed_in(self) -> bool:
        try:
            return bool(self.current_user)
        except Exception:  # noqa: BLE001 - Jupyter's handlers raise when asked before their sign-in step ran
            return False

    def log_exception(self, typ, value, tb):
        if isinstance(value, HTTPError):
            return  # the request's own line (with --verbose) says it was refused
        self.trouble_logged = True
        self.settings["workbook"].log_for(
            self.request, "Could not answer %s: %s", self._request_summary(), f"{typ.__name__}: {value}",
            exc_info=(typ, value, tb))


@functools.cache
def plain_errors(handler: type) -> type:
    """``handler`` with ``PlainErrors`` first in line."""
    return handler if issubclass(handler, PlainErrors) else type(handler.__name__, (PlainErrors, handler), {})


class NotHere(PlainErrors, RequestHandler):
    """Any address no route knows: the "Not here" page, for anyone (Tornado's was a bare 404)."""

    def prepare(self):
        raise HTTPError(404)


class TemplateFiles(TemplateStaticFileHandler):
    """Voilà's template files (``<template>/static/<file>``): an address of another shape, or naming no
    template, is not there (Voilà's handler failed on it with an error: a bare 500 and a traceback)."""

    SHAPE = re.compile(r"[\w-]+/static/[^\x00]+")

    def parse_url_path(self, path):
        if not self.SHAPE.fullmatch(path):
            raise HTTPError(404)
        return super().parse_url_path(path)


class UnsignedContents(LargeFileManager):
    def mark_trusted_cells(self, nb, path=""):
        pass  # nothing is shown from the file's outputs: Voilà runs the notebook


class BundleHandler(StaticFileHandler):
    def prepare(self):
        if not guard.host_allowed(self):
            raise HTTPError(403)

    def get_cache_time(self, path, modified, mime_type):
        return 365 * 24 * 3600  # the file name carries the versions that shape it


class PageHandler(TornadoVoilaHandler):
    """A workbook page: never for another site, and never past the kernel cap."""

    async def get(self, path=None):
        cap = self.settings["workbook"].cap
        if guard.cross_origin(self.request):
            return self._refuse(403, "This page opens from the workbook only",
                                "Another web site tried to open a workbook page. Nothing was started. "
                                "Open the workbook's own address instead.")
        if self.current_user and path and (why := cap.refusal(self.kernel_manager, path)):
            return self._refuse(503, "Too many pages are open", why)
        # Voilà's page says goodbye (shuts its kernel down) with a beacon that carries the _xsrf
        # cookie; reading the token is what sets that cookie. Without it the goodbye is refused
        # (403) and every closed tab holds its kernel, and a place under the cap, until the cull.
        self.xsrf_token  # noqa: B018 - read for its side effect
        serving = cap.serving(path)
        try:
            return await super().get(path)
        finally:
            cap.served(serving)

    def _refuse(self, status: int, title: str, why: str):
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(guard.plain_page(title, why))


class QuerySocket(RequestInfoSocketHandler):
    """Voilà's socket telling a preheated kernel about its visitor's request: for kernels only."""

    async def get(self, *args, **kwargs):
        remote = self.request.remote_ip or ""
        if (self.request.headers.get("Origin") is not None or not guard.is_local_host(self.request.host)
                or not guard.is_local_host(remote)):
            self.set_status(403)
            return self.finish("Forbidden")
        return await super().get(*args, **kwargs)


class LanguageHandler(JupyterHandler):
    """The facilitator's choice of language on the landing page: kept beside the ledger (``choices``), read
    by every page's kernel when it builds its page, and by this server's own pages from now on."""

    def initialize(self, file, base_url: str):
        self.file, self.base_url_ = file, base_url

    def check_xsrf_cookie(self):
        pass  # the same-origin check in ``post`` stands in, as for the members' code renewal

    def post(self):
        w = i18n.words()
        if not self.current_user or guard.cross_origin(self.request) or \
                self.request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            self.set_status(403)
            return self.finish(plain_page(w._("Refused"), "", w._("Only the facilitator's own landing page can "
                                                                   "change the language of the pages."), refused=True, w=w))
        if choices.choose_language(self.file, self.get_body_argument("language", "")) is None:
            self.set_status(400)
            return self.finish(plain_page(w._("Not a language of the workbook"), "",
                                          w._("Choose one of the languages the list offers. Nothing was changed."),
                                          refused=True, w=w))
        self.redirect(url_path_join(self.base_url_, ""))


def language_picker(action: str) -> str:
    """The landing page's language form, in the language it has now."""
    w = i18n.words()
    return render("language.html", w, action=action, languages=i18n.LANGUAGES, chosen=w.lang)


class LogoutHandler(JupyterHandler):
    """Forget this browser's login and say so (jupyter_server's own page needs templates Voilà lacks: a 500)."""

    @allow_unauthenticated
    def get(self):
        self.identity_provider.clear_login_cookie(self)
        self.set_header("Cache-Control", "no-store")
        self.finish(guard.plain_page("Signed out", "This browser is signed out of the workbook.",
                                     "To come back, open the address the facilitator's terminal printed."))


class PageFiles(JupyterHandler, AllowListFileHandler):
    """Files beside the notebooks that Voilà's allow-list lets pages show (pictures): the facilitator's,
    as the pages are. Voilà's own handler is a plain Tornado one and gave them to anyone on the network,
    with no token and no join code; Jupyter's ``prepare`` asks for the facilitator's login first."""


class PageSocket(VoilaKernelWebsocketHandler):
    """A page's connection to its kernel. Opening it, and each answer to the server's pings, tell the
    room that the page is still there (members' phones stop showing a page that has gone quiet)."""

    page_pid = None

    async def open(self, kernel_id):
        kernel = self.kernel_manager.get_kernel(kernel_id)
        self.page_pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
        room.heard(self.page_pid)
        return await super().open(kernel_id)

    def on_pong(self, data):
        super().on_pong(data)
        room.heard(self.page_pid)


# Jupyter's warnings as it refuses a connection (no token, another site): the request's own line says
# it was refused, with --verbose, within its client's budget.
REFUSAL_CHATTER = ("Couldn't authenticate", "Blocking Cross Origin")


def _without_refusal_chatter(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith(REFUSAL_CHATTER)


def _without_ping_units_note(record: logging.LogRecord) -> bool:
    """jupyter_server's keep-alive pings are set in milliseconds (``server.PING_EVERY``), and Tornado reads
    the same handler properties as seconds for pings of its own, every 50 minutes: it then says, once,
    that their timeout cannot exceed their interval, about numbers nobody set for it."""
    return not record.getMessage().startswith("The websocket_ping_timeout")


SWAPPED = {TornadoVoilaHandler: PageHandler, RequestInfoSocketHandler: QuerySocket, AllowListFileHandler: PageFiles,
           VoilaKernelWebsocketHandler: PageSocket, TemplateStaticFileHandler: TemplateFiles}


class WorkbookVoila(Voila):
    """Voilà serving the workbooks, with the workbook's guards, members' pages and quiet terminal."""

    verbose = Bool(False, help="Log every request, Voilà's own lines and refused requests.").tag(config=True)
    max_open_per_page = Int(3, help="Kernels serving visitors of one page at once (about 150 MB each); "
                                    "the ready pool is extra.").tag(config=True)
    max_open = Int(10, help="Kernels serving visitors in all.").tag(config=True)
    # Not configuration: what ``server.run`` made for this run.
    ready_lines = List(Unicode(), help="What the terminal says once the pages are ready.")
    members = Any(None, help="members.MemberCodes when shared: the members' join code.")
    declared = Any(None, help="The configuration server.run declared, applied over any config file.")
    language_file = Any(None, help="Where the language of the pages is kept (choices.language_file).")

    def load_config_file(self, *args, **kwargs):
        super().load_config_file(*args, **kwargs)
        # Ours outrank a voila.json lying around (as a command line would): a stray ip or template
        # there must not undo the workbook's guarantees.
        if self.declared is not None:
            self.update_config(self.declared)

    def init_settings(self):
        tornado_settings = super().init_settings()
        self.cap = guard.KernelCap(per_page=self.max_open_per_page, in_all=self.max_open)
        tornado_settings["workbook"] = self
        # Voilà executes every notebook afresh, so JupyterLab's output signatures mean nothing here;
        # checking them only warned once per page load (and wrote a signing key into the home folder).
        tornado_settings["contents_manager"] = self.contents_manager = UnsignedContents(parent=self)
        # jupyter_server's request log cuts secrets (the token) out of the addresses it logs.
        tornado_settings["log_function"] = self._log_quietly
        tornado_settings["default_handler_class"] = NotHere
        self.budget = guard.LogBudget()
        self.cap.watch(self.kernel_manager)
        logging.getLogger("tornado.general").addFilter(_without_ping_units_note)
        self.log.addFilter(_without_refusal_chatter)
        if self.members is not None:  # members' phones show what the connected pages are playing
            room.listen()
        # The landing page (Voilà's tree template) shows the members' join address and QR code.
        tornado_settings["voila_jinja2_env"].globals["members_section"] = \
            lambda: members.landing(self.members, self.base_url)
        tornado_settings["voila_jinja2_env"].globals["level_cards"] = levels.cards  # each level's card on the landing page
        self._speak_on_landing(tornado_settings["voila_jinja2_env"])

        return tornado_settings

    def _speak_on_landing(self, env) -> None:
        """The landing page in the language chosen (read at each render: the picker may change it), with
        the picker, and every page's ``<html lang>`` saying which language it is in."""
        if self.language_file is None:  # not started by ``server.run``: the ledger's own, as a kernel finds it
            from .ledger import Ledger

            with Ledger.open() as ledger:
                self.language_file = choices.language_file(ledger.store)
        env.policies["ext.i18n.trimmed"] = True
        env.install_gettext_callables(gettext=lambda message: self._spoken().translations.gettext(message),
                                      ngettext=lambda one, many, n: self._spoken().translations.ngettext(one, many, n),
                                      newstyle=True)
        env.globals["language_picker"] = lambda: language_picker(url_path_join(self.base_url, LANGUAGE_ROUTE))
        env.globals["page_lang"] = lambda: self._spoken().tag

    def _spoken(self) -> i18n.Words:
        """The pages' language as chosen now: on the landing page, or made every page's on a page."""
        choices.follow(self.language_file)
        return i18n.words()

    def _log_quietly(self, handler):
        # Refused requests (a phone without the code, a stray address, a page past the cap) are the server
        # doing its job, not something for the facilitator to act on: logged with --verbose only, and
        # within the client's budget. Answers that went wrong said so in one line as they failed.
        status = handler.get_status()
        if status < 400:
            log_request(handler)  # at debug level but for redirects: seen with --verbose
        elif self.verbose:
            note, allowed = self.budget.spend(handler.request.remote_ip or "")
            if note:
                self.log.warning(note)
            if allowed:
                log_request(handler)
        elif status >= 500 and status != 503 and not getattr(handler, "trouble_logged", False):  # 503: the cap
            self.log_for(handler.request, "Could not answer %s (%d).", handler._request_summary(), status)

    def log_for(self, request, message, *args, exc_info=None):
        """One warning line caused by ``request``, within its client's budget; the traceback with --verbose."""
        note, allowed = self.budget.spend(request.remote_ip or "")
        if note:
            self.log.warning(note)
        if allowed:
            self.log.warning(message, *args, exc_info=exc_info if self.verbose else None)

    def init_handlers(self):
        handlers = [(url_path_join(self.server_url, "logout"), plain_errors(LogoutHandler)),
                    (url_path_join(self.server_url, LANGUAGE_ROUTE), plain_errors(LanguageHandler),
                     {"file": self.language_file, "base_url": self.base_url})]
        if self.members is not None:  # before Voilà's own, so /login is ours
            handlers += members.handlers(self.base_url, self.members)
        for route in super().init_handlers():
            handler = plain_errors(SWAPPED.get(route[1], route[1]))
            handlers.append((route[0], handler, *route[2:]))
        # The chart bundle as a file the browser caches, instead of ~900 kB inside every chart widget.
        handlers.append((url_path_join(self.server_url, BUNDLE_ROUTE, "(.*)"), plain_errors(BundleHandler),
                         {"path": str(charts.cache_dir())}))
        return handlers

    def stop(self):
        # At Ctrl+C every kernel goes at once. A polite shutdown first interrupts each kernel, which
        # printed a KeyboardInterrupt traceback from any kernel still starting; a kernel holds
        # nothing to save (every record is committed before its page says so).
        shutil.rmtree(self.connection_dir, ignore_errors=True)
        run_sync(self.kernel_manager.shutdown_all)(now=True)

    def listen(self):
        # Runs once the loop is started, i.e. after the port was bound.
        IOLoop.current().add_callback(self._announce)
        if self.members is not None:
            IOLoop.current().add_callback(self._prepare_member_pages)
        super().listen()

    async def _prepare_member_pages(self):
        # After each record the room's phones reload together; scoring and charts made in a worker
        # thread as soon as the ledger changes keep the loop answering and the phones from waiting.
        loop = asyncio.get_running_loop()
        said = None
        while True:
            try:
                await loop.run_in_executor(None, members.prepare)
                said = None
            except Exception as exc:  # noqa: BLE001 - a phone asking meets the same fault, in words
                if str(exc) != said:  # once, not every second while it lasts
                    self.log.warning("Member pages could not be prepared ahead: %s", exc)
                    said = str(exc)
            await asyncio.sleep(1)

    async def _announce(self):
        await _wait_until_warm(self.kernel_manager, WARM_WAIT)
        for line in self.ready_lines:
            print(line, flush=True)


class SpokenMarkdown(Preprocessor):
    """Each Markdown cell of a page (its title and introduction) in the facilitator's language, as
    Voilà's exporter renders it in this process; the notebook itself stays English (i18n.extract_notebook).

    The cell's other languages go with it, in its metadata (``ms_spoken``: the language shown, and each
    other's text by its ``<html lang>`` tag): the page template renders them hidden, and a page that
    switches language in place (apps/relabel.py) shows the one it now speaks."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            shown = i18n.words()
            others = {i18n.words(lang).tag: i18n.translate_markdown(cell.source, i18n.words(lang))
                      for lang in i18n.LANGUAGES if lang != shown.lang}
            cell.source = i18n.translate_markdown(cell.source, shown)
            cell.metadata["ms_spoken"] = {"shown": shown.tag, "others": others}
        return cell, resources


def chart_bundle_url(_value="") -> str:
    """The chart bundle's address on this server, for the page template (a filter, see
    ``server.voila_config``): pages fetch it while their kernel starts, because anywidget gives a
    chart's code 2 s from its model's arrival to be ready, too little to fetch and parse 900 kB on a
    busy laptop."""
    return os.environ.get(charts.BUNDLE_URL_ENV, "")


async def _wait_until_warm(kernel_manager, timeout: float) -> None:
    """Until every preheated notebook waits for its member (or has run to its end)."""
    pools = getattr(kernel_manager, "_pools", {})
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        pending = [f for pool in pools.values() for f in pool if not f.done()]
        if not pending:
            items = [f.result() for pool in pools.values() for f in pool if f.exception() is None]
            if all(i["task"].done() or i["kernel_id"] in RequestInfoSocketHandler._waiters for i in items):
                return
        await asyncio.sleep(0.2)


def scrub_logs(app: WorkbookVoila, token: str | None) -> None:
    """The token never reaches the log in full (see ``guard.SecretFilter``)."""
    guard.scrub_logs(guard.SecretFilter([token]), app.log,
                     *(logging.getLogger(f"tornado.{n}") for n in ("access", "application", "general")))
