"""Installing the workbook prints no deprecation banners (``make serve`` on a fresh machine shows its output),
and a built wheel holds the files that are not Python: the front-end code and the Voilà template."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.support import Translations

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
def test_a_built_wheel_carries_the_front_end_files_and_the_voila_template(tmp_path):
    # The JavaScript and CSS of static/ and the Voilà template and kernel spec of share/ are not
    # Python modules: only pyproject.toml's package-data puts them in the wheel. Built from a copy
    # of the sources, so the working tree gets no build/ or egg-info.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("microsolidarity_widgets", "workbooks", "etc"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    wanted = {p.relative_to(source).as_posix()
              for folder in ("microsolidarity_widgets/static", "microsolidarity_widgets/apps/static",
                             "microsolidarity_widgets/share", "microsolidarity_widgets/members/templates",
                             "microsolidarity_widgets/templates")
              for p in (source / folder).rglob("*") if p.is_file()}
    wanted |= {p.relative_to(source).as_posix() for p in (source / "microsolidarity_widgets/levels").rglob("*.html")}
    assert {"microsolidarity_widgets/levels/money/phone.html",
            "microsolidarity_widgets/static/report.css", "microsolidarity_widgets/apps/static/countdown.js",
            "microsolidarity_widgets/apps/static/countdown.css", "microsolidarity_widgets/apps/static/downloads.js",
            "microsolidarity_widgets/apps/static/review.css", "microsolidarity_widgets/apps/static/session.css",
            "microsolidarity_widgets/members/templates/member.html"} <= wanted
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps", "-w", str(tmp_path / "dist"),
         str(source)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    [wheel] = (tmp_path / "dist").glob("microsolidarity_widgets-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert wanted <= names, sorted(wanted - names)
        for name in wanted:  # the same bytes as in the sources
            assert archive.read(name) == (source / name).read_bytes(), name


@pytest.mark.slow
def test_an_sdist_builds_a_wheel_that_carries_the_pages(tmp_path):
    # pipx and pip build from the sdist when no wheel fits: the notebooks (kept at the top of the
    # repository and mapped into the package by pyproject.toml) must come through both steps, and
    # the translations compiled by the build (setup.py) from their .po sources: no .mo is copied here.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "CHANGELOG.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("microsolidarity_widgets", "workbooks", "etc"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.mo"))
    built = subprocess.run([sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path / "sdist"), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    [sdist] = (tmp_path / "sdist").glob("microsolidarity_widgets-*.tar.gz")
    unpacked = tmp_path / "unpacked"
    shutil.unpack_archive(sdist, unpacked)
    [tree] = unpacked.iterdir()
    wheel = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path / "dist"), str(tree)], capture_output=True, text=True, timeout=600)
    assert wheel.returncode == 0, (wheel.stdout + wheel.stderr)[-3000:]
    [whl] = (tmp_path / "dist").glob("microsolidarity_widgets-*.whl")
    notebooks = {p.name for p in (ROOT / "workbooks").glob("*.ipynb")}
    with zipfile.ZipFile(whl) as archive:
        names = set(archive.namelist())
        german = archive.read("microsolidarity_widgets/locale/de/LC_MESSAGES/microsolidarity.mo")
    assert {f"microsolidarity_widgets/workbooks/{n}" for n in notebooks} <= names
    assert {f"microsolidarity_widgets/locale/{lang}/LC_MESSAGES/microsolidarity.mo"
            for lang in ("es", "pt_PT", "de", "qps")} <= names
    assert Translations(io.BytesIO(german)).gettext("Your points") == "Deine Punkte"
    assert "microsolidarity_widgets/share/jupyter/voila/templates/microsolidarity/conf.json" in names
