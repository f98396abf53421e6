"""What every benchmark shares: the machine, the results file, tables, and a served workbook."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BARE = Path(__file__).resolve().parent / "bare_button.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# What counts as "the page can be used": the first control a member can operate.
FIRST_WIDGET = ".widget-button, .widget-dropdown, .widget-text, .widget-checkbox, .widget-radio-box"


def arguments(description: str, **flags: str) -> argparse.Namespace:
    """The common options, and a benchmark's own on/off ``flags`` (name: help)."""
    parser = argparse.ArgumentParser(description=description)
    for flag, help_text in flags.items():
        parser.add_argument(f"--{flag}", action="store_true", help=help_text)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only checks the benchmark still works")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON results (default: %(default)s)")
    return parser.parse_args()


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    # Other work on the machine skews every figure; the load average says how much there was.
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory, 1), "os": platform.platform(),
            "python": platform.python_version(), "load_average_1_5_15": [round(x, 1) for x in os.getloadavg()]}


def save(name: str, result: dict, folder: Path) -> None:
    """Write ``<name>.json`` and fold it into ``latest.json`` (the one kept in git)."""
    result = {"benchmark": name, "when": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(), **result}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    latest = folder / "latest.json"
    everything = json.loads(latest.read_text()) if latest.exists() else {}
    everything[name] = result
    latest.write_text(json.dumps(everything, indent=2) + "\n")
    print(f"\nWritten to {folder / (name + '.json')}")


def print_targets(targets: dict[str, bool], where: str = "") -> None:
    """One line per target, met or MISSED, after a blank line."""
    print()
    for name, met in targets.items():
        print(f"{'met   ' if met else 'MISSED'}  {name}{where}")


def table(rows: list[dict], columns: list[str]) -> None:
    text = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in text)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for t in text:
        print("  ".join(v.ljust(w) for v, w in zip(t, widths)))


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``microsolidarity serve`` with production defaults on a folder holding the given notebooks."""

    def __init__(self, notebooks: list[Path], workdir: Path, ledger: Path, extra_args: tuple[str, ...] = ()):
        folder = workdir / "notebooks"
        folder.mkdir(parents=True, exist_ok=True)
        for nb in notebooks:
            shutil.copy(nb, folder / nb.name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "microsolidarity_widgets.cli", "serve", "--ledger", str(ledger),
             "--port", str(self.port), "--notebooks", str(folder), *extra_args],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
        deadline = time.monotonic() + 240
        while "The workbook is ready" not in self.log.read_text(errors="replace"):  # "at …", or "and shared"
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def quiet(self, timeout: float = 120) -> None:
        """Wait until the server and its kernels are idle (preheated kernels refilled), so runs do not overlap."""
        import psutil

        root = psutil.Process(self.proc.pid)
        deadline = time.monotonic() + timeout

        def cpu() -> float:
            total = 0.0
            for p in [root, *root.children(recursive=True)]:
                try:
                    t = p.cpu_times()
                    total += t.user + t.system
                except psutil.Error:
                    pass
            return total

        while time.monotonic() < deadline:
            before = cpu()
            time.sleep(0.5)
            if cpu() - before < 0.05:  # under 10% of one core for half a second
                return

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)


def browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def local_only(page) -> None:
    """Abort every request that leaves this machine, as the browser tests do."""
    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            r.abort()
    page.route("**/*", route)


def workbooks(smoke: bool) -> list[Path]:
    found = sorted((ROOT / "workbooks").glob("[0-9][0-9]_*.ipynb"))
    # The smoke run loads one level page: listening, the first level of the game.
    return [p for p in found if p.stem.endswith("_listening")] if smoke else found


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout
        return re.sub(r"\s+", " ", out).strip()
    except OSError:
        return "unknown"
