// The per-turn countdown (Countdown in countdown.py). It runs in the browser, so the kernel is
// never busy while it ticks; the page reports `remaining` and `running` back to the kernel only
// when the timer starts, is paused, reset or finished (sync below), not on every tick.
// The time left is measured against the clock (endAt), not by counting ticks, so a late or
// throttled interval never makes a turn longer.
function fmt(s) {
  const m = Math.floor(s / 60), r = s % 60;
  return `${m}:${String(r).padStart(2, "0")}`;
}
function render({ model, el }) {
  // The timer's words, in the page's language (Countdown.words, set by the kernel).
  const say = (key) => model.get("words")[key];
  el.classList.add("ms-countdown");
  const face = document.createElement("div");
  face.className = "ms-countdown-face";
  face.setAttribute("role", "timer");
  face.setAttribute("aria-label", say("left"));
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "ms-countdown-button";
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "ms-countdown-button";
  reset.textContent = say("reset");
  // Drawn again (the page switched language): the time left where the kernel last heard of it, and a
  // running turn goes on to its end.
  let remaining = model.get("remaining"), timer = null, endAt = 0;

  function show() {
    face.textContent = remaining > 0 ? fmt(remaining) : say("time");
    el.classList.toggle("ms-countdown-done", remaining <= 0);
    el.classList.toggle("ms-countdown-running", timer !== null);
    const full = remaining === model.get("seconds") || remaining <= 0;
    toggle.textContent = timer !== null ? say("pause") : (full ? say("start") : say("resume"));
  }
  function sync() {
    model.set("remaining", remaining);
    model.set("running", timer !== null);
    model.set("ends_at", timer !== null ? endAt : 0);
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
  if (model.get("running") && model.get("ends_at") > Date.now()) {
    endAt = model.get("ends_at");
    timer = setInterval(tick, 250);
    tick();
  }
  show();
  return () => { if (timer !== null) clearInterval(timer); };
}
export default { render };
