"""Root pytest hooks: nbval runs the workbooks against a throw-away copy of the demo ledger.

The notebooks' kernels inherit this process's environment, so pointing ``MICROSOLIDARITY_LEDGER``
at a temporary demo ledger as soon as a notebook is collected keeps ``pytest --nbval-lax
workbooks/`` away from ``data/`` and makes the checked outputs deterministic.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_STATE: dict = {}


def pytest_collect_file(file_path: Path, parent):
    config = parent.config
    nbval_on = getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False)
    if file_path.suffix == ".ipynb" and nbval_on and "dir" not in _STATE:
        from microsolidarity_widgets import demo, storage

        tmp = Path(tempfile.mkdtemp(prefix="nbval-ledger-"))
        _STATE.update(dir=tmp, previous=os.environ.get(storage.ENV_VAR))
        os.environ[storage.ENV_VAR] = str(demo.write(tmp / "demo.sqlite"))


def pytest_unconfigure(config):
    if "dir" not in _STATE:
        return
    from microsolidarity_widgets import storage

    if _STATE["previous"] is None:
        os.environ.pop(storage.ENV_VAR, None)
    else:
        os.environ[storage.ENV_VAR] = _STATE["previous"]
    shutil.rmtree(_STATE.pop("dir"), ignore_errors=True)
