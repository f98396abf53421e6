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
* **Connections kept, and heard.** Every page's connection to its kernel is pinged every
  ``PING_EVERY`` ms and closed only after ``PING_TIMEOUT`` ms without an answer (with the two equal,
  as before, every page was cut off and reconnected every 30 s). Each answer tells the room (room.py)
  that the page is still open, so phones stop showing a page that went without a goodbye.
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

import atexit
import errno
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
# Every open page's connection is pinged this often (milliseconds), which also tells the room that the
# page is still there (see room.py); a connection that has not answered for PING_TIMEOUT is closed, and
# the page reconnects when it can. The timeout must exceed the interval: jupyter_server measures it from
# the last answer, so with the two equal every page was cut off at its first ping, every 30 s.
PING_EVERY = 3_000
PING_TIMEOUT = 20_000
ERROR_NOTE = ("This part of the page could not be shown. Nothing more was recorded from it. "
              "Whoever runs the workbook can find the details in the server's log.")


class ServeError(Exception):
    """A reason the server cannot start, in one plain sentence."""


def workbooks_dir() -> Path:
    """The pages: inside the package when it was installed from a wheel (the build maps the top-level
    workbooks/ there), beside it in a checkout."""
    installed = PACKAGE / "workbooks"
    return installed if installed.is_dir() else PACKAGE.parent / "workbooks"


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
    # ``serve --language``: the pages' language to start with (kept, as a choice on the landing page is);
    # None keeps the one last chosen for this ledger, else the terminal's.
    language: str | None = None

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
    """The whole configuration of the workbook's Voilà, declared: Voilà's settings by their names and
    ``WorkbookVoila``'s own (see ``voila_app``). It outranks any voila.json lying around."""
    from traitlets.config import Config

    pools = kernel_pools(settings)
    return Config({
        "Voila": {"ip": settings.ip, "port": settings.port, "port_retries": 0, "open_browser": False,
                  "token": settings.token or "", "log_level": "INFO" if settings.verbose else "WARN",
                  # jupyter_server's names, in milliseconds (Tornado's websocket_ping_* are in seconds).
                  "tornado_settings": {"ws_ping_interval": PING_EVERY, "ws_ping_timeout": PING_TIMEOUT}},
        "VoilaConfiguration": {
            "template": TEMPLATE, "allow_template_override": "NO", "show_tracebacks": False,
            "preheat_kernel": settings.pool_size > 0, "default_pool_size": max(settings.pool_size, 0),
            # JupyterLab's "preview in Voilà" button: no use inside Voilà, and built for a newer JupyterLab
            # than the one Voilà's pages carry (the browser warned 4 times per page).
            "extension_denylist": ["@voila-dashboards/jupyterlab-preview"]},
        "VoilaExecutor": {"cell_error_instruction": ERROR_NOTE},
        # The page template's one filter of ours: the chart bundle's address, which each page preloads; and
        # the notebooks' Markdown (titles, introductions) in the facilitator's language.
        "VoilaExporter": {"filters": {"chart_bundle_url": "microsolidarity_widgets.voila_app.chart_bundle_url"},
                          "preprocessors": ["microsolidarity_widgets.voila_app.SpokenMarkdown"]},
        "MappingKernelManager": {"cull_idle_timeout": CULL_AFTER, "cull_interval": CULL_EVERY},
        # The pages' contents come from the folder served, whatever a voila.json where we are started says.
        "LargeFileManager": {"root_dir": str(settings.notebooks.resolve())},
        # Kernels reach the server over Unix sockets in Voilà's private connection folder.
        "KernelManager": {"transport": "ipc"},
        "WorkbookVoila": {"verbose": settings.verbose,
                          "max_open": settings.max_open, "max_open_per_page": settings.max_open_per_page},
        # Which pages keep kernels ready: VoilaKernelManager is the class Voilà builds around the
        # kernel manager when it preheats.
        **({"VoilaKernelManager": {"kernel_pools_config": pools}} if pools else {}),
    })


def prepare_environment() -> None:
    """What kernels inherit: our template on the Jupyter path and the way back for wait_for_request."""
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")]))
    # wait_for_request connects to this address; 127.0.0.1 is served in both modes.
    os.environ["VOILA_APP_IP"] = "127.0.0.1"


def build_chart_bundle() -> None:
    from . import charts

    try:
        charts.build_bundle()
    except OSError as exc:
        raise ServeError(f"Cannot write the offline chart bundle to {charts.cache_dir()}: {exc.strerror}.") from None


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
    language_file = speak_chosen(settings.language)
    prepare_environment()
    build_chart_bundle()
    from . import charts
    from .voila_app import BUNDLE_ROUTE, WorkbookVoila, scrub_logs

    # As `voila` itself does: as the singleton, the log every part of Voilà writes to (tracebacks included).
    app = WorkbookVoila.instance(declared=voila_config(settings), members=settings.members,
                                 ready_lines=ready_lines(settings), language_file=language_file)
    app.initialize([str(settings.notebooks)])
    scrub_logs(app, settings.token)
    # Kernels (started by app.start) point their chart widgets at the bundle this server serves.
    base = (app.server_url or app.base_url).rstrip("/")
    os.environ[charts.BUNDLE_URL_ENV] = f"{base}/{BUNDLE_ROUTE}/{charts.bundle_path().name}"
    if settings.members is not None:  # the crew page links to where the facilitator frees names phones hold
        from . import holds

        os.environ[holds.PAGE_ENV] = f"{base}/{holds.ROUTE}"
    if not settings.share:
        # Tornado settings are applied after Voilà's own, which allow any Host.
        app.tornado_settings = {**app.tornado_settings, "allow_remote_access": False}
    app.start()
    return 0


def speak_chosen(asked: str | None) -> Path:
    """The pages' language for this run, set for this process and the kernels it starts: ``asked``
    (``serve --language``, kept as the choice from now on), else the one last chosen on the landing page
    for this ledger, else the terminal's (already set). Where the choice is kept."""
    from . import choices
    from .ledger import Ledger

    with Ledger.open() as ledger:  # the ledger the kernels open: ``$MICROSOLIDARITY_LEDGER`` or the default
        file = choices.language_file(ledger.store)
    if asked:
        choices.choose_language(file, asked)
    else:
        choices.speak_chosen(file)
    return file


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

