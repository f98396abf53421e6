"""Installing the workbook prints no deprecation banners (``make serve`` on a fresh machine shows its output),
and a built wheel holds the files that are not Python: the front-end code and the Voilà template."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.support import Translations
from builds import built_package

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


@pytest.mark.slow
def test_a_built_wheel_carries_the_front_end_files_and_the_voila_template(tmp_path_factory):
    # The JavaScript and CSS of static/ and the Voilà template and kernel spec of share/ are not
    # Python modules: only pyproject.toml's package-data puts them in the wheel.
    wanted = {p.relative_to(ROOT).as_posix()
              for folder in ("microsolidarity_widgets/static", "microsolidarity_widgets/apps/static",
                             "microsolidarity_widgets/share", "microsolidarity_widgets/members/templates",
                             "microsolidarity_widgets/templates")
              for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    wanted |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "microsolidarity_widgets/levels").rglob("*.html")}
    assert {"microsolidarity_widgets/levels/money/phone.html",
            "microsolidarity_widgets/static/report.css", "microsolidarity_widgets/apps/static/countdown.js",
            "microsolidarity_widgets/apps/static/countdown.css", "microsolidarity_widgets/apps/static/downloads.js",
            "microsolidarity_widgets/apps/static/review.css", "microsolidarity_widgets/apps/static/session.css",
            "microsolidarity_widgets/members/templates/member.html"} <= wanted
    _, wheel = built_package(tmp_path_factory)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert wanted <= names, sorted(wanted - names)
        for name in wanted:  # the same bytes as in the sources
            assert archive.read(name) == (ROOT / name).read_bytes(), name


@pytest.mark.slow
def test_an_sdist_builds_a_wheel_that_carries_the_pages(tmp_path_factory):
    # pipx and pip build from the sdist when no wheel fits: the notebooks (kept at the top of the
    # repository and mapped into the package by pyproject.toml) must come through both steps, and
    # the translations compiled by the build (setup.py) from their .po sources: no .mo is copied (builds.py).
    sdist, whl = built_package(tmp_path_factory)
    assert sdist.name.endswith(".tar.gz")
    notebooks = {p.name for p in (ROOT / "workbooks").glob("*.ipynb")}
    with zipfile.ZipFile(whl) as archive:
        names = set(archive.namelist())
        german = archive.read("microsolidarity_widgets/locale/de/LC_MESSAGES/microsolidarity.mo")
    assert {f"microsolidarity_widgets/workbooks/{n}" for n in notebooks} <= names
    assert {f"microsolidarity_widgets/locale/{lang}/LC_MESSAGES/microsolidarity.mo"
            for lang in ("es", "pt_PT", "de", "qps")} <= names
    assert Translations(io.BytesIO(german)).gettext("Your points") == "Deine Punkte"
    assert "microsolidarity_widgets/share/jupyter/voila/templates/microsolidarity/conf.json" in names
