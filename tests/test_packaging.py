"""Installing the workbook prints no deprecation banners (``make serve`` on a fresh machine shows its output)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_building_the_package_prints_no_setuptools_banner(tmp_path):
    # What `make install` runs, minus the install: setuptools reads pyproject.toml and builds the wheel.
    make = (ROOT / "Makefile").read_text()
    warnings_filter = re.search(r'PYTHONWARNINGS="([^"]+)"', make).group(1)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps", "-w", str(tmp_path),
         "--config-settings", "editable_mode=", "-e", str(ROOT)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": warnings_filter})
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "!!" not in out and "deprecated" not in out.lower() and "Editable installation" not in out, out[-3000:]
