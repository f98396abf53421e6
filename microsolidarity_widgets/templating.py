"""The Jinja2 environments of the package's own pages outside the members' phone pages: the server's
refusals, the landing page's members section and the exported report. Templates in ``templates/``,
autoescaped: whatever a person typed or a request carried reaches the page escaped, and no page builds
its markup by hand. One environment per language (i18n.py: no process-wide language, since a phone and
the facilitator may read different ones), each compiling its templates once."""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from . import i18n


@functools.cache
def templates(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    env.globals["w"] = i18n.words(lang)
    return env


def render(template: str, w: i18n.Words | None = None, **values) -> Markup:
    """``template`` in ``w``'s language (the facilitator's by default)."""
    return Markup(templates((w or i18n.words()).lang).get_template(template).render(**values))
