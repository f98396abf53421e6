"""A locked ledger: another process holds the ledger's write lock for a minute while phones use the workbook.

A shared server (`serve --share`, no kernel kept ready) on the demo congregation. Another process
takes the ledger's write lock (as a long save or a backup tool would) and holds it for 60 s. Meanwhile
one phone sends an offer again and again (each time it is told the workbook is busy), and the
facilitator's landing page and another phone's member page are asked for in turn: their answer
times are what is measured. Afterwards the offer is sent once more and must be recorded exactly once.

Targets (issue 21, item 2): the landing page and the other phone answer within 0.5 s (slowest) while
the lock is held; a phone's offer is answered "busy" within a few seconds, nothing recorded.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from microsolidarity_widgets import demo
from microsolidarity_widgets.ledger import Ledger
from microsolidarity_widgets.members.routes import WRITE_PATIENCE

from .common import ROOT, Served, arguments, print_targets, save, table
from .phones import Phone

TARGET_S = 0.5  # the landing page and the other phones, while the lock is held
TARGET_BUSY_S = 5.0  # the phone whose offer cannot be recorded is told so within this
NOTE = "benchmark offer during the lock"

HOLD = """
import sqlite3, sys, time
lock = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)
lock.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.rollback()
"""


def timed(open_url) -> float:
    started = time.perf_counter()
    open_url()
    return time.perf_counter() - started


def sender(phone: Phone, until: float, answers: list) -> None:
    """The phone that keeps sending its offer while the lock lasts: (seconds, status) of each answer."""
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            phone.offer("Kestrels", NOTE)
            status = 200
        except urllib.error.HTTPError as exc:
            exc.read()
            status = exc.code
        answers.append((time.perf_counter() - started, status))


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    hold_s = 8.0 if args.smoke else 60.0
    work = Path(tempfile.mkdtemp(prefix="bench-locked-"))
    served = None
    landing, other, sent = [], [], []
    try:
        ledger = demo.write(work / "demo.sqlite")
        served = Served([ROOT / "benchmarks" / "bare_button.ipynb"], work, ledger,
                        extra_args=("--share", "--pool-size", "0"))
        while "Members join at:" not in served.log.read_text():  # printed just after "ready"
            time.sleep(0.1)
        log = served.log.read_text()
        join_url = re.sub(r"^http://[^/]+", served.url, re.search(r"^Members join at: (\S+)$", log, re.M).group(1))
        token = re.search(r"^Facilitator: \S+\?token=(\S+)$", log, re.M).group(1)
        laptop = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        laptop.open(f"{served.url}/?token={token}", timeout=60).read()
        ama, bo = Phone(join_url, served.url), Phone(join_url, served.url)
        ama.join("Ama")
        bo.join("Bo")  # their pages drawn once, as after the first phone of a gathering
        with Ledger.open(ledger) as opened:
            before = len(opened.proposals("Kestrels"))

        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(ledger), str(hold_s)], stdout=subprocess.PIPE,
                                  text=True)
        assert holder.stdout.readline().strip() == "locked"
        until = time.monotonic() + hold_s - 1.0  # stop asking a little before the lock goes
        # The last offer is sent early enough to be refused before the lock goes.
        sending = threading.Thread(target=sender, args=(ama, until - WRITE_PATIENCE, sent))
        sending.start()
        while time.monotonic() < until:
            landing.append(timed(lambda: laptop.open(f"{served.url}/", timeout=60).read()))
            other.append(timed(lambda: bo._open(f"{served.url}/m/")))
        sending.join()
        holder.wait(timeout=120)

        with Ledger.open(ledger) as opened:
            during = len(opened.proposals("Kestrels")) - before
        ama.offer("Kestrels", NOTE)  # sent again once the lock is gone
        with Ledger.open(ledger) as opened:
            after = len(opened.proposals("Kestrels")) - before
    finally:
        if served:
            served.stop()
        shutil.rmtree(work, ignore_errors=True)

    busy = [s for s, status in sent if status == 503]
    rows = [
        {"while_locked": "landing page", "asked": len(landing), "slowest_s": round(max(landing), 3),
         "median_s": round(statistics.median(landing), 3)},
        {"while_locked": "another phone's page", "asked": len(other), "slowest_s": round(max(other), 3),
         "median_s": round(statistics.median(other), 3)},
        {"while_locked": "offer sent (busy)", "asked": len(sent), "slowest_s": round(max(s for s, _ in sent), 3),
         "median_s": round(statistics.median(s for s, _ in sent), 3)},
    ]
    print(f"With the ledger's write lock held {hold_s:.0f} s by another process, seconds per answer")
    table(rows, ["while_locked", "asked", "slowest_s", "median_s"])
    print(f"\nOffers recorded while locked: {during} (of {len(sent)} sent, {len(busy)} answered busy); "
          f"after sending once more: {after}")
    print_targets({
        f"landing page <= {TARGET_S} s while locked": rows[0]["slowest_s"] <= TARGET_S,
        f"another phone <= {TARGET_S} s while locked": rows[1]["slowest_s"] <= TARGET_S,
        f"an offer kept out is told busy <= {TARGET_BUSY_S} s": len(busy) == len(sent) and
            rows[2]["slowest_s"] <= TARGET_BUSY_S,
        "nothing recorded while locked, once when sent again": during == 0 and after == 1,
    })
    save("locked_ledger", {"smoke": args.smoke, "hold_s": hold_s, "rows": rows, "sent": len(sent), "busy": len(busy),
                           "recorded_while_locked": during, "recorded_after": after}, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
