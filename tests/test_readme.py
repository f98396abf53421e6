"""The README's example runs as written and prints what it promises."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_example_runs_as_written(tmp_path):
    blocks = python_blocks()
    assert blocks, "the README has no Python example"
    run = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    totals = dict(re.findall(r"^(Ama|Bo|Caz|Dev)\s+(-?\d+)$", run.stdout, flags=re.M))
    assert totals == {"Ama": "116", "Bo": "10", "Caz": "108", "Dev": "21"}
    assert "A crew has at most 8 members" in run.stdout
    assert (tmp_path / "data" / "example.sqlite").exists()


def test_readme_congregation_example_runs_as_written(tmp_path):
    (block,) = [b for b in python_blocks() if "Congregation.create" in b]
    run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    crews = [line.split(" - ")[0].split(", ") for line in run.stdout.splitlines() if " - all can meet " in line]
    assert len(crews) == 2 and sorted(n for c in crews for n in c) == ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay", "Gus", "Hal"]
    assert not any("Ama" in c and "Dev" in c for c in crews)           # pinned apart
    assert "optimal gap 0% {}" in run.stdout
    assert "Lisbon circle crew 1" in run.stdout
