"""The member side of a shared workbook (issue 13, first part): two roles, a join code that can be
renewed without a restart, and member pages that reach nothing of the facilitator's.

One shared server on one throw-away notebook and a copy of the demo ledger (Ama is in Kestrels and
Ama+Bo there). Every route the server has is tried with no code, a wrong code, a member's code and
the facilitator's token.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from playwright.sync_api import expect

from microsolidarity_widgets.values import new_once_key

from .a11y import check_page
from .conftest import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

WIDGET = "application/vnd.jupyter.widget-view+json"
JUPYTER_LOGIN = ("Password", "jupyter server list", "Setup a Password")


@pytest.fixture(scope="module")
def room(request, tmp_path_factory, demo_ledger_file):
    helpers = request.config.pluginmanager.get_plugin(str(Path(__file__).with_name("conftest.py")))
    tmp = tmp_path_factory.mktemp("members")
    books = tmp / "books"
    books.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\ndisplay(widgets.Button(description='Facilitator only'))")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, books / "one.ipynb")
    (books / "picture.png").write_bytes(b"\x89PNG a picture beside the notebooks")  # the facilitator's, like the notebook
    ledger = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    # One kernel kept ready, so the server has every route `serve --share` has (the ready kernel's socket too).
    args, env = ["--share", "--pool-size", "1", "--notebooks", str(books)], {"MICROSOLIDARITY_CACHE": str(tmp / "cache")}
    srv = helpers.start_server(tmp, ledger, extra_args=args, env_extra=env)
    srv.args, srv.env = args, env
    try:
        log = wait_for(srv, r"^Members join at: (http://\S+/join/(\S+))$")
        srv.join_url, srv.code = log.group(1), log.group(2)
        srv.token = wait_for(srv, r"^Facilitator: http://\S+\?token=(\S+)$").group(1)
        srv.port = int(srv.url.rsplit(":", 1)[1])
        srv.bundle = next((tmp / "cache").glob("jupyterchart-*.js")).name
        yield srv
    finally:
        helpers.stop_server(srv.proc)


def wait_for(srv, pattern: str, timeout: float = 240, after: int = 0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = list(re.finditer(pattern, srv.log.read_text(errors="replace"), re.M))
        if len(found) > after:
            return found[after]
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} never appeared:\n{srv.log.read_text()[-3000:]}")


def start_shared(tmp: Path, demo_ledger_file: Path, extra_args: list[str]):
    """A server on a copy of the demo ledger sharing its members' address (``--share``), with the member
    address and the facilitator's token it printed (``join_url``, ``token``)."""
    ledger = tmp / "ledger.sqlite"
    shutil.copy(demo_ledger_file, ledger)
    srv = start_server(tmp, ledger, extra_args=["--share", *extra_args])
    try:
        srv.join_url = wait_for(srv, r"^Members join at: (http://\S+/join/\S+)$").group(1)
        srv.token = wait_for(srv, r"^Facilitator: http://\S+\?token=(\S+)$").group(1)
    except BaseException:
        stop_server(srv.proc)
        raise
    return srv


class Browser:
    """A client with its own cookies, as one phone or one laptop is."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str, headers: dict | None = None) -> tuple[int, str]:
        return self._send(urllib.request.Request(url, headers=headers or {}))

    def post(self, url: str, fields: dict, headers: dict | None = None) -> tuple[int, str]:
        xsrf = next((c.value for c in self.jar if c.name == "_xsrf"), "")
        # A fresh one-time key unless the fields hold one, as each form a page shows carries its own.
        data = urllib.parse.urlencode({"once": new_once_key(), **fields, "_xsrf": xsrf}).encode()
        return self._send(urllib.request.Request(url, data=data, headers={"Sec-Fetch-Site": "same-origin",
                                                                          **(headers or {})}))

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


def member(room, code=None) -> Browser:
    phone = Browser()
    phone.get(f"{room.url}/join/{code or room.code}")
    return phone


def free(room, *names: str) -> None:
    """The facilitator frees names that phones of earlier tests chose (a name is one phone's at a time)."""
    laptop = Browser()
    laptop.get(f"{room.url}/?token={room.token}")
    for name in names:
        status, _ = laptop.post(f"{room.url}/microsolidarity/members/names", {"name": name})
        assert status == 200


def test_the_names_page_opens_for_the_facilitator_only_from_the_workbook(room):
    """Another site opening the names page in the facilitator's own browser (signed in) is refused, as the
    Free button already was: the list of who holds which name is the facilitator's to see."""
    laptop = Browser()
    laptop.get(f"{room.url}/?token={room.token}")
    names = f"{room.url}/microsolidarity/members/names"
    assert laptop.get(names, {"Sec-Fetch-Site": "same-origin"})[0] == 200
    status, body = laptop.get(names, {"Sec-Fetch-Site": "cross-site"})
    assert status == 403 and "Only the facilitator" in body


# The routes of a server, as its tornado application holds them: the same `serve` command, run up to
# the moment it would listen, prints them instead (pattern, and whether it is a websocket).
ROUTES = """
import json, sys
from tornado.routing import Router
from tornado.websocket import WebSocketHandler
from microsolidarity_widgets import cli, voila_app

def walk(rules):
    for rule in rules:
        if isinstance(rule.target, Router):
            yield from walk(rule.target.rules)
        else:
            yield rule.matcher.regex.pattern, issubclass(rule.target, WebSocketHandler)

def listen(app):
    print(json.dumps([*walk(app.app.default_router.rules), *walk(app.app.wildcard_router.rules)]))
    raise SystemExit(0)

voila_app.WorkbookVoila.listen = listen
cli.main(sys.argv[1:])
"""
# Code and styles, no data: anyone may fetch them (the pages' scripts, the template's files, the chart bundle).
PUBLIC = ("/voila/static/", "/voila/templates/", "/voila/labextensions/", "/voila/api/themes/", "/microsolidarity/charts/")
MEMBERS = ("/join/", "/m/")
KERNELS_ONLY = ("/voila/query/",)  # a preheated kernel learns its visitor's request there: no browser's, not even the laptop's
SIGNING = ("/login", "/logout")  # nobody signs in there: each says what to do, in words
NO_ROUTE = ("/api/contents", "/files/one.ipynb", "/static/voila.js", "/tree", "/lab")  # Jupyter's, not served here


def server_routes(room) -> list[tuple[str, bool]]:
    done = subprocess.run([sys.executable, "-c", ROUTES, "serve", "--ledger", str(room.ledger_path),
                           "--port", str(free_port()), *room.args], capture_output=True, text=True, timeout=240,
                          env={**os.environ, **room.env})
    assert done.returncode == 0, done.stderr[-3000:]
    return [tuple(route) for route in json.loads(done.stdout.strip().splitlines()[-1])]


def example(pattern: str, samples: dict[str, str]) -> str:
    """An address ``pattern`` matches, its group filled with the room's real kernel, notebook or file."""
    fixed = pattern.split("(", 1)[0]
    if "(?P<kernel_id>" in pattern:  # the kernel's id, alone or inside a longer address (its channels)
        path = re.sub(r"\(\?P<kernel_id>[^)]*\)", samples["kernel"], pattern)
    elif "(" in pattern:  # Jupyter's paths start with their slash
        path = fixed + "/" * ("(?P<path>" in pattern) + samples.get(fixed, samples["path"])
    else:
        path = pattern
    path = path.removesuffix("$")
    assert re.fullmatch(pattern, path), (pattern, path)
    return path


def upgrade(client: Browser, port: int, path: str, origin: str) -> int:
    """The status a websocket upgrade gets from a browser holding ``client``'s cookies."""
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", f"Origin: {origin}",
             *([f"Cookie: {cookies}"] if cookies else [])]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return int(s.recv(200).split(b" ")[1])


def test_the_terminal_prints_both_addresses_and_a_qr_code(room):
    log = room.log.read_text()
    assert re.search(r"^Facilitator: http://[\d.]+:\d+/\?token=\S+$", log, re.M)
    assert "█" in log.split("Members join at:")[1]  # the QR code, drawn in the terminal
    assert room.token not in room.join_url and room.code not in room.token


def test_every_route_the_server_has_with_no_code_a_wrong_code_a_members_code_and_the_token(room):
    """Each route of the server's own table, tried by the four callers: members reach their pages
    only, the facilitator the rest; nobody but the facilitator gets a page, an API, a file, a kernel's
    socket, a kernel shut down or a new code, nor another member's words."""
    laptop = Browser()
    laptop.get(f"{room.url}/?token={room.token}")
    kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', laptop.get(f"{room.url}/voila/render/one.ipynb")[1]).group(1)
    caz = member(room)
    caz.post(f"{room.url}/m/who", {"who": "Caz"})
    secret = "Caz's own words <script>alert(1)</script>"
    assert caz.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "ask", "text": secret})[0] == 200
    bo = member(room)
    bo.post(f"{room.url}/m/who", {"who": "Bo"})
    callers = {"nobody": Browser(), "wrong code": member(room, "not-the-code"), "member": bo, "facilitator": laptop}
    samples = {"path": "one.ipynb", "kernel": kernel, "/voila/files/": "picture.png", "/voila/tree": "",
               "/microsolidarity/charts/": room.bundle, "/voila/static/": "voila.js"}
    routes = sorted(server_routes(room), key=lambda route: route[0].startswith("/logout"))  # it signs the laptop out
    patterns = [p for p, _ in routes]
    for prefix in PUBLIC + MEMBERS + KERNELS_ONLY + SIGNING:  # each kind named here is a route the server has
        assert any(p.startswith(prefix) for p in patterns), prefix
    assert any(ws for _, ws in routes) and any("renew" in p for p in patterns)
    codes = len(re.findall(r"^Members join at:", room.log.read_text(), re.M))

    for pattern, ws in routes:
        for who, client in callers.items():
            # The join address with the code as each caller has it: only the member was given it.
            path = example(pattern, {**samples, "/join/": room.code if who == "member" else "not-the-code"})
            where = (who, pattern, path)
            if ws:  # from a browser: its own origin, its cookies
                status = upgrade(client, room.port, path, room.url)
                assert (status == 101) == (who == "facilitator" and not path.startswith(KERNELS_ONLY)), (*where, status)
                continue
            status, body = client.get(room.url + path)
            # A form sent to every address (the facilitator's would shut the kernel down or renew the code).
            posted, answer = (None, "") if who == "facilitator" else \
                client.post(room.url + path, {"group": "Kestrels", "what": "offer", "offer_kind": "money"})
            for text in (body, answer):
                assert not any(word in text for word in JUPYTER_LOGIN), (*where, text[:300])
                if who != "facilitator":
                    assert room.token not in text and "Caz's own words" not in text, where
                    assert WIDGET not in text and "Facilitator only" not in text, where
            if path.startswith(PUBLIC):
                continue
            if path.startswith(MEMBERS):
                assert (status == 200) == (who == "member"), (*where, status)
            elif path.startswith(SIGNING):
                assert "Ask the facilitator for the code" in body or "signed out" in body, where
            elif who == "facilitator":
                assert status not in (403, 404), (*where, status, body[:400])  # reached (a form's address answers 405 to a GET)
            else:
                assert status == posted == 403, (*where, status, posted)
    for path in NO_ROUTE:
        for who, client in callers.items():
            assert client.get(room.url + path)[0] == 404, (who, path)
    # Nothing a caller without the token sent shut the kernel down or renewed the code.
    laptop.get(f"{room.url}/?token={room.token}")
    assert laptop.get(f"{room.url}/api/kernels/{kernel}")[0] == 200
    assert len(re.findall(r"^Members join at:", room.log.read_text(), re.M)) == codes


def test_the_facilitator_reaches_the_pages_and_sees_the_join_code(room):
    laptop = Browser()
    status, body = laptop.get(f"{room.url}/?token={room.token}")
    assert status == 200 and room.join_url in body and "<svg" in body and "Members join from their phones" in body
    status, body = laptop.get(f"{room.url}/voila/render/one.ipynb")
    assert status == 200 and WIDGET in body


def test_a_member_picks_their_name_and_sees_only_points(room):
    phone = member(room)
    status, body = phone.get(f"{room.url}/m/")
    assert status == 200 and '<label for="who">Who are you?</label>' in body
    status, body = phone.post(f"{room.url}/m/who", {"who": "nobody like this"})
    assert status == 400 and "nothing was changed" in body
    status, body = phone.post(f"{room.url}/m/who", {"who": "ama"})  # as the ledger compares names
    assert status == 200 and "Hello, Ama" in body
    totals = room.ledger().totals()
    assert f'<td>Total</td><td class="num">{int(totals.loc["Ama", "total"])}</td>' in body
    # Each of her crews' trust over time, as a picture drawn on the server (no script), described in words.
    assert body.count('<figure role="img"') == 2 and body.count("<svg") >= 2 and "<script" not in body
    assert "Trust in Kestrels over time" in body and "Trust in Herons over time" not in body
    # From another site the same form is refused.
    status, _ = phone.post(f"{room.url}/m/who", {"who": "Bo"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403


def test_a_new_code_revokes_the_old_one_without_a_restart(room):
    phone = member(room)
    assert phone.get(f"{room.url}/m/")[0] == 200
    laptop = Browser()
    laptop.get(f"{room.url}/?token={room.token}")
    status, _ = laptop.post(f"{room.url}/microsolidarity/members/renew", {})
    assert status == 200
    new = wait_for(room, r"^Members join at: http://\S+/join/(\S+)$", after=1).group(1)
    assert new != room.code
    assert phone.get(f"{room.url}/m/")[0] == 403  # the phone let in with the old code
    assert member(room).get(f"{room.url}/m/")[0] == 403
    assert member(room, new).get(f"{room.url}/m/")[0] == 200
    room.code = new


def test_the_member_page_fits_a_phone(room, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{room.url}/join/{room.code}")
        problems = check_page(page, "member join")  # axe-core and the layout checks, as on every page
        page.get_by_label("Who are you?").select_option("Caz")
        page.get_by_role("button", name="That is me").click()
        page.get_by_role("heading", name="Hello, Caz").wait_for()
        problems += check_page(page, "member own page")
        assert page.locator("script").count() == 0
        # After a record and with an error: checked in, then the same check-in sent again (the form kept
        # from before, as a second tap from a stale page sends it).
        form = page.locator("form[action$='m/checkin']").first.evaluate("f => f.outerHTML")
        page.get_by_role("button", name="Check in for Kestrels today").click()
        page.get_by_text("You are checked in for Kestrels today.").wait_for()
        problems += check_page(page, "member checked in")
        resend = ("([html, key]) => { document.querySelector('main').insertAdjacentHTML('beforeend', html);"
                  " const form = document.querySelector('main form[action$=\"m/checkin\"]');"
                  " if (key) form.querySelector('[name=once]').value = key; form.submit(); }")
        page.evaluate(resend, [form, None])  # its own key: the same tap again, recorded once
        page.get_by_role("status").filter(has_text="Already sent").wait_for()
        problems += check_page(page, "member already sent")
        page.evaluate(resend, [form, new_once_key()])  # a new key: a second check-in, which the rules refuse
        page.get_by_role("alert").filter(has_text="already checked in").wait_for()
        problems += check_page(page, "member refused")
        # A phone that slept: its form's cookie gone, then its join code too; each says so, keeping the ask.
        for cookie, answer, state in (("_xsrf", "Please send it again", "member form expired"),
                                      ("ms_member", "Ask the facilitator for the code", "member asked for the code")):
            page.goto(f"{room.url}/join/{room.code}")
            page.get_by_text("Speaking in Kestrels today? Ask for something").click()
            page.get_by_label("What would help you?").fill("a lift home")
            context.clear_cookies(name=cookie)
            page.get_by_role("button", name="Send ask to Kestrels").click()
            page.get_by_role("heading", name=answer).wait_for()
            expect(page.get_by_text("a lift home")).to_be_visible()
            problems += check_page(page, state)
        # The same pages on a laptop or a projector, for the screenshots and the checks at that size.
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(f"{room.url}/join/{room.code}")
        page.get_by_role("heading", name="Hello, Caz").wait_for()
        problems += check_page(page, "member own page")
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_a_member_checks_in_for_today_from_their_phone(room):
    phone = member(room)
    phone.post(f"{room.url}/m/who", {"who": "Dev"})
    status, body = phone.get(f"{room.url}/m/")
    assert status == 200 and "Check in for Kestrels today" in body
    assert "Check in for Herons" not in body  # only the member's own groups
    status, body = phone.post(f"{room.url}/m/checkin", {"group": "Kestrels"})
    assert status == 200 and "You are checked in for Kestrels today." in body
    assert room.ledger().check_ins("Kestrels").count("Dev") == 1

    status, body = phone.post(f"{room.url}/m/checkin", {"group": "Kestrels"})  # twice
    assert status == 400 and "Not checked in: Dev is already checked in for Kestrels" in body
    status, body = phone.post(f"{room.url}/m/checkin", {"group": "Herons"})  # not their group
    assert status == 400 and "“Dev” is not a member of Herons" in body
    status, body = phone.post(f"{room.url}/m/checkin", {"group": "<b>Kestrels</b>"})  # markup stays text
    assert status == 400 and "<b>Kestrels</b>" not in body and "&lt;b&gt;" in body
    status, _ = phone.post(f"{room.url}/m/checkin", {"group": "Kestrels"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403

    stranger = member(room)  # let in, but has not said who they are
    status, body = stranger.post(f"{room.url}/m/checkin", {"group": "Kestrels"})
    assert status == 403 and "choose your name first" in body
    assert Browser().post(f"{room.url}/m/checkin", {"group": "Kestrels"})[0] == 403  # no code at all
    assert room.ledger().check_ins("Kestrels").count("Dev") == 1


def test_offers_and_asks_from_a_phone_wait_and_stay_private_to_their_sender(room):
    free(room, "Caz")  # chosen on the phone of an earlier test
    phone = member(room)
    phone.post(f"{room.url}/m/who", {"who": "Caz"})
    status, body = phone.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "offer",
                                                        "offer_kind": "introduction", "text": "my aunt <i>the lawyer</i>"})
    assert status == 200 and re.search(r"Your offer \(introduction\) sent at \d\d:\d\d: waiting for the facilitator", body)
    assert "the lawyer" not in body  # the words are never shown back: anyone with the code may choose a name
    status, body = phone.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "offer", "offer_kind": "gift"})
    assert status == 400 and "Not sent: “gift” is not a kind of offer" in body
    status, body = phone.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "ask", "text": " "})
    assert status == 400 and "Not sent: The ask is empty" in body
    status, body = phone.post(f"{room.url}/m/propose", {"group": "Herons", "what": "ask", "text": "a lift"})
    assert status == 400 and "not a member of Herons" in body
    assert room.ledger().points().query("date >= @pd.Timestamp.today().normalize()").empty

    other = member(room)
    other.post(f"{room.url}/m/who", {"who": "Bo"})
    status, body = other.get(f"{room.url}/m/")
    assert status == 200 and "the lawyer" not in body and "Your offer" not in body  # Caz's words are Caz's


def test_an_answer_a_phone_cannot_send_is_shown_back_never_lost_silently(room):
    sent = len(room.ledger().proposals("Kestrels", pd.Timestamp.today().date()))
    free(room, "Dev", "Caz")  # chosen on the phones of earlier tests
    # The phone's browser dropped the form's cookie while it slept: the form is refused, with its words.
    phone = member(room)
    phone.post(f"{room.url}/m/who", {"who": "Dev"})
    for cookie in [c for c in phone.jar if c.name == "_xsrf"]:
        phone.jar.clear(cookie.domain, cookie.path, cookie.name)
    status, body = phone.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "ask", "text": "a lift <b>home</b>"})
    assert status == 403 and "Please send it again" in body
    assert "a lift &lt;b&gt;home&lt;/b&gt;" in body and "Nothing was sent" in body

    # The code was renewed while another phone slept: asked for the new code, and given its words back.
    sleeper = member(room)
    sleeper.post(f"{room.url}/m/who", {"who": "Caz"})
    laptop = Browser()
    laptop.get(f"{room.url}/?token={room.token}")
    count = len(re.findall(r"^Members join at:", room.log.read_text(), re.M))
    assert laptop.post(f"{room.url}/microsolidarity/members/renew", {})[0] == 200
    room.code = wait_for(room, r"^Members join at: http://\S+/join/(\S+)$", after=count).group(1)
    status, body = sleeper.post(f"{room.url}/m/propose", {"group": "Kestrels", "what": "offer",
                                                          "offer_kind": "introduction", "text": "my neighbour's van"})
    assert status == 403 and "Ask the facilitator for the code" in body
    assert "my neighbour&#39;s van" in body and "Nothing was sent" in body
    assert len(room.ledger().proposals("Kestrels", pd.Timestamp.today().date())) == sent


def test_a_newcomer_joins_the_pool_from_their_phone_and_their_answers_stay_with_the_hosts(room, browser):
    from microsolidarity_widgets.congregation import Congregation

    ledger = room.ledger()
    pool = Congregation.create(ledger, "Harbour circle", region="Lisbon")
    pool.add_person("Ines")
    phone = member(room)
    status, body = phone.get(f"{room.url}/m/")
    assert status == 200 and "New here? Join the pool of Harbour circle" in body
    status, body = phone.get(f"{room.url}/m/pool?c=Harbour%20circle")
    assert status == 200 and 'name="slots" value="Tue evening"' in body and ">Ines</option>" in body

    said = {"congregation": "Harbour circle", "name": "Zoë Quinta", "invited_by": "Ines", "work": "gardening, co-ops",
            "slots": "Tue evening", "size": "5", "knows": "Nobody Here"}
    status, body = phone.post(f"{room.url}/m/pool", said)  # someone not in the pool: refused, the form kept
    assert status == 400 and "Not added: Zoë Quinta knows Nobody Here well, but Nobody Here is not in the pool" in body
    assert 'value="gardening, co-ops"' in body and 'value="Zoë Quinta"' in body and 'value="Tue evening" checked' in body
    status, body = phone.post(f"{room.url}/m/pool", {**said, "slots": "Funday evening", "knows": ""})
    assert status == 400 and "not a weekly slot we know" in body
    assert list(Congregation(ledger, "Harbour circle").pool()["name"]) == ["Ines"]  # nothing recorded

    status, body = phone.post(f"{room.url}/m/pool", {**said, "knows": "Ines", "region": "<i>Lisbon</i>"})
    assert status == 400 and "contains &lt; or &gt;" in body and "<i>" not in body  # markup is refused, never run
    status, body = phone.post(f"{room.url}/m/pool", {**said, "knows": "Ines", "region": "Lisbon"})
    assert status == 200 and "Hello, Zoë Quinta" in body and "You are in the pool of Harbour circle" in body
    assert "gardening" not in body and "Lisbon" not in body  # answers are the hosts' to see, not shown back
    joined = Congregation(ledger, "Harbour circle").pool(include_private=True).set_index("name")
    assert joined.loc["Zoë Quinta", "invited_by"] == "Ines" and joined.loc["Zoë Quinta", "work"] == ["gardening", "co-ops"]
    assert joined.loc["Zoë Quinta", "slots"] == ["Tue evening"] and joined.loc["Zoë Quinta", "size"] == 5

    status, body = phone.post(f"{room.url}/m/pool", said)  # the same name twice
    assert status == 400 and "already in the pool of Harbour circle" in body
    status, body = member(room).get(f"{room.url}/m/")  # another phone can choose the newcomer's name
    assert 'label="Pool of Harbour circle"' in body and ">Zoë Quinta</option>" in body
    assert phone.post(f"{room.url}/m/pool", {**said, "name": "Yan"}, headers={"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert Browser().post(f"{room.url}/m/pool", {**said, "name": "Yan"})[0] == 403  # no code
    assert Browser().get(f"{room.url}/m/pool?c=Harbour%20circle")[0] == 403
    assert "Yan" not in list(Congregation(ledger, "Harbour circle").pool()["name"])

    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:  # the form on a phone: axe-core and the layout checks, before and after a refusal
        page = context.new_page()
        page.goto(f"{room.url}/join/{room.code}")
        page.get_by_role("link", name="New here? Join the pool of Harbour circle").click()
        problems = check_page(page, "member pool form")
        page.get_by_label("Your name").fill("Ines")
        page.get_by_role("group", name="Tuesday").get_by_label("evening").check()
        page.get_by_role("button", name="Join the pool of Harbour circle").click()
        expect(page.get_by_role("alert")).to_contain_text("Ines is already in the pool")
        expect(page.get_by_role("group", name="Tuesday").get_by_label("evening")).to_be_checked()
        problems += check_page(page, "member pool form refused")
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_one_phone_per_name_until_the_facilitator_frees_it(room, browser):
    """Issue 21, item 7: two phones at 390x844; the second is refused the name the first chose, is told
    to ask the facilitator, and can take it once the facilitator frees it on the names page."""
    phones = [browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
              for _ in range(2)]
    laptop = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        first, second = (context.new_page() for context in phones)
        for page in (first, second):
            page.goto(f"{room.url}/join/{room.code}")
        first.get_by_label("Who are you?").select_option("Fen")
        first.get_by_role("button", name="That is me").click()
        first.get_by_role("heading", name="Hello, Fen").wait_for()
        first.reload()
        first.get_by_role("heading", name="Hello, Fen").wait_for()  # a reload keeps it

        second.get_by_label("Who are you?").select_option("Fen")
        second.get_by_role("button", name="That is me").click()
        expect(second.get_by_role("alert")).to_contain_text("Fen is already chosen on another phone")
        expect(second.get_by_role("alert")).to_contain_text("ask the facilitator")
        problems = check_page(second, "member name taken")

        desk = laptop.new_page()
        desk.goto(f"{room.url}/?token={room.token}")
        desk.goto(f"{room.url}/microsolidarity/members/names")
        problems += check_page(desk, "facilitator names")
        desk.get_by_role("button", name="Free Fen").click()
        expect(desk.get_by_role("status")).to_contain_text("Freed Fen")
        expect(desk.get_by_role("button", name="Free Fen")).to_have_count(0)

        second.get_by_label("Who are you?").select_option("Fen")
        second.get_by_role("button", name="That is me").click()
        second.get_by_role("heading", name="Hello, Fen").wait_for()
        first.reload()  # the first phone must choose again
        expect(first.get_by_role("status")).to_contain_text("Choose your name again")
        assert not problems, "\n".join(problems)
        for page in (first, second, desk):
            page.goto("about:blank")
    finally:
        for context in (*phones, laptop):
            context.close()


def test_a_phone_kept_out_by_a_locked_ledger_is_told_busy_and_sends_again_once(room, browser):
    """Issue 21, item 2, on a phone: while another process holds the ledger's write lock, the ask is
    answered "busy" within seconds with the words kept; "Send again" after the lock records it once."""
    import sqlite3

    words = "a hand with the move on Saturday"
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    lock = sqlite3.connect(room.ledger_path, timeout=30, isolation_level=None)
    try:
        page = context.new_page()
        page.goto(f"{room.url}/join/{room.code}")
        page.get_by_label("Who are you?").select_option("Dev")
        page.get_by_role("button", name="That is me").click()
        asking = page.locator("details", has_text="Speaking in Kestrels today? Ask for something")
        asking.get_by_text("Speaking in Kestrels today? Ask for something").click()
        asking.get_by_label("What would help you?").fill(words)
        lock.execute("BEGIN IMMEDIATE")  # another process saving
        page.get_by_role("button", name="Send ask to Kestrels").click()
        expect(page.get_by_role("alert")).to_contain_text("busy", timeout=30_000)
        expect(page.get_by_role("heading", name="Busy just now")).to_be_visible()
        expect(page.locator("dl.kept")).to_contain_text(words)
        problems = check_page(page, "member busy")
        assert not problems, "\n".join(problems)
        lock.rollback()
        assert not any(words == t for t in room.ledger().proposals("Kestrels")["text"])  # nothing behind her back
        page.get_by_role("button", name="Send again").click()
        expect(page.get_by_role("heading", name="Hello, Dev")).to_be_visible(timeout=30_000)
        assert [t for t in room.ledger().proposals("Kestrels")["text"] if t == words] == [words]
        page.goto("about:blank")
    finally:
        lock.close()
        context.close()
