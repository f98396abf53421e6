"""Voilà's own way to serve the workbooks, `voila workbooks`: a relative folder made absolute.

Voilà 0.5.8 keeps the folder to serve as it was typed, and jupyter_core 5.9 refuses a relative root:
every page answered 500. Installing the package puts this file in the environment's etc/jupyter,
where Voilà looks for its configuration at every start, after it has read the folder from its
command line. (`microsolidarity serve`, the recommended way, already gives an absolute folder.)
"""

import os

from voila.app import Voila

if Voila.initialized() and not os.path.isabs(Voila.instance().root_dir or "/"):
    c.Voila.root_dir = os.path.abspath(Voila.instance().root_dir)  # noqa: F821 - `c`: the configuration being loaded
