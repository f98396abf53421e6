"""Serving the workbooks with Voilà: private by default, quick to open, quiet about errors.

The choices, and why:

* **Local unless shared.** By default the server listens on 127.0.0.1 only and refuses requests
  whose Host header is not local (a web page open in the facilitator's browser cannot reach it
  through a rebound DNS name). ``share=True`` listens on every interface, every page needs the
  token printed in the facilitator's address, and members join with a separate code (``members``).
  What else the server refuses (pages opened from other sites, kernels past a cap, secrets in the
  log) is in ``guard``.
* **Preheated kernels.** For every notebook one kernel is started in advance and runs the notebook
  up to ``voila.utils.wait_for_request()`` (imports done, nothing read yet). When a member opens the
  page that kernel is handed over and the notebook goes on to read the ledger, so the page shows
  the ledger as it is when opened, not as it was when the kernel started. Kernels inherit this
  process's environment, which is how they learn where the ledger is. ``preheat`` narrows this to
  some pages (the others start their kernel when opened, as with ``pool_size=0``): lighter on a small
  machine, and what the browser tests use so that each starts only the kernels it needs.
* **Idle kernels culled.** A page closed without saying goodbye leaves its kernel behind; after
  ``CULL_AFTER`` seconds without activity (and no page connected) it is shut down.
* **One chart bundle.** The offline Vega bundle is built here, once, on disk; kernels only read it.
* **A quiet terminal.** One ready line with addresses that work. Voilà's own chatter (its
  "running at" line names the host by a name members' devices may not resolve) stays at
  ``--verbose``; kernels talk to the server over Unix sockets (IPC), which no other user of the
  machine can reach, so they have no unencrypted-TCP warning to give; notebook signatures (a
  JupyterLab feature: Voilà always runs the notebook afresh) are not checked, so no page load
  warns that its notebook is "not trusted"; a kernel shut down while it waits for its visitor
  does not log the send that fails as it goes. Warnings and errors still reach the terminal.
* **No tracebacks on the page.** Voilà replaces a failing cell's error with a neutral sentence and
  logs the traceback. Errors in widget callbacks would otherwise be sent to the page (which
  ignores them) and logged nowhere: our kernel spec (``share/jupyter/kernels/python3``, found first
  on the Jupyter path we set) loads this module as an IPython extension that writes them to the
  server's log instead. Code sent from a page is never run: Voilà only forwards widget and
  kernel-info messages to kernels.
"""

from __future__ import annotations

import asyncio
import atexit
import errno
import logging
import os
import secrets
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
JUPYTER_DATA = PACKAGE / "share" / "jupyter"
TEMPLATE = "microsolidarity"
CULL_AFTER = 15 * 60  # seconds; long enough for a coffee break with the page closed
CULL_EVERY = 60
BUNDLE_ROUTE = "microsolidarity/charts"  # served by `serve`: public Vega code, no token needed
WARM_WAIT = 120  # seconds to wait for the preheated pages before announcing anyway
ERROR_NOTE = ("This part of the page could not be shown. Nothing more was recorded from it. "
              "Whoever runs the workbook can find the details in the server's log.")


class ServeError(Exception):
    """A reason the server cannot start, in one plain sentence."""


def workbooks_dir() -> Path:
    return PACKAGE.parent / "workbooks"


@dataclass
class Settings:
    port: int = 8866
    share: bool = False
    notebooks: Path = field(default_factory=workbooks_dir)
    pool_size: int = 1
    # Pages to keep kernels ready for, by notebook name without ".ipynb" (e.g. "02_listening");
    # None: every page. The other pages start a kernel when opened.
    preheat: tuple[str, ...] | None = None
    token: str | None = None
    verbose: bool = False
    # Kernels serving visitors (about 150 MB each), per page and in all; the ready pool is extra.
    max_open_per_page: int = 3
    max_open: int = 10
    members: object = None  # members.MemberCodes when shared: the members' join code

    @property
    def ip(self) -> str:
        return "0.0.0.0" if self.share else "127.0.0.1"


def check_port(ip: str, port: int) -> None:
    """Fail with a plain message when the port is taken, before Voilà would quietly pick another."""
    if not 0 < port < 65536:
        raise ServeError(f"{port} is not a port number; choose one between 1024 and 65535.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado does, so TIME_WAIT is no obstacle
        try:
            s.bind((ip, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(f"Port {port} is already in use (is the workbook already running?). "
                                 "Stop the other server or choose another port with --port.") from None
            if exc.errno == errno.EACCES:
                raise ServeError(f"Port {port} needs administrator rights; choose one above 1024 with --port.") from None
            raise ServeError(f"Cannot listen on port {port}: {exc.strerror}.") from None


def lan_address() -> str | None:
    """This machine's address on the local network, as members' devices would reach it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            # A UDP "connect" sends nothing; it only asks the kernel which interface would be used.
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def join_urls(settings: Settings) -> list[str]:
    """The addresses to print: the local one first, then the one members type on their devices."""
    query = f"?token={settings.token}" if settings.token else ""
    urls = [f"http://127.0.0.1:{settings.port}/{query}"]
    if settings.share:
        lan = lan_address()
        if lan:
            urls.append(f"http://{lan}:{settings.port}/{query}")
    return urls


def ready_lines(settings: Settings) -> list[str]:
    """What the terminal says once the pages are ready: one line, and with --share the addresses
    scripts look for (each line starts with its role)."""
    local, *lan = join_urls(settings)
    if not settings.share:
        return [f"The workbook is ready at {local} (press Ctrl+C to stop it)."]
    lines = ["The workbook is ready and shared on this network (press Ctrl+C to stop it).",
             f"Facilitator: {(lan or [local])[0]}"]
    return lines + (settings.members.terminal_lines() if settings.members else [])


def notebook_pages(folder: Path) -> list[str]:
    """The pages in a folder of notebooks, by name (relative path without ".ipynb"), as Voilà serves
    them (it leaves out checkpoints and hidden folders)."""
    found = []
    for path in folder.rglob("*.ipynb"):
        relative = path.relative_to(folder)
        if not any(part.startswith(".") for part in relative.parts):
            found.append(relative.with_suffix("").as_posix())
    return sorted(found)


def kernel_pools(settings: Settings) -> dict | None:
    """Voilà's ``kernel_pools_config`` for ``settings.preheat``: ``pool_size`` ready kernels for the
    pages named, none for the others. None when every page is preheated (Voilà's default) or none is."""
    if settings.preheat is None or settings.pool_size <= 0:
        return None
    pages = notebook_pages(settings.notebooks)
    wanted = [name.strip().removesuffix(".ipynb") for name in settings.preheat]
    unknown = [name for name in wanted if name not in pages]
    if not wanted or "" in wanted:
        raise ServeError("--preheat needs the names of pages, separated by commas "
                         f"(the pages here: {', '.join(pages)}); --pool-size 0 preheats none.")
    if unknown:
        raise ServeError(f"There is no page called {', '.join(map(repr, unknown))} to preheat in {settings.notebooks}; "
                         f"the pages are: {', '.join(pages)}.")
    # Voilà keys its pools by the notebook's path relative to the served folder ("default": the others).
    return {"default": {"pool_size": 0}, **{f"{name}.ipynb": {"pool_size": settings.pool_size} for name in wanted}}


def voila_config(settings: Settings):
    """What the command line cannot say: which pages keep kernels ready (a dict of dicts has only a
    deprecated command-line form, whose warning Voilà shows). Applied after Voilà has read its config
    files, so it outranks them as the command line does."""
    from traitlets.config import Config

    pools = kernel_pools(settings)
    # VoilaKernelManager: the class Voilà builds around the kernel manager when it preheats.
    return Config({"VoilaKernelManager": {"kernel_pools_config": pools}} if pools else {})


def voila_argv(settings: Settings) -> list[str]:
    """Command-line configuration for Voilà; it outranks any voila.json a user may have lying around."""
    return [
        str(settings.notebooks),
        f"--Voila.ip={settings.ip}",
        f"--Voila.port={settings.port}",
        "--Voila.port_retries=0",
        "--Voila.open_browser=False",
        f"--Voila.token={settings.token or ''}",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaExecutor.cell_error_instruction={ERROR_NOTE}",
        f"--VoilaConfiguration.preheat_kernel={settings.pool_size > 0}",
        f"--VoilaConfiguration.default_pool_size={max(settings.pool_size, 0)}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_AFTER}",
        f"--MappingKernelManager.cull_interval={CULL_EVERY}",
        # Kernels reach the server over Unix sockets in Voilà's private connection folder.
        "--KernelManager.transport=ipc",
        # JupyterLab's "preview in Voilà" button: no use inside Voilà, and built for a newer JupyterLab
        # than the one Voilà's pages carry (the browser warned 4 times per page).
        "--VoilaConfiguration.extension_denylist=@voila-dashboards/jupyterlab-preview",
        f"--Voila.log_level={'INFO' if settings.verbose else 'WARN'}",
    ]


def prepare_environment() -> None:
    """What kernels inherit: our template on the Jupyter path and the way back for wait_for_request."""
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")]))
    # wait_for_request connects to this address; 127.0.0.1 is served in both modes.
    os.environ["VOILA_APP_IP"] = "127.0.0.1"


def build_chart_bundle() -> None:
    from . import offline

    try:
        offline.build_bundle()
    except OSError as exc:
        raise ServeError(f"Cannot write the offline chart bundle to {offline.cache_dir()}: {exc.strerror}.") from None


def check_limits(settings: Settings) -> None:
    """Refuse limits that cannot mean what was typed: a cap below 1 would refuse every page with a
    message saying that 0 pages are already open, and a negative pool would be read as none."""
    for option, value in (("--max-open", settings.max_open), ("--max-open-per-page", settings.max_open_per_page)):
        if value < 1:
            raise ServeError(f"{option} {value} would refuse every page; give at least 1 (each open page holds a "
                             "Python kernel of about 150 MB).")
    if settings.pool_size < 0:
        raise ServeError(f"--pool-size {settings.pool_size} is not a number of kernels; give 0 (each page starts "
                         "its kernel when opened) or more.")


def run(settings: Settings) -> int:
    """Start Voilà in this process and serve until interrupted."""
    check_limits(settings)
    if not settings.notebooks.is_dir():
        raise ServeError(f"{settings.notebooks} is not a folder of notebooks.")
    kernel_pools(settings)  # a mistyped page name stops here, before anything starts
    if settings.share and not settings.token:
        settings.token = secrets.token_urlsafe(16)
    if settings.share:
        from .members import MemberCodes

        local, *lan = join_urls(Settings(port=settings.port, share=True))
        settings.members = MemberCodes((lan or [local])[0], on_change=lambda codes: [say(line) for line in
                                                                                      codes.terminal_lines()])
        # Where open level pages tell members' phones what their group is playing (see room.py);
        # kernels inherit the variable. It lasts as long as this server.
        from . import room

        os.environ[room.ENV_VAR] = tempfile.mkdtemp(prefix="microsolidarity-room-")
        atexit.register(shutil.rmtree, os.environ[room.ENV_VAR], ignore_errors=True)
    check_port(settings.ip, settings.port)
    prepare_environment()
    build_chart_bundle()
    app = _workbook_voila(settings)
    app.initialize(voila_argv(settings))
    app.update_config(voila_config(settings))
    from . import guard

    app.secrets = guard.SecretFilter([settings.token])
    guard.scrub_logs(app.secrets, app.log, *(logging.getLogger(f"tornado.{n}") for n in ("access", "application", "general")))
    from . import offline

    # Kernels (started by app.start) point their chart widgets at the bundle this server serves.
    base = (app.server_url or app.base_url).rstrip("/")
    os.environ[offline.BUNDLE_URL_ENV] = f"{base}/{BUNDLE_ROUTE}/{offline.bundle_path().name}"
    # jupyter_server waits 3 pings for an answer, which Tornado refuses (and says so for every page
    # opened): one ping interval is Tornado's own default.
    app.tornado_settings = {**app.tornado_settings, "ws_ping_timeout": 30_000}
    if not settings.share:
        # Tornado settings are applied after Voilà's own, which allow any Host.
        app.tornado_settings = {**app.tornado_settings, "allow_remote_access": False}
    app.start()
    return 0


def _workbook_voila(settings: Settings):
    from jupyter_server.services.contents.largefilemanager import LargeFileManager
    from jupyter_core.utils import run_sync
    from jupyter_server.utils import url_path_join
    from jupyter_server.auth.decorator import allow_unauthenticated
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.log import log_request
    from tornado.ioloop import IOLoop
    from tornado.web import HTTPError, StaticFileHandler
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.tornado.handler import TornadoVoilaHandler

    from . import guard, members, offline

    class UnsignedContents(LargeFileManager):
        def mark_trusted_cells(self, nb, path=""):
            pass  # nothing is shown from the file's outputs: Voilà runs the notebook

    cap = guard.KernelCap(per_page=settings.max_open_per_page, in_all=settings.max_open)

    class _BundleHandler(StaticFileHandler):
        def prepare(self):
            if not guard.host_allowed(self):
                raise HTTPError(403)

        def get_cache_time(self, path, modified, mime_type):
            return 365 * 24 * 3600  # the file name carries the versions that shape it

    class PageHandler(TornadoVoilaHandler):
        """A workbook page: never for another site, and never past the kernel cap."""

        async def get(self, path=None):
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

    class LogoutHandler(JupyterHandler):
        """Forget this browser's login and say so (jupyter_server's own page needs templates Voilà lacks: a 500)."""

        @allow_unauthenticated
        def get(self):
            self.identity_provider.clear_login_cookie(self)
            self.set_header("Cache-Control", "no-store")
            self.finish(guard.plain_page("Signed out", "This browser is signed out of the workbook.",
                                         "To come back, open the address the facilitator's terminal printed."))

    def log_quietly(handler):
        # Refused requests (a phone without the code, a stray address) are the server doing its job,
        # not something for the facilitator to act on: logged with --verbose only.
        if settings.verbose or not 400 <= handler.get_status() < 500:
            log_request(handler)

    swap = {TornadoVoilaHandler: PageHandler, RequestInfoSocketHandler: QuerySocket}

    class WorkbookVoila(Voila):
        def init_settings(self):
            tornado_settings = super().init_settings()
            # Voilà executes every notebook afresh, so JupyterLab's output signatures mean nothing here;
            # checking them only warned once per page load (and wrote a signing key into the home folder).
            tornado_settings["contents_manager"] = self.contents_manager = UnsignedContents(parent=self)
            # jupyter_server's request log cuts secrets (the token) out of the addresses it logs.
            tornado_settings["log_function"] = log_quietly
            cap.watch(self.kernel_manager)
            # The landing page (Voilà's tree template) shows the members' join address and QR code.
            tornado_settings["voila_jinja2_env"].globals["members_section"] = \
                lambda: members.landing(settings.members, self.base_url)
            return tornado_settings

        def init_handlers(self):
            handlers = [(url_path_join(self.server_url, "logout"), LogoutHandler)]
            if settings.members is not None:  # before Voilà's own, so /login is ours
                handlers += members.handlers(self.base_url, settings.members)
            for route in super().init_handlers():
                handler = swap.get(route[1])
                handlers.append(route if handler is None else (route[0], handler, *route[2:]))
            # The chart bundle as a file the browser caches, instead of ~900 kB inside every chart widget.
            handlers.append((url_path_join(self.server_url, BUNDLE_ROUTE, "(.*)"), _BundleHandler,
                             {"path": str(offline.cache_dir())}))
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
            super().listen()

        async def _announce(self):
            await _wait_until_warm(self.kernel_manager, WARM_WAIT)
            for line in ready_lines(settings):
                say(line)

    # As `voila` itself does: as the singleton, the log every part of Voilà writes to (tracebacks included).
    return WorkbookVoila.instance()


async def _wait_until_warm(kernel_manager, timeout: float) -> None:
    """Until every preheated notebook waits for its member (or has run to its end)."""
    from voila.request_info_handler import RequestInfoSocketHandler

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


def say(line: str) -> None:
    print(line, flush=True)


def load_ipython_extension(shell) -> None:
    """In a served kernel: tracebacks from widget callbacks, and warnings, go to the server's log, not the page."""
    import traceback
    import warnings

    # ipykernel forwards whatever reaches file descriptor 2 to the page; its saved copy of the
    # original descriptor leads to the server's terminal only.
    fd = getattr(sys.stderr, "_original_stdstream_copy", None) or sys.__stderr__.fileno()

    def log(text: str) -> None:
        os.write(fd, text.encode("utf-8", "replace"))

    show = shell.showtraceback

    def showtraceback(*args, **kwargs):
        parent = shell.kernel.get_parent() if getattr(shell, "kernel", None) else {}
        if parent.get("header", {}).get("msg_type") == "execute_request":
            return show(*args, **kwargs)  # a cell: Voilà strips it from the page and logs it
        log("Error in a page's widget callback (not shown on the page):\n" + traceback.format_exc())

    def showwarning(message, category, filename, lineno, file=None, line=None):
        log(warnings.formatwarning(message, category, filename, lineno, line))

    shell.showtraceback = showtraceback
    warnings.showwarning = showwarning
    if getattr(shell, "kernel", None) is not None:
        shell.kernel.log.addFilter(_closed_socket_filter)


def _closed_socket_filter(record) -> bool:
    """Drop the kernel's error about a reply it could not send because its sockets were closed: that
    happens when the server shuts a kernel down while its page still waits for a visitor (Ctrl+C,
    culling), and says nothing anyone can act on."""
    exc = record.exc_info[1] if record.exc_info else None
    import zmq

    return not (isinstance(exc, zmq.ZMQError) and exc.errno in (zmq.ENOTSOCK, zmq.ETERM))


def check_ledger(location: str | None) -> str:
    """Open the ledger once, so an unreadable one stops us before any page is served."""
    from .ledger import Ledger

    with Ledger.open(location) as ledger:
        return ledger.location

