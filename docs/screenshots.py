"""Take the screenshots of the README and of docs/guide.md: one evening on the demo ledger.

    .venv/bin/python docs/screenshots.py            # writes docs/images/*.png

It starts `microsolidarity serve --share` on a throw-away copy of the demo congregation, as the
browser tests do (tests/browser/test_room.py plays the same evening and checks it), and drives
Chromium through it: the landing page, two phones joining and checking in, a listening round, an
offer and an ask sent from the phones, the money page that receives them, and the trust review.
Nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from microsolidarity_widgets import demo

IMAGES = Path(__file__).resolve().parent / "images"
CHROMIUM = "/usr/bin/chromium"
# Drawn at 0.75 of a pixel per CSS pixel: a 1280×720 page in a 960×540 picture keeps the lot small.
PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "device_scale_factor": 0.75}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp: Path) -> tuple[subprocess.Popen, str, Path]:
    ledger = tmp / "ledger.sqlite"
    demo.write(ledger)
    port, log = free_port(), tmp / "serve.log"
    env = dict(os.environ, MICROSOLIDARITY_CACHE=str(tmp / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "microsolidarity_widgets.cli", "serve", "--share", "--ledger",
                             str(ledger), "--port", str(port), "--preheat", "02_listening,03_money,07_trust_review"],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}", log


def found(log: Path, pattern: str, proc: subprocess.Popen, timeout: float = 300) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"), re.M)
        if match:
            return match
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise SystemExit(f"the server never printed {pattern!r}:\n{log.read_text()[-2000:]}")


def shoot(page, name: str, **options) -> None:
    path = IMAGES / f"{name}.png"
    page.screenshot(path=str(path), **options)
    print(f"{path.relative_to(IMAGES.parent.parent)}: {path.stat().st_size // 1024} KB")


def leave(page) -> None:
    page.goto("about:blank")


def evening(browser, url: str, token: str, join: str) -> None:
    projector = browser.new_context(**PROJECTOR)
    laptop = projector.new_page()
    laptop.goto(f"{url}/?token={token}")
    laptop.get_by_text("Members join from their phones").wait_for()
    shoot(laptop, "guide-landing")

    laptop.goto(f"{url}/voila/render/02_listening.ipynb?token={token}", timeout=180_000)
    laptop.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=180_000)

    phones = {}
    for name in ("Ama", "Bo"):
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(join)
        if name == "Ama":
            shoot(phone, "guide-phone-join")
        phone.get_by_label("Who are you?").select_option(name)
        phone.get_by_role("button", name="That is me").click()
        phone.get_by_role("button", name="Check in for Kestrels today").click()
        expect(phone.get_by_text("You are checked in for Kestrels today.")).to_be_visible()
        phones[name] = phone
    expect(laptop.get_by_text("Checked in from their phones: Ama, Bo (2 of 5).")).to_be_visible(timeout=20_000)
    laptop.get_by_role("radio", name="Yes").check()
    laptop.get_by_role("button", name="Record", exact=True).click()
    expect(laptop.get_by_text(re.compile(r"Recorded \(listening on"))).to_be_visible(timeout=60_000)
    shoot(laptop, "guide-listening")
    ama, bo = phones["Ama"], phones["Bo"]
    ama.get_by_role("link", name="Refresh: what is happening now").click()
    expect(ama.get_by_text("Now: Level 1, Listening.")).to_be_visible()

    ama.get_by_text("Offer something to the speaker in Kestrels").click()
    offering = ama.locator("form", has=ama.get_by_role("button", name="Send offer to Kestrels"))
    offering.get_by_label("Kind of offer").select_option("introduction")
    offering.get_by_label("Note (optional)").fill("a co-op lawyer I trust")
    ama.get_by_role("button", name="Send offer to Kestrels").click()
    sent = ama.get_by_text(re.compile(r"Your offer \(introduction\) sent at"))
    expect(sent).to_be_visible()
    ama.get_by_role("heading", name="Kestrels", exact=True).first.evaluate("h => h.scrollIntoView()")
    shoot(ama, "phone")
    bo.get_by_text("Speaking in Kestrels today? Ask for something").click()
    bo.locator("form", has=bo.get_by_role("button", name="Send ask to Kestrels")).get_by_label(
        "What would help you?").fill("a reader for my grant")
    bo.get_by_role("button", name="Send ask to Kestrels").click()
    expect(bo.get_by_text(re.compile(r"Your ask sent at"))).to_be_visible()

    leave(laptop)
    laptop.goto(f"{url}/voila/render/03_money.ipynb?token={token}", timeout=180_000)
    laptop.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=180_000)
    laptop.get_by_label("Speaker", exact=True).select_option("Bo")
    expect(laptop.get_by_label("Who offers").locator("option", has_text="Bo")).to_have_count(0)
    offer = laptop.locator(".widget-hbox", has_text="Ama offers introduction")
    expect(offer).to_be_visible(timeout=20_000)
    expect(laptop.locator(".widget-hbox", has_text="Bo asks for a reader for my grant")).to_be_visible()
    offer.scroll_into_view_if_needed()
    shoot(laptop, "page")
    offer.get_by_role("button", name="Accept").click()
    laptop.locator(".widget-hbox", has_text="Bo asks for a reader").get_by_role("button", name="Accept").click()
    expect(laptop.get_by_text("Nothing waiting.")).to_be_visible()
    laptop.get_by_role("checkbox", name="Ama", exact=True).last.check()
    laptop.get_by_role("button", name="Record", exact=True).click()
    expect(laptop.get_by_text(re.compile(r"Recorded \(money on"))).to_be_visible(timeout=60_000)
    shoot(laptop, "guide-money-recorded")

    leave(laptop)
    laptop.goto(f"{url}/voila/render/07_trust_review.ipynb?token={token}", timeout=180_000)
    laptop.get_by_label("Groups", exact=True).select_option(["Kestrels"], timeout=180_000)
    laptop.wait_for_function("() => document.querySelector('.vega-embed').innerText.includes('Caz') || "
                             "[...document.querySelectorAll('.vega-embed text')].some(t => t.textContent === 'Caz')",
                             timeout=60_000)
    laptop.locator(".vega-embed").first.evaluate("chart => chart.scrollIntoView()")
    shoot(laptop, "guide-review")
    ama.reload()
    answered = ama.get_by_text(re.compile(r"accepted into the round"))
    expect(answered).to_be_visible()
    answered.scroll_into_view_if_needed()
    shoot(ama, "guide-phone-after")
    for page in (laptop, ama, bo):
        leave(page)


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, log = start(Path(tmp))
        try:
            join = re.sub(r"^http://[^/]+", url, found(log, r"^Members join at: (http://\S+/join/\S+)$", proc)[1])
            token = found(log, r"^Facilitator: http://\S+\?token=(\S+)$", proc)[1]
            found(log, r"^The workbook is ready and shared", proc)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                try:
                    evening(browser, url, token, join)
                finally:
                    browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


if __name__ == "__main__":
    try:
        main()
    except urllib.error.URLError as err:
        raise SystemExit(f"could not reach the server: {err}") from None
