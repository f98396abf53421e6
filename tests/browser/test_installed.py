"""What a facilitator who is not a developer does: install the built wheel into a clean virtual
environment outside the repository, start ``microsolidarity serve`` from an empty folder, open a page
and record a listening round. Nothing of the checkout may be needed for that: the pages, templates and
kernel spec come from the wheel, and the ledger goes to the user's data folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from builds import built_package

from .conftest import free_port, stop_server, wait_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A virtual environment holding the wheel and what it depends on, nothing else. Without byte-compiling
    every dependency's sources at install time (`--no-compile`: 42 s of CPU instead of 24 here); the
    modules the commands import compile when first imported, as anywhere."""
    tmp = tmp_path_factory.mktemp("installed")
    _, wheel = built_package(tmp_path_factory)  # the wheel pipx would build from the sdist (builds.py)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q", "install",
                           "--no-compile", str(wheel)], capture_output=True, text=True, timeout=1200, env=user_env(tmp))
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return venv


def user_env(home: Path) -> dict:
    """A person's shell: their own home and data folder, and nothing pointing at this checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "MICROSOLIDARITY_LEDGER", "MICROSOLIDARITY_ROOM"}}
    return dict(env, HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"))


def test_the_installed_command_says_its_version(installed, tmp_path):
    from microsolidarity_widgets import __version__

    done = subprocess.run([str(installed / "bin" / "microsolidarity"), "--version"], capture_output=True, text=True,
                          cwd=tmp_path, env=user_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"microsolidarity {__version__}"


def test_serve_from_an_empty_folder_records_a_listening_round(installed, tmp_path, page):
    home, here = tmp_path / "home", tmp_path / "empty"
    here.mkdir()
    env = user_env(home)
    python = str(installed / "bin" / "python")
    # The workbook's package is the installed one, not this checkout's.
    where = subprocess.run([python, "-c", "import microsolidarity_widgets as m; print(m.__file__)"],
                           capture_output=True, text=True, cwd=here, env=env, timeout=120, check=True)
    assert where.stdout.startswith(str(installed))
    # A crew to play with, through the installed API and its default ledger.
    subprocess.run([python, "-c", "from microsolidarity_widgets import Ledger\n"
                    "with Ledger.open() as ledger:\n"
                    "    ledger.add_group('Wrens', ['Ama', 'Bo', 'Caz'], kind='crew', on='2026-01-01')"],
                   cwd=here, env=env, timeout=120, check=True)
    ledger_path = home / ".local" / "share" / "microsolidarity" / "ledger.sqlite"
    assert ledger_path.exists()

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(installed / "bin" / "microsolidarity"), "serve", "--port", str(port),
                                 "--preheat", "02_listening"], stdout=out, stderr=subprocess.STDOUT, cwd=here,
                                env=env, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}", proc, log)
        assert f"Ledger: {ledger_path}" in log.read_text()
        page.goto(f"http://127.0.0.1:{port}/voila/render/02_listening.ipynb", timeout=120_000)
        page.get_by_label("Group", exact=True).select_option("Wrens (crew)")
        page.get_by_role("radio", name="Yes").check()
        expect(page.get_by_role("cell", name="listened in a round").first).to_be_visible()
        page.get_by_role("button", name="Record", exact=True).click()
        expect(page.get_by_role("status").or_(page.get_by_role("alert"))).to_contain_text("Recorded (listening on")
    finally:
        page.goto("about:blank")
        stop_server(proc)
    assert list(here.iterdir()) == [], "serving from a folder wrote into it"
    check = subprocess.run([python, "-c", "from microsolidarity_widgets import Ledger\n"
                            "with Ledger.open(read_only=True) as ledger:\n"
                            "    print(ledger.events()['kind'].tolist())"],
                           capture_output=True, text=True, cwd=here, env=env, timeout=120, check=True)
    assert re.search(r"'listening'", check.stdout), check.stdout
