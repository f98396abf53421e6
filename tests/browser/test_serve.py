"""What ``microsolidarity serve`` promises about safety: local unless shared, a token when shared,
no code run on a page's say-so, and no traceback on a page.

Two small servers (one local, one shared) serve a folder of two throw-away notebooks, so these
checks stay quick and do not depend on the level apps.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from microsolidarity_widgets.server import lan_address

pytestmark = pytest.mark.browser

# As the level apps do: wait for the visitor, then read what the request and the server passed on.
CLICK = """\
import os
from voila.utils import wait_for_request
wait_for_request()
print("query:", os.environ.get("QUERY_STRING"), "ledger:", os.environ.get("MICROSOLIDARITY_LEDGER"))
import ipywidgets as widgets
button, label = widgets.Button(description="Go"), widgets.Label("waiting")
def clicked(_):
    label.value = "clicked"
button.on_click(clicked)
display(button, label)"""

BOOM = """\
import warnings
warnings.warn("heads up 5521: a warning that matters")
import ipywidgets as widgets
boom, ping, label = widgets.Button(description="Boom"), widgets.Button(description="Ping"), widgets.Label("waiting")
def explode(_):
    label.value = "exploding"
    raise ZeroDivisionError("callback secret 7431")
def pong(_):
    label.value = "pong"
boom.on_click(explode)
ping.on_click(pong)
display(boom, ping, label)"""


def write_notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    write_notebook(folder / "click.ipynb", CLICK)
    write_notebook(folder / "boom.ipynb", BOOM, 'raise ZeroDivisionError("cell secret 9152")')
    return folder


@pytest.fixture(scope="module")
def serving(request, tmp_path_factory, demo_ledger_file, notebooks):
    """Start ``microsolidarity serve`` on the throw-away notebooks with extra arguments; stopped at the end."""
    # The server helpers of this folder's conftest (a plain import could find tests/conftest.py instead).
    helpers = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    started = []

    def start(*args):
        tmp = tmp_path_factory.mktemp("serve")
        ledger = tmp / "ledger.sqlite"
        shutil.copy(demo_ledger_file, ledger)
        cache = tmp / "cache"  # a fresh chart-bundle cache, so building it is serve's doing
        started.append(helpers.start_server(tmp, ledger, extra_args=["--notebooks", str(notebooks), *args],
                                            env_extra={"MICROSOLIDARITY_CACHE": str(cache)}))
        started[-1].cache = cache
        # Answering is not ready: the preheated kernels are in place once the address is printed.
        wait_for_log(started[-1], r"^The workbook is ready", timeout=240)
        return started[-1]

    yield start
    for srv in started:
        helpers.stop_server(srv.proc)


@pytest.fixture(scope="module")
def local(serving):
    return serving("--verbose")  # its log says which kernel served each page


@pytest.fixture(scope="module")
def shared(serving):
    srv = serving("--share")  # as a facilitator starts it: no --verbose
    srv.join_url = wait_for_log(srv, r"^Facilitator: (http://\S+\?token=\S+)$").group(1)
    srv.token = srv.join_url.split("?token=")[1]
    return srv


def wait_for_log(srv, pattern: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, srv.log.read_text(errors="replace"), re.M)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never appeared in the server log:\n{srv.log.read_text()[-3000:]}")


def non_loopback_address() -> str:
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    return address


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, host: str | None = None, follow: bool = True) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


WIDGET = "application/vnd.jupyter.widget-view+json"


def test_default_server_answers_on_loopback_only(local):
    port = int(local.url.rsplit(":", 1)[1])
    status, body, _ = fetch(f"{local.url}/voila/render/click.ipynb?visit=42")
    assert status == 200 and WIDGET in body
    # The preheated kernel waited for this request and then saw it, and the ledger given to serve.
    assert f"query: visit=42 ledger: {local.ledger_path}" in body
    assert "Using pre-heated kernel" in local.log.read_text()
    assert list(local.cache.glob("jupyterchart-*.js")), "serve did not build the offline chart bundle"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((non_loopback_address(), port), timeout=5).close()
    # A page elsewhere cannot reach it through a DNS name pointed at 127.0.0.1 either.
    status, body, _ = fetch(f"{local.url}/voila/render/click.ipynb", host=f"workbook.example.org:{port}")
    assert status == 403 and WIDGET not in body
    assert re.search(r"^The workbook is ready at http://127\.0\.0\.1:\d+/ ", local.log.read_text(), re.M)


def test_shared_server_needs_its_token(shared):
    port = int(shared.url.rsplit(":", 1)[1])
    lan = non_loopback_address()
    assert shared.join_url.startswith(f"http://{lan}:{port}/")
    page = f"http://{lan}:{port}/voila/render/click.ipynb"

    status, body, headers = fetch(page, follow=False)
    assert status in (302, 401, 403), status
    assert WIDGET not in body
    if status == 302:
        assert "/login" in headers["Location"]
    status, body, _ = fetch(page)  # the login page, at the end of the redirect
    assert WIDGET not in body
    status, body, _ = fetch(f"{page}?token=not-{shared.token}")
    assert WIDGET not in body

    status, body, _ = fetch(f"{page}?token={shared.token}")
    assert status == 200 and WIDGET in body


def test_code_sent_from_a_page_is_not_run(local, tmp_path):
    from websockets.sync.client import connect

    status, html, _ = fetch(f"{local.url}/voila/render/click.ipynb")
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1)
    proof = tmp_path / "ran.txt"

    def message(msg_type: str, content: dict) -> dict:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "page", "session": uuid.uuid4().hex,
                  "date": "2026-01-01T00:00:00Z", "version": "5.3"}
        return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
                "buffers": []}

    execute = message("execute_request", {"code": f"open({str(proof)!r}, 'w').write('ran')", "silent": False,
                                           "store_history": False, "user_expressions": {}, "allow_stdin": False})
    probe = message("comm_info_request", {})
    ws_url = local.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    with connect(ws_url, open_timeout=30) as ws:
        ws.send(json.dumps(execute))
        ws.send(json.dumps(probe))
        # The kernel answers shell requests in order: once the probe is answered, the code would have run.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reply = json.loads(ws.recv(timeout=60))
            if reply.get("parent_header", {}).get("msg_id") == probe["header"]["msg_id"] and \
                    reply["header"]["msg_type"] == "comm_info_reply":
                break
        else:
            pytest.fail("the kernel never answered the comm_info_request")
    assert not proof.exists()
    assert 'type "execute_request", which is not allowed' in local.log.read_text()


def test_tracebacks_go_to_the_log_not_the_page(local, page):
    local.open(page, "boom.ipynb")
    page.get_by_role("button", name="Boom").click()
    wait_for_log(local, r"Error in a page's widget callback")
    # One more round trip through the same kernel, so anything sent after the error has arrived.
    page.get_by_role("button", name="Ping").click()
    page.get_by_text("pong").wait_for()
    body = page.locator("body").inner_text()
    assert "secret" not in body and "ZeroDivisionError" not in body
    assert "could not be shown" in body  # the failing cell says so, plainly
    log = local.log.read_text()
    assert "callback secret 7431" in log and "cell secret 9152" in log


def test_pages_load_without_version_warnings(local, page):
    """The front-end packages agree: no "Unsatisfied version" warning from JupyterLab's module sharing."""
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    local.open(page, "click.ipynb")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("clicked").wait_for()
    assert not [w for w in warnings if "version" in w.lower()], warnings


# Last in this module: it stops the shared server.
def test_the_terminal_says_only_what_matters(shared, browser):
    """One ready line with addresses that work, warnings that matter, and nothing else, even across Ctrl+C."""
    import os
    import signal

    context = browser.new_context()  # closed before the server stops, unlike the page fixture's
    try:
        page = context.new_page()
        shared.open(page, f"boom.ipynb?token={shared.token}")
        page.get_by_role("button", name="Ping").click()
        page.get_by_text("pong").wait_for()
    finally:
        context.close()
    fetch(f"{shared.url}/voila/render/click.ipynb?token={shared.token}")
    os.killpg(shared.proc.pid, signal.SIGINT)  # what Ctrl+C in the terminal sends
    assert shared.proc.wait(timeout=60) in (0, 130)  # 130: stopped by Ctrl+C, as shells count it
    log = shared.log.read_text()
    ours = [line for line in log.splitlines() if line.startswith(("Ledger: ", "The workbook", "Facilitator: "))]
    assert ours == [ours[0], "The workbook is ready and shared on this network (press Ctrl+C to stop it).",
                    f"Facilitator: {shared.join_url}"], log
    assert socket.gethostname() not in shared.join_url
    # The warning a page's code gave, and the failing cell, still reach the terminal...
    assert "heads up 5521" in log and "cell secret 9152" in log
    # ...and nothing else does.
    for noise in ("Voilà is running at", socket.gethostname() + ":", "without encryption", "is not trusted",
                  "ZMQError", "KeyboardInterrupt", "Kernel started", "notebook-signing", "websocket_ping_timeout"):
        assert noise not in log, noise
    # Every other line belongs to that warning (its line of code follows it) or to the cell's error.
    rest = [line for line in log.splitlines() if line.strip() and line not in ours]
    warning = [i for i, line in enumerate(rest) if "heads up 5521" in line]
    rest = [line for i, line in enumerate(rest) if i not in warning and i - 1 not in warning]
    records = [line for line in rest if line.startswith("[")]  # lines logged by the server or a kernel
    assert all("ERROR" in line and "cell secret 9152" in line for line in records), "\n".join(rest)
    tracebacks = [chunk for chunk in log.split("Traceback (most recent call last)")[1:] if "cell secret 9152" not in chunk]
    assert not tracebacks, tracebacks
