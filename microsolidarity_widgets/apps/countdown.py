"""A per-turn countdown that runs in the browser, so the kernel is never busy while it ticks."""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
function fmt(s) {
  const m = Math.floor(s / 60), r = s % 60;
  return `${m}:${String(r).padStart(2, "0")}`;
}
function render({ model, el }) {
  el.classList.add("ms-countdown");
  const face = document.createElement("div");
  face.className = "ms-countdown-face";
  face.setAttribute("role", "timer");
  face.setAttribute("aria-label", "Time left in this turn");
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "ms-countdown-button";
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "ms-countdown-button";
  reset.textContent = "Reset timer";
  let remaining = model.get("seconds"), timer = null, endAt = 0;

  function show() {
    face.textContent = remaining > 0 ? fmt(remaining) : "Time";
    el.classList.toggle("ms-countdown-done", remaining <= 0);
    el.classList.toggle("ms-countdown-running", timer !== null);
    const full = remaining === model.get("seconds") || remaining <= 0;
    toggle.textContent = timer !== null ? "Pause timer" : (full ? "Start timer" : "Resume timer");
  }
  function sync() {
    model.set("remaining", remaining);
    model.set("running", timer !== null);
    model.save_changes();
  }
  function tick() {
    remaining = Math.max(0, Math.ceil((endAt - Date.now()) / 1000));
    if (remaining <= 0) { stop(); return; }
    show();
  }
  function start() {
    if (remaining <= 0) remaining = model.get("seconds");
    endAt = Date.now() + remaining * 1000;
    timer = setInterval(tick, 250);
    sync(); show();
  }
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    sync(); show();
  }
  function restart(run) {
    if (timer !== null) clearInterval(timer);
    timer = null;
    remaining = model.get("seconds");
    if (run) start(); else { sync(); show(); }
  }
  toggle.addEventListener("click", () => (timer !== null ? stop() : start()));
  reset.addEventListener("click", () => restart(false));
  model.on("change:seconds", () => restart(false));
  model.on("change:turn", () => restart(model.get("autostart")));
  el.append(face, toggle, reset);
  show();
  return () => { if (timer !== null) clearInterval(timer); };
}
export default { render };
"""

_CSS = """
.ms-countdown { display: flex; flex-wrap: wrap; align-items: center; gap: 14px; padding: 6px 0; }
.ms-countdown-face { font: 700 44px/1.1 ui-monospace, monospace; min-width: 4.2ch; color: #1d3557;
  padding: 4px 14px; border-radius: 8px; background: #eef3fb; }
.ms-countdown-running .ms-countdown-face { background: #e7f5ea; color: #0f3d1c; }
.ms-countdown-done .ms-countdown-face { background: #fdecea; color: #8a1c14; }
.ms-countdown-button { font-size: 17px; min-height: 44px; padding: 8px 14px; border-radius: 6px; border: 1px solid #8896a5;
  background: #fff; cursor: pointer; }
"""


class Countdown(anywidget.AnyWidget):
    """Counts down ``seconds`` in the page; ``restart()`` starts afresh for the next speaker."""

    _esm = _ESM
    _css = _CSS
    seconds = traitlets.Int(60).tag(sync=True)
    turn = traitlets.Int(0).tag(sync=True)
    autostart = traitlets.Bool(True).tag(sync=True)
    remaining = traitlets.Int(60).tag(sync=True)  # reported by the page when paused, reset or finished
    running = traitlets.Bool(False).tag(sync=True)

    def restart(self, run: bool = True) -> None:
        """Back to the full length, counting down at once if ``run`` (the next speaker's turn)."""
        self.autostart = run
        self.remaining = self.seconds
        self.turn += 1
