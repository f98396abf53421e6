"""Voilà's own way to serve the workbooks, `voila workbooks`: the folder made absolute, and the
workbook's own page template when the folder served is the workbook's.

Installing the package puts this file in the environment's etc/jupyter, where Voilà looks for its
configuration at every start, after it has read the folder from its command line.
- Voilà 0.5.8 keeps the folder to serve as it was typed, and jupyter_core 5.9 refuses a relative root:
  every page answered 500.
- Voilà's own lab template links Font Awesome from a CDN, which fails offline, and lacks the
  workbook's accessibility fixes. Other folders served from the same environment keep Voilà's defaults: this
  file is read by every Voilà there, not only the workbook's.
(`microsolidarity serve`, the recommended way, declares all of this itself: see ``server.voila_config``.)
"""

import os
from pathlib import Path

from voila.app import Voila

if Voila.initialized():
    root = os.path.abspath(Voila.instance().root_dir or os.getcwd())
    c.Voila.root_dir = root  # noqa: F821 - `c`: the configuration being loaded
    try:
        from microsolidarity_widgets import server
    except ImportError:  # the package was removed and this file left behind
        server = None
    if server is not None and Path(root).resolve() == server.workbooks_dir().resolve():
        server.prepare_environment()
        c.VoilaConfiguration.template = server.TEMPLATE  # noqa: F821
