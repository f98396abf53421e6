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
from playwright.sync_api import expect

from microsolidarity_widgets.server import lan_address

from .conftest import leave

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
    # Its log says which kernel served each page; the tests below open its pages more often than
    # the default cap allows (the kernel cap is tested on its own server). Only the click page is
    # preheated: the boom page starts its kernel when opened (the shared server preheats both).
    return serving("--verbose", "--preheat", "click", "--max-open-per-page", "20", "--max-open", "40")


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


def test_preheat_readies_only_the_pages_named_and_the_others_open_when_asked(local):
    status, body, _ = fetch(f"{local.url}/voila/render/boom.ipynb")
    assert status == 200 and WIDGET in body
    log = local.log.read_text()
    assert "Kernel pool of click.ipynb is filled with 1 kernel(s)" in log
    assert "Kernel pool of boom.ipynb" not in log and not re.search(r"Using pre-heated kernel: \S+ for boom", log)


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


@pytest.fixture(scope="module")
def capped(serving):
    """Shared, no kernels kept ready, and small caps: 2 visitors' kernels per page, 3 in all."""
    srv = serving("--share", "--pool-size", "0", "--max-open-per-page", "2", "--max-open", "3")
    srv.join_url = wait_for_log(srv, r"^Facilitator: (http://\S+\?token=\S+)$").group(1)
    srv.token = srv.join_url.split("?token=")[1]
    return srv


def fetch_with(url: str, headers: dict) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=240) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def test_pages_refuse_loads_from_another_site(local):
    page = f"{local.url}/voila/render/click.ipynb"
    before = local.log.read_text().count("Using pre-heated kernel")
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}):
        status, body = fetch_with(page, headers)
        assert status == 403 and WIDGET not in body, headers
        assert "another web site" in body.lower() and "<script" not in body
    assert local.log.read_text().count("Using pre-heated kernel") == before, "a kernel was handed over anyway"
    # The workbook's own links, and an address typed in, still work.
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                    {"Origin": local.url}):
        status, body = fetch_with(page, headers)
        assert status == 200 and WIDGET in body, headers


def test_kernels_are_capped_per_page_and_in_all(capped):
    def open_page(name):
        return fetch_with(f"{capped.url}/voila/render/{name}?token={capped.token}", {})

    opened = [open_page("click.ipynb"), open_page("click.ipynb")]
    assert all(status == 200 and WIDGET in body for status, body in opened)
    status, body = open_page("click.ipynb")
    assert status == 503 and "already open in 2 places" in body and WIDGET not in body
    assert "<script" not in body and "Reciprocity Workbook" in body  # a plain page in the workbook's style
    status, body = open_page("boom.ipynb")
    assert status == 200
    status, body = open_page("boom.ipynb")
    assert status == 503 and "already has 3 pages open" in body
    # A page that is closed gives its place back (Voilà's page says goodbye through this route).
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', opened[0][1]).group(1)
    request = urllib.request.Request(f"{capped.url}/voila/api/shutdown/{kernel_id}?token={capped.token}",
                                     method="POST", data=b"")
    urllib.request.urlopen(request, timeout=60).close()
    deadline = time.monotonic() + 60
    while (status := open_page("click.ipynb")[0]) == 503 and time.monotonic() < deadline:
        time.sleep(1)
    assert status == 200


def handshake(port: int, path: str, host: str, origin: str | None = None) -> int:
    """The status a websocket upgrade gets, with exactly the Host (and Origin) given."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return int(s.recv(200).split(b" ")[1])


def test_a_page_left_in_the_browser_shuts_its_kernel_down(local, page):
    """Voilà's page says goodbye with a beacon carrying the _xsrf cookie; the server must have set that
    cookie, or the goodbye is refused and every closed tab keeps a kernel and a place under the cap."""
    local.open(page, "click.ipynb")
    assert page.context.cookies() and any(c["name"] == "_xsrf" for c in page.context.cookies())
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
    leave(page)
    wait_for_log(local, rf"Kernel shutdown: {kernel_id}")
    assert not re.search(rf"403 POST /voila/api/shutdown/{kernel_id}", local.log.read_text())


def test_kernel_socket_and_chart_bundle_check_the_host(local, capped):
    port = int(local.url.rsplit(":", 1)[1])
    query = f"/voila/query/{uuid.uuid4()}"
    assert handshake(port, query, f"workbook.example.org:{port}") == 403
    assert handshake(port, query, f"127.0.0.1:{port}", origin="http://evil.example") == 403
    assert handshake(port, query, f"127.0.0.1:{port}", origin=local.url) == 403  # browsers: never
    assert handshake(port, query, f"127.0.0.1:{port}") == 101  # as the kernels connect: from here, no Origin
    bundle = next(local.cache.glob("jupyterchart-*.js")).name
    route = f"{local.url}/microsolidarity/charts/{bundle}"
    assert fetch(route)[0] == 200
    assert fetch(route, host=f"workbook.example.org:{port}")[0] == 403
    # A shared server serves the bundle to members' devices, whatever name they reach it by.
    shared_port = int(capped.url.rsplit(":", 1)[1])
    assert fetch(f"{capped.url}/microsolidarity/charts/{bundle}", host=f"laptop.lan:{shared_port}")[0] == 200


def test_the_token_never_reaches_the_log_in_full(capped):
    token = capped.token
    for path in ("voila/render/missing.ipynb", "voila/render/../../etc/passwd", "voila/files/nothing.txt",
                 "api/kernels/00000000-0000-0000-0000-000000000000"):
        fetch(f"{capped.url}/{path}?token={token}")
    fetch(f"{capped.url}/voila/render/click.ipynb?token={token}&x=1", host="evil.example")
    fetch(f"{capped.url}/voila/render/click.ipynb?token=not-{token}")
    log = capped.log.read_text()
    assert token not in log.replace(capped.join_url, ""), "the token is in the server's log"


def test_logout_says_plainly_that_the_browser_is_signed_out(capped):
    status, body, _ = fetch(f"{capped.url}/logout")
    assert status == 200 and "signed out" in body.lower() and "<script" not in body


# What strangers ask a shared server for (issue 21): Jupyter's API, Voilà's file routes with malformed
# paths, missing extensions and themes, a null byte, a bad encoding, the kernels' sockets.
KERNEL = "0f9b2c1e-1111-2222-3333-444455556666"
STRANGERS = [f"api/kernels/{KERNEL}", "api/kernels", "api/sessions", "api/contents", "api/kernelspecs",
             f"api/kernels/{KERNEL}/channels", "voila/templates/..%2F..%2Fetc%2Fpasswd", "voila/templates/nope/x.js",
             "voila/templates/", "voila/templates/microsolidarity/static/%00", "voila/templates/../static/x.js",
             "voila/static/../../etc/passwd", "voila/static/%2e%2e/%2e%2e/etc/passwd", "voila/static/nope.js",
             "lab/extensions/nope/x.js", "voila/labextensions/nope/x.js", "voila/api/themes/nope/index.css",
             "voila/api/themes/", f"voila/api/shutdown/{KERNEL}", "voila/render/missing.ipynb", "voila/render/%ff.ipynb",
             "voila/tree/nope", "voila/files/nope.txt", "voila/api/contents/nope", "voila/query/abc", "nope", "%00",
             "static/x", "microsolidarity/charts/nope.js", "microsolidarity/charts/../../../etc/passwd"]


def raw_request(port: int, *lines: str, body: bytes = b"") -> bytes:
    """What the server sends back to exactly these request lines (or b"" when it just closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except OSError:  # a reset: refused without an answer
            pass
        return answer


def test_strangers_get_a_short_page_and_the_terminal_stays_quiet(capped):
    """Every stranger's request gets a short page in the workbook's words (JSON for the pages' own API
    calls, signed in), never a 500 or a traceback, and writes nothing into the facilitator's terminal."""
    port = int(capped.url.rsplit(":", 1)[1])
    before = capped.log.read_text().splitlines()
    for path in STRANGERS:
        for query in ("", f"?token={capped.token}"):
            status, body, headers = fetch(f"{capped.url}/{path}{query}")
            # (503: this server's kernel cap is reached by the tests before, which a page request meets first)
            assert 400 <= status < 500 or status == 503, (path, query, status)
            assert len(body) < 6000 and "Traceback" not in body and "<script" not in body, (path, query, body)
            if headers.get("Content-Type", "").startswith("application/json"):
                assert query and len(body) < 200, (path, query, body)  # a page's script, signed in
            else:
                assert "· Reciprocity Workbook</title>" in body and "<h1>" in body, (path, query, body)
            if status == 403 and not query:
                assert "Ask the facilitator for the code" in body, (path, body)
    # The kernels' sockets without the token, or from another site; a header of 200 kB; a POST without
    # its form key; a request that is not HTTP.
    for origin in (None, "http://evil.example"):
        assert handshake(port, f"/api/kernels/{KERNEL}/channels", f"127.0.0.1:{port}", origin=origin) == 403
    assert not raw_request(port, "GET / HTTP/1.1", "Host: 127.0.0.1", "X-Big: " + "a" * 200_000).startswith(b"HTTP/1.1 5")
    answer = raw_request(port, f"POST /voila/api/shutdown/{KERNEL} HTTP/1.1", f"Host: 127.0.0.1:{port}",
                         "Content-Length: 5", "Connection: close", body=b"hello")
    assert answer.startswith(b"HTTP/1.1 403") and b"Ask the facilitator for the code" in answer
    assert raw_request(port, "GARBAGE").startswith(b"HTTP/1.1 400")
    grown = capped.log.read_text().splitlines()[len(before):]
    assert grown == [], "\n".join(grown)


def test_a_flood_from_one_client_writes_a_few_lines(local):
    """With --verbose every refused request writes one line, but one client at most a handful a minute:
    the addresses printed at the start never scroll away."""
    before = len(local.log.read_text().splitlines())
    for i in range(200):
        assert fetch(f"{local.url}/voila/templates/nope/{i}.js")[0] == 404
    grown = local.log.read_text().splitlines()[before:]
    assert len(grown) <= 7, "\n".join(grown[:20])
    assert not any("Traceback" in line for line in grown)


@pytest.fixture(scope="module")
def plain_voila(request, tmp_path_factory, demo_ledger_file):
    """Voilà's own command, as its docs show it: ``voila workbooks`` from the repository's folder."""
    import os
    import subprocess
    import sys

    helpers = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    tmp = tmp_path_factory.mktemp("plain")
    ledger = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    port, log = helpers.free_port(), tmp / "voila.log"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "MICROSOLIDARITY_LEDGER": str(ledger)}
    ours = root / "etc" / "jupyter" / "voila.py"
    installed = Path(sys.prefix) / "etc" / "jupyter" / "voila.py"
    if not installed.exists() or installed.read_text() != ours.read_text():
        # Installed before the file was, or a worktree beside the installed one: where an install puts it.
        env["JUPYTER_CONFIG_PATH"] = str(ours.parent)
    with open(log, "w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("voila")), "workbooks", "--no-browser",
                                 "--port", str(port)], cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    try:
        helpers.wait_http(f"http://127.0.0.1:{port}/", proc, log)
        yield helpers.Server(f"http://127.0.0.1:{port}", ledger, proc, log)
    finally:
        helpers.stop_server(proc)


def test_voila_serves_the_workbooks_folder_by_its_relative_name(plain_voila, browser):
    """Issue 21: with a relative folder Voilà 0.5.8 answered 500 on every page (jupyter_core 5.9 refuses a
    relative root); the configuration the package installs makes it absolute. It also gives the
    workbook's folder the workbook's template: Voilà's lab template linked Font Awesome from a CDN, two
    requests that fail offline."""
    from .conftest import guard
    status, body, _ = fetch(f"{plain_voila.url}/")
    assert status == 200, body[:500]
    # Every page is listed; one is rendered here besides the one opened below: the root and the template
    # are the folder's, the same for each page (each page's own rendering is tested with `serve`).
    pages = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "workbooks").glob("*.ipynb"))
    assert len(pages) == 9  # the crew, the congregation, five levels, the review and the retrospective
    assert all(f"{name}.ipynb" in body for name in pages), body[:2000]
    status, body, _ = fetch(f"{plain_voila.url}/voila/render/07_trust_review.ipynb")
    assert status == 200 and WIDGET in body, (status, body[-2000:])
    assert "fontawesome" not in body.lower()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        outside, problems = guard(page)
        plain_voila.open(page, "02_listening.ipynb")
        page.get_by_label("Group").select_option(label="Kestrels (crew)")
        expect(page.get_by_role("checkbox", name="Caz", exact=True)).to_be_visible()
        assert page.locator(".voila-error").count() == 0
        leave(page)
    finally:
        context.close()
    assert outside == []
    blocked = "console: Failed to load resource: net::ERR_FAILED"  # those links, aborted here
    assert problems.count(blocked) <= len(outside) and not [p for p in problems if p != blocked], problems


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
    ours = [line for line in log.splitlines()
            if line.startswith(("Ledger: ", "The workbook", "Facilitator: ", "Members join at: "))]
    assert ours[:3] == [ours[0], "The workbook is ready and shared on this network (press Ctrl+C to stop it).",
                        f"Facilitator: {shared.join_url}"], log
    assert re.fullmatch(r"Members join at: http://\S+/join/\S+", ours[3]) and len(ours) == 4, log
    assert socket.gethostname() not in shared.join_url
    # The warning a page's code gave, and the failing cell, still reach the terminal...
    assert "heads up 5521" in log and "cell secret 9152" in log
    # ...and nothing else does.
    for noise in ("Voilà is running at", socket.gethostname() + ":", "without encryption", "is not trusted",
                  "ZMQError", "KeyboardInterrupt", "Kernel started", "notebook-signing", "websocket_ping_timeout"):
        assert noise not in log, noise
    # Every other line belongs to that warning (its line of code follows it) or to the cell's error.
    rest = [line for line in log.splitlines() if line.strip() and line not in ours and not set(line) <= set("█▀▄ ")]
    warning = [i for i, line in enumerate(rest) if "heads up 5521" in line]
    rest = [line for i, line in enumerate(rest) if i not in warning and i - 1 not in warning]
    records = [line for line in rest if line.startswith("[")]  # lines logged by the server or a kernel
    assert all("ERROR" in line and "cell secret 9152" in line for line in records), "\n".join(rest)
    tracebacks = [chunk for chunk in log.split("Traceback (most recent call last)")[1:] if "cell secret 9152" not in chunk]
    assert not tracebacks, tracebacks
