"""The package built once per test run, as pipx builds it from PyPI's sdist: an sdist made from a copy of the
sources (no compiled translations: the build compiles its own), then a wheel from the unpacked sdist.

The packaging tests read both and the installed-tool test installs the wheel; under xdist they may run on
different workers, which share the run's base folder and take turns through a lock, so one builds it and
the others find it built (a build is about half a minute of CPU here)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "CHANGELOG.md", "microsolidarity_widgets", "workbooks", "etc")


def _run_folder(tmp_path_factory) -> Path:
    here = tmp_path_factory.getbasetemp()
    return here.parent if os.environ.get("PYTEST_XDIST_WORKER") else here  # the workers' common parent


def built_package(tmp_path_factory) -> tuple[Path, Path]:
    """(sdist, wheel) of the current sources, built on first use in this run."""
    folder = _run_folder(tmp_path_factory) / "package"
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "built"
        if not done.exists():
            _build(folder)
            done.touch()
    [sdist] = (folder / "sdist").glob("microsolidarity_widgets-*.tar.gz")
    [wheel] = (folder / "dist").glob("microsolidarity_widgets-*.whl")
    return sdist, wheel


def _build(folder: Path) -> None:
    source = folder / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "*.mo"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "build", "--sdist", "-o", str(folder / "sdist"), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    [sdist] = (folder / "sdist").glob("microsolidarity_widgets-*.tar.gz")
    shutil.unpack_archive(sdist, folder / "unpacked")
    [tree] = (folder / "unpacked").iterdir()
    wheel = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps", "-q",
                            "-w", str(folder / "dist"), str(tree)], capture_output=True, text=True, timeout=600)
    assert wheel.returncode == 0, (wheel.stdout + wheel.stderr)[-3000:]
