"""First paint: from navigation to the first control a member can use, per workbook, in Chromium.

Each workbook is compared with a bare notebook holding one ipywidgets.Button, served by the same
server (production defaults: preheated kernels) in the same run. Before every navigation the
server is left to go quiet, so each page finds its preheated kernel ready, as a member arriving
at a session would. Target: workbook / bare <= 1.2.

Each workbook is also served by a second server whose facilitator's language is German (``serve``'s
``MICROSOLIDARITY_LANGUAGE``) and measured in the same rounds, German right after English or the other
way round in turn (issue 23): target German / English <= 1.1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from microsolidarity_widgets import demo, i18n

from .common import BARE, FIRST_WIDGET, Served, arguments, browser, chromium_version, local_only, median, save, table

TARGET = 1.2
LANGUAGE, LANGUAGE_TARGET = "de", 1.1  # the language with the longest words, against English
# Set the moment the first control appears, measured from the start of navigation.
WATCH = """
(() => {
  const seen = () => {
    if (window.__firstWidget === undefined && document.querySelector(%r)) {
      window.__firstWidget = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
""" % FIRST_WIDGET


def first_paint(context, url: str) -> float:
    page = context.new_page()
    local_only(page)
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__firstWidget !== undefined", timeout=120_000)
        return page.evaluate("window.__firstWidget")
    finally:
        # Leaving the page is what makes Voilà shut its kernel down (closing it runs no unload handler):
        # kernels left running would count against the server's cap of open pages and be refused.
        page.goto("about:blank")
        page.close()


@contextlib.contextmanager
def speaking(lang: str):
    """The facilitator's language for a server started inside (its kernels inherit it)."""
    was = os.environ.get(i18n.ENV_VAR)
    os.environ[i18n.ENV_VAR] = lang
    try:
        yield
    finally:
        if was is None:
            del os.environ[i18n.ENV_VAR]
        else:
            os.environ[i18n.ENV_VAR] = was


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    runs = 1 if args.smoke else 5
    from playwright.sync_api import sync_playwright

    from .common import workbooks

    notebooks = workbooks(args.smoke)
    work = Path(tempfile.mkdtemp(prefix="bench-paint-"))
    served = german = None
    try:
        ledger = demo.write(work / "demo.sqlite")
        with speaking(i18n.SOURCE):
            served = Served([*notebooks, BARE], work / "en", ledger)
        with speaking(LANGUAGE):
            german = Served(notebooks, work / LANGUAGE, ledger)
        times: dict[str, list[float]] = {nb.name: [] for nb in [BARE, *notebooks]}
        translated: dict[str, list[float]] = {nb.name: [] for nb in notebooks}
        with sync_playwright() as p:
            chromium = browser(p)
            context = chromium.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(WATCH)
            names = list(times)
            for run in range(runs):
                # The bare page in every round, so drift across rounds hits both alike; and each round starts two
                # places further on, so no page is always measured late in a round (a page measured late was
                # up to 1.3 times slower on this machine, whichever page it was).
                start = (2 * run) % len(names)
                for name in names[start:] + names[:start]:
                    # English and German one after the other, the first of the two taking turns.
                    order = [(served, times), (german, translated)][:: 1 if run % 2 == 0 else -1]
                    for server, into in order:
                        if name not in into:
                            continue
                        served.quiet()
                        german.quiet()
                        into[name].append(first_paint(context, f"{server.url}/voila/render/{name}"))
            chromium.close()
    finally:
        for server in (served, german):
            if server:
                server.stop()
        shutil.rmtree(work, ignore_errors=True)

    bare = median(times[BARE.name])
    rows = [{"page": name, "median_ms": median(t), "runs_ms": [round(x) for x in t],
             "ratio": round(median(t) / bare, 2)} for name, t in times.items()]
    for row in rows:
        row["target"] = "-" if row["page"] == BARE.name else ("met" if row["ratio"] <= TARGET else "MISSED")
    languages = [{"page": name, "en_ms": median(times[name]), f"{LANGUAGE}_ms": median(t),
                  "ratio": round(median(t) / median(times[name]), 2), f"{LANGUAGE}_runs_ms": [round(x) for x in t]}
                 for name, t in translated.items()]
    for row in languages:
        row["target"] = "met" if row["ratio"] <= LANGUAGE_TARGET else "MISSED"
    print(f"First paint (navigation to first control), median of {runs}, ms; target ratio <= {TARGET}")
    table(rows, ["page", "median_ms", "ratio", "target", "runs_ms"])
    print(f"\nIn German against English, same rounds, ms; target ratio <= {LANGUAGE_TARGET}")
    table(languages, ["page", "en_ms", f"{LANGUAGE}_ms", "ratio", "target", f"{LANGUAGE}_runs_ms"])
    save("first_paint", {"runs": runs, "smoke": args.smoke, "target_ratio": TARGET, "chromium": chromium_version(),
                         "pages": rows, "language": LANGUAGE, "language_target_ratio": LANGUAGE_TARGET,
                         "languages": languages}, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
