"""The one Jinja2 environment of the package's own pages (outside the members' phone pages, which are
rendered in each reader's language): the server's refusals, the landing page's members section and
the exported report. Templates in ``templates/``, autoescaped: whatever a person typed or a request
carried reaches the page escaped, and no page builds its markup by hand."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def render(template: str, **values) -> Markup:
    return Markup(TEMPLATES.get_template(template).render(**values))
