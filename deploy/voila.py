"""Voilà's page settings for each member's server under the hub.

Voilà 0.5 as a server extension reads its VoilaConfiguration only from ``voila.py``/``voila.json`` on
the Jupyter config path (settings of that class in jupyter_server_config.py are ignored), so the hub
puts this folder on JUPYTER_CONFIG_PATH.
"""

from microsolidarity_widgets import server

c = get_config()  # noqa: F821 - provided by Voilà when it loads this file

# Our template, not Voilà's "lab" one: it links Font Awesome from a CDN, and a retreat may be offline.
c.VoilaConfiguration.template = server.TEMPLATE
c.VoilaConfiguration.allow_template_override = "NO"
c.VoilaConfiguration.show_tracebacks = False
