"""Record latency: click Record on the Listening page until the confirmation shows, in Chromium.

Beside it, in the same run and on the same server, the round trip of a bare ipywidgets.Button
whose click only updates a Label. Both are timed inside the page (click to DOM change), so
Playwright's own overhead is not counted. Target: Record <= 1.5 x the bare round trip.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from microsolidarity_widgets import demo

from .common import BARE, ROOT, Served, arguments, browser, chromium_version, local_only, median, save, table

TARGET = 1.5
LISTENING = ROOT / "workbooks" / "02_listening.ipynb"

# Click ``button`` and resolve with the milliseconds until the text of the elements matching
# ``changed`` differs from before the click and contains ``word``. By text, not by element: widgets
# re-render unchanged messages as new elements, which would end the timing before the kernel answered.
CLICK_UNTIL = """
([button, changed, word]) => new Promise((resolve, reject) => {
  const text = () => [...document.querySelectorAll(changed)].map(el => el.textContent).join("|");
  const before = text();
  const fresh = () => { const now = text(); return now !== before && now.includes(word); };
  const t0 = performance.now();
  const observer = new MutationObserver(() => {
    if (fresh()) { observer.disconnect(); resolve(performance.now() - t0); }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  setTimeout(() => {
    observer.disconnect();
    const status = document.querySelector(".ms-msg");
    reject(new Error("no confirmation within 60 s" + (status ? ": " + status.textContent : "")));
  }, 60000);
  document.querySelector(button).click();
})
"""


def bare_round_trips(page, url: str, n: int) -> list[float]:
    page.goto(url)
    page.wait_for_selector(".widget-button")
    # The label's text node is replaced on every update; mark by content instead of by element.
    out = []
    for _ in range(n):
        before = page.inner_text(".widget-label")
        out.append(page.evaluate("""(before) => new Promise((resolve) => {
          const label = document.querySelector('.widget-label');
          const t0 = performance.now();
          const observer = new MutationObserver(() => {
            if (label.textContent !== before) { observer.disconnect(); resolve(performance.now() - t0); }
          });
          observer.observe(label, {childList: true, subtree: true, characterData: true});
          document.querySelector('.widget-button').click();
        })""", before))
    return out


def record_round_trips(page, url: str, n: int) -> list[float]:
    page.goto(url)
    page.locator("button.ms-primary").wait_for(timeout=120_000)
    group = page.get_by_label("Group", exact=True)
    if group.input_value() == "":
        group.select_option(label="Kestrels")
    out = []
    for _ in range(n):
        # The form is ready again: on arrival it asks whether everyone listened; after a record it
        # says so calmly once the last round's answers are cleared.
        page.locator(".ms-wait", has_text="listened").or_(page.get_by_text("Fill in the next one")).wait_for(
            timeout=60_000)
        page.get_by_role("radio", name="Yes").check()
        # As a facilitator would: the preview of the points shows before Record is pressed.
        page.get_by_text("If you record this now").wait_for(timeout=60_000)
        out.append(page.evaluate(CLICK_UNTIL, ["button.ms-primary", ".ms-msg-ok", "Recorded"]))
    return out


def main() -> int:
    args = arguments(__doc__.splitlines()[0])
    n = 2 if args.smoke else 20
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-record-"))
    served = None
    try:
        ledger = demo.write(work / "demo.sqlite")
        served = Served([LISTENING, BARE], work, ledger)
        with sync_playwright() as p:
            chromium = browser(p)
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            local_only(page)
            served.quiet()
            bare = bare_round_trips(page, f"{served.url}/voila/render/{BARE.name}", n)
            served.quiet()
            record = record_round_trips(page, f"{served.url}/voila/render/{LISTENING.name}", n)
            chromium.close()
    finally:
        if served:
            served.stop()
        shutil.rmtree(work, ignore_errors=True)

    ratio = round(median(record) / median(bare), 2)
    rows = [{"action": "bare Button -> Label", "median_ms": median(bare), "max_ms": round(max(bare), 1)},
            {"action": "Listening: Record -> confirmation", "median_ms": median(record), "max_ms": round(max(record), 1),
             "ratio": ratio, "target": "met" if ratio <= TARGET else "MISSED"}]
    print(f"Click to visible change, median of {n}, ms; target ratio <= {TARGET}")
    table(rows, ["action", "median_ms", "max_ms", "ratio", "target"])
    save("record_latency", {"clicks": n, "smoke": args.smoke, "target_ratio": TARGET, "chromium": chromium_version(),
                            "bare_ms": [round(x, 1) for x in bare], "record_ms": [round(x, 1) for x in record],
                            "rows": rows}, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
