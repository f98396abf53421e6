"""Charts that draw with no internet: Vega bundled locally, built once per machine.

Altair's ``JupyterChart`` loads Vega from a CDN unless switched to offline mode, and building the
offline bundle with vl-convert takes over a second. We build it once, keep it on disk keyed by
the versions that shape it, and let every kernel load it from there.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import altair as alt
import platformdirs

CACHE_ENV = "MICROSOLIDARITY_CACHE"
# Set by `microsolidarity serve`: where that server offers the bundle as a cacheable file.
BUNDLE_URL_ENV = "MICROSOLIDARITY_CHART_BUNDLE_URL"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_path("microsolidarity-widgets", appauthor=False))


def bundle_path() -> Path:
    import vl_convert

    return cache_dir() / f"jupyterchart-altair{alt.__version__}-vlc{vl_convert.__version__}.js"


def build_bundle() -> Path:
    """Build the bundle (if missing) and return its path; safe when several processes race."""
    path = bundle_path()
    if path.exists():
        return path
    if not alt.JupyterChart._is_offline:
        alt.JupyterChart.enable_offline()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(alt.JupyterChart._esm)
    os.replace(tmp, path)
    return path


def enable_offline_charts() -> None:
    """Make every ``alt.JupyterChart`` (and plain chart display) use the local Vega bundle."""
    if not alt.JupyterChart._is_offline:
        url = os.environ.get(BUNDLE_URL_ENV)
        path = bundle_path()
        if url and path.exists():
            # A few bytes per chart widget: the browser fetches (and caches) the bundle from our own
            # server, once, however many charts and pages there are.
            alt.JupyterChart._esm = loader_module(url)
            alt.JupyterChart._is_offline = True
        else:
            try:
                alt.JupyterChart._esm = path.read_text(encoding="utf-8")
                alt.JupyterChart._is_offline = True
            except OSError:
                build_bundle()
    alt.renderers.enable("jupyter", offline=True)


def loader_module(url: str) -> str:
    """An ES module that re-exports the chart widget's code from ``url`` (a path on this server).

    anywidget runs the module from a blob: URL, against which a path cannot resolve; the page's
    own address can.
    """
    # A chart as wide as its container is measured when drawn and again only on a window resize:
    # drawn while Voilà still hides the page, it would stay 0 px wide. Re-measure when the
    # widget's own box changes size.
    return f"""const bundle = await import(new URL({json.dumps(url)}, document.baseURI).href);
const widget = bundle.default;
export default {{
  ...widget,
  async render(context) {{
    const cleanup = await widget.render(context);
    const watch = new ResizeObserver(() => window.dispatchEvent(new Event("resize")));
    watch.observe(context.el);
    return () => {{ watch.disconnect(); if (typeof cleanup === "function") cleanup(); }};
  }},
}};
"""


def chart_widget(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """A widget showing ``chart`` offline; update it later by setting ``.chart``."""
    enable_offline_charts()
    return alt.JupyterChart(chart, embed_options={"actions": False})


def report_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one classic script defining ``vegaEmbed``, for pages
    that must draw charts with no server and no internet (the exported reports).

    vl-convert takes seconds to bundle them, so the result is kept on disk like the widget bundle.
    """
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    version = vl_version_for_vl_convert()
    path = cache_dir() / f"report-vl{version}-vlc{vl_convert.__version__}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    # A "</script" inside the bundle would end the inline <script> element early.
    js = vl_convert.javascript_bundle(vl_version=version).replace("</script", "<\\/script")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(js)
    os.replace(tmp, path)
    return js

