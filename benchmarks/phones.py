"""Members' phones: many phones opening their member page at once, and an offer reaching the facilitator.

A shared server (`serve --share`, no kernel kept ready) on the demo congregation. A phone is an HTTP
client with its own cookies that does what a phone does: opens the join address, chooses its owner's
name, and gets the member page (points, charts as SVG, forms). The page carries no script, so it can be
used once its HTML has arrived; the time to that is what is measured, from the join address on.
Phones are processes released together; the server's memory is its resident size (psutil). A name is
held by one phone at a time, so each phone of a run has a name of its own (a crowd larger than the demo's
members adds guests in crews of five) and the facilitator frees the names between runs.

Targets (issue 13): 8 phones at once, the slowest at most 2 x one phone alone (same run); 60 phones at
once, all served and the slowest within 5 s; at most 20 MB of server memory per member above the idle
server; an offer sent from a phone on the facilitator's money page within 2 s (median). And issue 23: a
phone whose browser asks for Spanish gets its page within 1.1 x an English phone's time (one phone alone,
the two languages taking turns in the same run).
"""

from __future__ import annotations

import html
import http.cookiejar
import multiprocessing
import re
import shutil
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from microsolidarity_widgets import demo, holds
from microsolidarity_widgets.ledger import Ledger
from microsolidarity_widgets.values import new_once_key

from .common import ROOT, Served, arguments, browser, local_only, print_targets, save, table

ONE_RUNS = 5
TARGET_RATIO, TARGET_SLOWEST_S, TARGET_MB, TARGET_PENDING_S = 2.0, 5.0, 20.0, 2.0
LANGUAGE, TARGET_LANGUAGE_RATIO = "es", 1.1
MEMBERS = [m for crew in demo.CREWS.values() for m in crew]


class Phone:
    def __init__(self, join_url: str, base: str, lang: str = "en"):
        self.base, self.join_url, self.lang = base, join_url, lang
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _open(self, url: str, fields: dict | None = None) -> str:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(url, data=data, headers={"Sec-Fetch-Site": "same-origin",
                                                                  "Accept-Language": self.lang})
        with self.opener.open(request, timeout=120) as answer:
            return answer.read().decode()

    def xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def join(self, who: str) -> float:
        """Seconds from opening the join address to holding the member page."""
        started = time.perf_counter()
        self._open(self.join_url)  # the join code, then the name chooser
        page = self._open(f"{self.base}/m/who", {"who": who, "_xsrf": self.xsrf()})
        if f'<html lang="{self.lang}"' not in page or f"{who}</" not in page:
            raise RuntimeError(f"{who} did not get their page in {self.lang}")
        return time.perf_counter() - started

    def offer(self, group: str, note: str) -> None:
        """An offer from a freshly shown form (its own one-time key)."""
        self._open(f"{self.base}/m/propose", {"group": group, "what": "offer", "offer_kind": "perspective",
                                               "text": note, "once": new_once_key(), "_xsrf": self.xsrf()})


def _one_phone(join_url: str, base: str, who: str, start, answers, lang: str = "en") -> None:
    phone = Phone(join_url, base, lang)
    start.wait()
    try:
        answers.put(phone.join(who))
    except Exception as exc:  # noqa: BLE001 - reported below as a phone that was not served
        answers.put(repr(exc))


def people(ledger: Path, n: int) -> list[str]:
    """``n`` names, one per phone: the demo's members, then guests in crews of five of their own."""
    names = list(MEMBERS)
    with Ledger.open(ledger) as opened:
        for crew in range((max(n - len(names), 0) + 4) // 5):
            guests = [f"Guest {5 * crew + k + 1}" for k in range(5)]
            opened.add_group(f"Guests {crew + 1}", guests, kind="crew", on=demo.START)
            names += guests
    return names[:n]


def free_names(base: str, token: str) -> None:
    """The facilitator frees every name the last run's phones chose, on the names page."""
    laptop = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    laptop.open(f"{base}/?token={token}", timeout=120).read()
    names_page = f"{base}/{holds.ROUTE}"
    listed = laptop.open(names_page, timeout=120).read().decode()
    for name in re.findall(r'name="name" value="([^"]*)"', listed):
        data = urllib.parse.urlencode({"name": html.unescape(name)}).encode()
        laptop.open(urllib.request.Request(names_page, data=data, headers={"Sec-Fetch-Site": "same-origin"}),
                    timeout=120).read()


def at_once(join_url: str, base: str, names: list[str], lang: str = "en") -> list[float]:
    """A phone for each of ``names`` opening its page at the same moment: each one's seconds (an error fails
    the run).

    Each phone is a process of its own, released from a barrier with the others: real phones do not
    wait for each other's Python, as threads of one client would (they share one interpreter lock)."""
    context = multiprocessing.get_context("fork")
    n = len(names)
    start, answers = context.Barrier(n), context.Queue()
    phones = [context.Process(target=_one_phone, args=(join_url, base, name, start, answers, lang))
              for name in names]
    for phone in phones:
        phone.start()
    seconds = [answers.get(timeout=300) for _ in phones]
    for phone in phones:
        phone.join()
    failed = [s for s in seconds if isinstance(s, str)]
    if failed:
        raise RuntimeError(f"{len(failed)} of {n} phones were not served: {failed[0]}")
    return seconds


def resident_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def pending_seconds(served: Served, join_url: str, token: str, runs: int) -> list[float]:
    """From a phone sending an offer to the offer showing on the facilitator's money page."""
    from playwright.sync_api import sync_playwright

    phone = Phone(join_url, served.url)
    phone.join("Ama")
    found = []
    with sync_playwright() as p:
        chromium = browser(p)
        page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        local_only(page)
        page.goto(f"{served.url}/voila/render/03_money.ipynb?token={token}", timeout=240_000)
        page.get_by_label("Group").select_option(label="Kestrels (crew)", timeout=240_000)
        page.get_by_text("Nothing waiting.").wait_for(timeout=60_000)
        for i in range(runs):
            note = f"benchmark offer {i}"
            started = time.perf_counter()
            phone.offer("Kestrels", note)
            page.get_by_text(f"({note})").wait_for(timeout=60_000)
            found.append(time.perf_counter() - started)
        page.goto("about:blank")  # Voilà shuts the page's kernel down
        chromium.close()
    return found


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    few, many, pending_runs = (4, 8, 2) if args.smoke else (8, 60, 9)
    work = Path(tempfile.mkdtemp(prefix="bench-phones-"))
    served = None
    try:
        ledger = demo.write(work / "demo.sqlite")
        names = people(ledger, max(many, 2))
        money = ROOT / "workbooks" / "03_money.ipynb"
        served = Served([money], work, ledger, extra_args=("--share", "--pool-size", "0"))
        while "Members join at:" not in served.log.read_text():  # printed just after "ready"
            time.sleep(0.1)
        log = served.log.read_text()
        join_url = re.search(r"^Members join at: (\S+)$", log, re.M).group(1)
        token = re.search(r"^Facilitator: \S+\?token=(\S+)$", log, re.M).group(1)
        join_url = re.sub(r"^http://[^/]+", served.url, join_url)  # the LAN address names this same server
        at_once(join_url, served.url, names[:2])  # the charts drawn once and the code paths warm, as after the first phone
        free_names(served.url, token)
        idle_mb = resident_mb(served.proc.pid)
        one, spanish = [], []
        for run in range(ONE_RUNS):
            # One phone alone in English and one in Spanish, the first of the two taking turns.
            for lang, into in [("en", one), (LANGUAGE, spanish)][:: 1 if run % 2 == 0 else -1]:
                into += at_once(join_url, served.url, names[:1], lang)
                free_names(served.url, token)
        several = at_once(join_url, served.url, names[:few])
        free_names(served.url, token)
        crowd = at_once(join_url, served.url, names[:many])
        crowd_mb = resident_mb(served.proc.pid)
        free_names(served.url, token)
        pending = pending_seconds(served, join_url, token, pending_runs)
    finally:
        if served:
            served.stop()
        shutil.rmtree(work, ignore_errors=True)

    alone = statistics.median(one)
    rows = [
        {"phones": 1, "slowest_s": round(max(one), 3), "median_s": round(alone, 3), "ratio_to_one": 1.0},
        {"phones": few, "slowest_s": round(max(several), 3), "median_s": round(statistics.median(several), 3),
         "ratio_to_one": round(max(several) / alone, 2)},
        {"phones": many, "slowest_s": round(max(crowd), 3), "median_s": round(statistics.median(crowd), 3),
         "ratio_to_one": round(max(crowd) / alone, 2)},
    ]
    per_member_mb = max(crowd_mb - idle_mb, 0) / many
    language_ratio = round(statistics.median(spanish) / alone, 2)
    print("Member pages (join address to a usable page), seconds; one phone alone is the median of "
          f"{ONE_RUNS}")
    table(rows, ["phones", "slowest_s", "median_s", "ratio_to_one"])
    print(f"\nServer memory: idle {idle_mb:.0f} MB, after {many} phones {crowd_mb:.0f} MB "
          f"({per_member_mb:.2f} MB per member)")
    print(f"An offer from a phone on the facilitator's page: median {statistics.median(pending):.2f} s "
          f"(runs: {', '.join(f'{s:.2f}' for s in pending)})")
    print(f"One phone alone in Spanish: median {statistics.median(spanish):.3f} s against {alone:.3f} s in English "
          f"({language_ratio} x)")
    print_targets({
        f"{few} phones at once: slowest <= {TARGET_RATIO}x one alone": rows[1]["ratio_to_one"] <= TARGET_RATIO,
        f"{many} phones at once: slowest <= {TARGET_SLOWEST_S} s": rows[2]["slowest_s"] <= TARGET_SLOWEST_S,
        f"server memory <= {TARGET_MB} MB per member": per_member_mb <= TARGET_MB,
        f"offer on the facilitator's page <= {TARGET_PENDING_S} s (median)":
            statistics.median(pending) <= TARGET_PENDING_S,
        f"a phone in Spanish <= {TARGET_LANGUAGE_RATIO}x one in English (medians)":
            language_ratio <= TARGET_LANGUAGE_RATIO,
    })
    save("phones", {"smoke": args.smoke, "rows": rows, "idle_mb": round(idle_mb, 1), "crowd_mb": round(crowd_mb, 1),
                    "per_member_mb": round(per_member_mb, 2), "pending_s": [round(s, 3) for s in pending],
                    "pending_median_s": round(statistics.median(pending), 3), "language": LANGUAGE,
                    "one_s": [round(s, 3) for s in one], "language_s": [round(s, 3) for s in spanish],
                    "language_ratio": language_ratio}, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
