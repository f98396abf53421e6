"""Accessibility checks for any workbook page, one call each (WCAG 2.2 A and AA).

    from .a11y import check_page, axe_violations, layout_problems, PHONE, PROJECTOR

    problems = check_page(page, "02_listening empty")     # axe + layout at the page's current size
    assert not problems, "\\n".join(problems)

- ``axe_violations(page)``: runs axe-core (bundled by the ``axe-playwright-python`` package, injected
  into the page; nothing is fetched) with the WCAG 2.0/2.1/2.2 A and AA rules, and returns the
  violations of ``impacts`` (serious and critical by default) as axe reports them.
- ``layout_problems(page)``: what axe cannot see: the page or any box inside it scrolling sideways
  (tables and other boxes marked ``.ms-scroll`` may, and must then keep their header in view), an
  element sticking out past the right edge of the window, text cut off by its box or set under 16 px,
  controls smaller than 44×44 px (a checkbox or radio button counts with its label, which takes
  the same click), and charts: wider than the window, a word of a title, legend or axis cut at any of
  the drawing's edges, no description in words, or no table of their figures.
- ``check_page(page, state)``: both, as readable lines, and a screenshot of the state in
  ``test-artifacts/a11y/`` named after ``state`` and the window size.
- ``keyboard_problems(page)``: Tab from the top to the end of the page: every form control is reached,
  in page order, each with a visible focus ring.

The rules left out of axe's run are in ``DISABLED_RULES``, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "a11y"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
PROJECTOR = {"width": 1280, "height": 720}
MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA): stricter than 2.2's 24 px, for fingers and for pointing at a wall
MIN_TEXT = 16  # px: body text read on a projector from the back of a room
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Rules axe should not run, each with the reason. Keep this short: every entry hides a whole rule.
DISABLED_RULES: dict[str, str] = {}


def _axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


_AXE: list[str] = []


def axe_violations(page, impacts=("serious", "critical"), context=None) -> list[dict]:
    """axe-core's violations of WCAG 2.2 A/AA on the page as it is now, those of ``impacts`` only."""
    if not _AXE:
        _AXE.append(_axe_script())
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE[0])
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"],
               "rules": {rule: {"enabled": False} for rule in DISABLED_RULES}}
    # The page mends what ipywidgets draws (labels, roles, scroll boxes) in the next animation frame
    # after a change: audit the page as the person sees it, after that frame.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    results = page.evaluate("([context, options]) => axe.run(context || document, options)", [context, options])
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violation(v: dict) -> str:
    where = "; ".join(" ".join(n["target"]) + (f" ({n['failureSummary'].splitlines()[-1].strip()})"
                                                if n.get("failureSummary") else "") for n in v["nodes"][:4])
    more = f" and {len(v['nodes']) - 4} more" if len(v["nodes"]) > 4 else ""
    return f"axe {v['id']} [{v['impact']}]: {v['help']} at {where}{more}"


_LAYOUT_JS = r"""
([minTarget, minText]) => {
  const problems = [];
  const W = document.documentElement.clientWidth;
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || s.display === "none") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = [...el.classList].slice(0, 3).map((c) => "." + c).join("");
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls}` + (text ? ` "${text}"` : "");
  };
  const scrollBox = (el) => el.closest(".ms-scroll");
  if (document.documentElement.scrollWidth > W + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${W} px window`);
  }
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("svg, canvas")) continue;
    const s = getComputedStyle(el);
    // A box the reader must swipe inside to reach its content (ipywidgets boxes scroll by default).
    if (["auto", "scroll"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1
        && !el.matches(".ms-scroll, textarea, select, input") && !el.closest(".vega-embed")) {
      problems.push(`${name(el)} scrolls sideways inside (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
    }
    const r = el.getBoundingClientRect();
    if (r.right > W + 1 && !scrollBox(el) && !el.closest(".vega-embed")) {
      const parent = el.parentElement;
      const parentOut = parent && parent.getBoundingClientRect().right > W + 1 && !scrollBox(parent);
      if (!parentOut) problems.push(`${name(el)} runs past the right edge (to ${Math.round(r.right)} px of ${W})`);
    }
  }
  // Text cut off by its box (an ellipsis or a clipped label: "Dat" for "Date"), and text too small to read.
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("svg, canvas, .vega-embed, [aria-hidden=true]")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.replace(/\u200b/g, "").trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    if (["hidden", "clip"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} is cut off (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
    }
    if (parseFloat(s.fontSize) + 0.01 < minText) {
      problems.push(`${name(el)} is set in ${s.fontSize} type, under ${minText} px`);
    }
  }
  // Charts: as wide as the page, no word of a title, legend or axis cut at the drawing's edge (Vega
  // never wraps a line: it runs off the drawing), described in words, and their figures as a table.
  for (const embed of document.querySelectorAll(".vega-embed")) {
    const drawing = embed.querySelector("svg, canvas");
    if (!visible(embed) || !drawing) continue;
    const d = drawing.getBoundingClientRect();
    if (d.right > W + 1) problems.push(`a chart runs past the right edge (to ${Math.round(d.right)} px of ${W})`);
    for (const t of drawing.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      // Vega hides a label that would collide or hang out (labelOverlap, labelBound) by opacity 0: not drawn.
      if (r.width === 0 || !t.textContent.trim() || t.closest('[opacity="0"]')) continue;
      if (r.right > d.right + 1 || r.left < d.left - 1) {
        problems.push(`chart text "${t.textContent.trim().slice(0, 50)}" is cut at the chart's edge ` +
                      `(${Math.round(r.left)}–${Math.round(r.right)} px, the chart ${Math.round(d.left)}–${Math.round(d.right)})`);
      } else if (r.bottom > d.bottom + r.height / 4 || r.top < d.top - r.height / 4) {
        // (a glyph's box may reach a little past the line it sits on: a quarter of its height is a cut)
        problems.push(`chart text "${t.textContent.trim().slice(0, 50)}" is cut at the chart's top or bottom ` +
                      `(${Math.round(r.top)}–${Math.round(r.bottom)} px, the chart ${Math.round(d.top)}–${Math.round(d.bottom)})`);
      }
    }
    const label = (embed.getAttribute("aria-label") || drawing.getAttribute("aria-label") || "").trim();
    if (label.length < 40 || /^vega visualization$/i.test(label)) {
      problems.push(`a chart has no description in words (aria-label ${JSON.stringify(label)})`);
    }
    const marks = drawing.querySelectorAll("g.role-mark > *").length;
    let table = null;
    for (let p = embed.parentElement; p && !table; p = p.parentElement) {
      table = p.querySelector("details.ms-chart-table");
      if (p.matches(".ms-section, .jp-Cell, body")) break;
    }
    if (marks && !table) problems.push(`the chart "${label.slice(0, 50)}" has no table of its figures`);
  }
  // A table that scrolls in its own box keeps its header: the box is no taller than the window.
  for (const box of document.querySelectorAll(".ms-scroll")) {
    if (visible(box) && box.scrollWidth > box.clientWidth + 1 && box.getBoundingClientRect().height > innerHeight) {
      problems.push(`${name(box)} scrolls sideways but is taller than the window`);
    }
  }
  const controls = "button, input:not([type=hidden]), select, textarea, a[href], [role=button], [role=link], " +
                   "[role=checkbox], [role=radio], [role=tab], [tabindex]:not([tabindex='-1'])";
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el) || el.disabled || el.closest(".vega-embed, [aria-hidden=true]")) continue;
    if (el.matches(".ms-scroll")) continue;  // a scrolling box is focusable so that keys can scroll it
    let r = el.getBoundingClientRect();
    const label = el.matches("input[type=checkbox], input[type=radio]") && el.closest("label");
    if (label) r = label.getBoundingClientRect();
    // A link inside a sentence is exempt (WCAG 2.5.8 "inline").
    if (el.matches("a") && getComputedStyle(el).display === "inline") continue;
    if (r.width + 0.5 < minTarget || r.height + 0.5 < minTarget) {
      problems.push(`${name(el)} is ${Math.round(r.width)}×${Math.round(r.height)} px, under ${minTarget}×${minTarget}`);
    }
  }
  return problems;
}
"""


def layout_problems(page, min_target: int = MIN_TARGET, min_text: float = MIN_TEXT) -> list[str]:
    """Sideways scrolling, elements past the right edge, cut-off or small text and small targets, as
    readable lines. A chart and its table of figures are two widgets, redrawn one after the other when a
    page refreshes: a chart found without its table is looked at again once both are there (or 10 s)."""
    problems = page.evaluate(_LAYOUT_JS, [min_target, min_text])
    if any("has no table of its figures" in p for p in problems):
        try:
            page.wait_for_function(_EVERY_CHART_HAS_ITS_TABLE, timeout=10_000)
        except PlaywrightTimeout:
            return problems
        problems = page.evaluate(_LAYOUT_JS, [min_target, min_text])
    return problems


_EVERY_CHART_HAS_ITS_TABLE = """() => [...document.querySelectorAll('.vega-embed')].every(embed => {
  for (let p = embed.parentElement; p; p = p.parentElement) {
    if (p.querySelector('details.ms-chart-table')) return true;
    if (p.matches('.ms-section, .jp-Cell, body')) return false;
  }
  return false;
})"""


def screenshot(page, state: str) -> Path:
    size = page.viewport_size or {"width": 0, "height": 0}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", state).strip("-").lower()
    path = ARTIFACTS / f"{slug}-{size['width']}x{size['height']}.png"
    # Voilà scrolls its own box (#rendered_cells), not the page: make the window as tall as that box's
    # content for the picture, then give the window its size back.
    tall = page.evaluate("Math.max(document.documentElement.scrollHeight, "
                         "(document.querySelector('#rendered_cells') || document.body).scrollHeight)")
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(tall, 16000)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def check_page(page, state: str, layout: bool = True) -> list[str]:
    """axe (serious and critical) and, if ``layout``, the layout checks, as lines naming ``state``;
    a full-page screenshot of the state is written to ``test-artifacts/a11y/``."""
    size = page.viewport_size or {"width": 0, "height": 0}
    where = f"{state} at {size['width']}×{size['height']}"
    problems = [f"{where}: {describe_violation(v)}" for v in axe_violations(page)]
    if layout:
        problems += [f"{where}: {p}" for p in layout_problems(page)]
    screenshot(page, state)
    return problems


_FOCUS_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // The ring sits outside the control (outline-offset), so it is seen against the box around it.
  let back = [255, 255, 255];
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { back = c.slice(0, 3); break; }
  }
  // The ring may be drawn around the control's card instead (a link whose whole card is the target).
  let ringed = el;
  for (let p = el, i = 0; p && i < 3 && getComputedStyle(p).outlineStyle === "none"; p = p.parentElement, i++) {
    ringed = p.parentElement || el;
  }
  if (getComputedStyle(ringed).outlineStyle === "none") ringed = el;
  const s = getComputedStyle(ringed);
  const ring = rgb(s.outlineColor).slice(0, 3);
  const [a, b] = [lum(ring), lum(back)].sort((x, y) => y - x);
  const r = el.getBoundingClientRect();
  const all = [...document.querySelectorAll("*")];
  return {
    tag: el.tagName.toLowerCase(), name: (el.getAttribute("aria-label") || el.labels?.[0]?.textContent
      || el.textContent || el.value || "").replace(/\u200b/g, "").trim().slice(0, 60),
    outline: s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth), contrast: (a + 0.05) / (b + 0.05),
    index: all.indexOf(el), top: r.top, visible: r.width > 0 && r.height > 0,
    section: (el.closest(".ms-section")?.querySelector(".ms-section-title")?.textContent || "").trim(),
  };
}
"""


def focused(page) -> dict | None:
    """The element that has keyboard focus: its tag, name, ring width (px) and the ring's contrast
    against the background around it, its place in the document, whether it is visible, the title of
    the page's section it is in; None when focus is on the page itself (lost, as after a control it
    was on disappeared)."""
    return page.evaluate(_FOCUS_JS)


def tab_to(page, name: str, limit: int = 80, backwards: bool = False, exact: bool = False,
           section: str | None = None) -> dict:
    """Press Tab (Shift+Tab if ``backwards``) until the focused element's name starts with ``name`` (is
    ``name`` if ``exact``), in the section titled ``section`` if given (a member's name is a checkbox in
    several lists of a page)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if (now and (now["name"] == name if exact else now["name"].startswith(name))
                and section in (None, now["section"])):
            return now
    raise AssertionError(f"{limit} presses of Tab never reached {name!r}" + (f" in {section!r}" if section else ""))


def focus_ring_problems(now: dict | None) -> list[str]:
    if now is None:
        return ["focus was lost (it is on the page itself)"]
    problems = []
    if now["outline"] < 2:
        problems.append(f"{now['tag']} {now['name']!r} has a focus outline of {now['outline']} px")
    elif now["contrast"] < 3:
        problems.append(f"{now['tag']} {now['name']!r} has a focus outline at {now['contrast']:.1f}:1")
    return problems


# The form controls Tab should stop at: one per radio group (arrows move inside it), none disabled,
# hidden or inside a chart (its own keyboard handling is Vega's).
_STOPS_JS = r"""
() => {
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll("button, input:not([type=hidden]), select, textarea")) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (el.disabled || r.width === 0 || r.height === 0 || s.visibility === "hidden") continue;
    if (el.tabIndex < 0 || el.closest(".vega-embed, [aria-hidden=true], [inert]")) continue;
    if (el.type === "radio") { if (seen.has(el.name)) continue; seen.add(el.name); }
    n += 1;
  }
  return n;
}
"""


def keyboard_problems(page, extra: int = 40) -> list[str]:
    """Tab from the top of the page to its end: every form control reached, in page order, with a
    visible focus ring (2 px, 3:1), as readable lines."""
    expected = page.evaluate(_STOPS_JS)
    # Start where a visitor's first Tab does: a click on the page's empty top-left corner.
    page.locator("body").click(position={"x": 2, "y": 2})
    problems, stops, last = [], set(), -1
    for _ in range(expected + extra):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None or now["index"] < last:
            break  # past the end of the page (focus went to the browser, or wrapped to the top)
        # (The same element again is a date field's day, month and year: Tab steps through them.)
        problems += focus_ring_problems(now)
        if now["tag"] in ("button", "input", "select", "textarea"):
            stops.add(now["index"])
        last = now["index"]
    if len(stops) < expected:
        problems.append(f"Tab reached {len(stops)} of the page's {expected} form controls, in page order")
    return problems
