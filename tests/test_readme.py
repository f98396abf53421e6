"""The README and the pages under docs/ hold together: the README stays short and links every page,
every link and picture resolves, citations of docs/rules.md name real sections, and the API examples
run as written and print what they promise (the game's worked example, as rules.md states it)."""

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
API = DOCS / "api.md"
RULES = DOCS / "rules.md"
MAX_README_LINES = 200
MAX_IMAGES_KB = 500  # the pictures of the README and the guide, all together

# [text](target) and <img src="target">, outside code blocks; a target may end in #anchor.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
FENCE = re.compile(r"```.*?```", re.S)


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [a or b for a, b in LINK.findall(text)]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower().replace("`", "")
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", path.read_text(encoding="utf-8")), flags=re.M):
        base = slug(heading)
        n = found.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")  # a repeated heading gets -1, -2, …
        found[base] = n + 1
    return out


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in links(page):
        if re.match(r"[a-z]+:", target):  # http:, mailto: … : nothing outside the repository to check offline
            continue
        file, _, anchor = target.partition("#")
        resolved = (page.parent / file).resolve() if file else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: {resolved.name} has no heading for #{anchor}")
    return broken


def test_the_readme_is_at_most_200_lines():
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move details to a page under docs/"


def test_every_link_and_picture_of_the_readme_and_the_docs_resolves():
    pages = [README, *sorted(DOCS.glob("*.md"))]
    broken = [f"{page.relative_to(ROOT)}: {b}" for page in pages for b in broken_links(page)]
    assert not broken, "\n".join(broken)


def test_the_readme_links_every_page_of_the_docs():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in links(README) if not re.match(r"[a-z]+:", t)}
    missing = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert not missing, f"README.md links none of: {', '.join(missing)}"


def test_the_readme_shows_a_page_and_a_phone_and_the_pictures_are_used_and_small():
    shown = [t for t in links(README) if t.endswith(".png")]
    assert {"docs/images/page.png", "docs/images/phone.png"} <= set(shown)
    pictures = sorted((DOCS / "images").glob("*.png"))
    shown_anywhere = {(page.parent / t).resolve() for page in [README, *DOCS.glob("*.md")] for t in links(page)}
    unused = [p.name for p in pictures if p.resolve() not in shown_anywhere]
    assert not unused, f"no page shows {', '.join(unused)}: delete it or show it"
    total = sum(p.stat().st_size for p in pictures) // 1024
    assert total <= MAX_IMAGES_KB, f"docs/images holds {total} KB of pictures; keep them under {MAX_IMAGES_KB} KB"


def test_citations_of_the_rules_name_sections_that_exist():
    sections = anchors(RULES)
    cited = []
    for path in [*ROOT.glob("*.md"), *DOCS.glob("*.md"), *ROOT.glob("microsolidarity_widgets/**/*.py"),
                 *ROOT.glob("tests/**/*.py")]:
        for anchor in re.findall(r"rules\.md#([\w-]+)", path.read_text(encoding="utf-8")):
            cited.append((path.relative_to(ROOT), anchor))
    assert cited, "nothing cites docs/rules.md by section"
    wrong = [f"{path}: #{anchor}" for path, anchor in cited if anchor not in sections]
    assert not wrong, "docs/rules.md has no such section:\n" + "\n".join(wrong)


def test_the_api_example_runs_as_written_and_scores_the_worked_example_as_the_rules_say(tmp_path):
    blocks = python_blocks(API)
    assert blocks, "docs/api.md has no Python example"
    run = subprocess.run([sys.executable, "-c", blocks[0]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    totals = dict(re.findall(r"^(Ama|Bo|Caz|Dev)\s+(-?\d+)$", run.stdout, flags=re.M))
    stated = re.search(r"Totals: \*\*Ama (\d+), Bo (\d+), Caz (\d+), Dev (\d+)\.\*\*", RULES.read_text(encoding="utf-8"))
    assert stated, "docs/rules.md no longer states the worked example's totals"
    assert totals == dict(zip(("Ama", "Bo", "Caz", "Dev"), stated.groups())) == {
        "Ama": "116", "Bo": "10", "Caz": "108", "Dev": "21"}
    assert "A crew has at most 8 members" in run.stdout
    assert (tmp_path / "data" / "example.sqlite").exists()


def test_the_api_congregation_example_runs_as_written(tmp_path):
    (block,) = [b for b in python_blocks(API) if "Congregation.create" in b]
    run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    crews = [line.split(" - ")[0].split(", ") for line in run.stdout.splitlines() if " - all can meet " in line]
    assert len(crews) == 2 and sorted(n for c in crews for n in c) == ["Ama", "Bo", "Caz", "Dev", "Eli", "Fay", "Gus", "Hal"]
    assert not any("Ama" in c and "Dev" in c for c in crews)           # pinned apart
    assert "optimal gap 0% {}" in run.stdout
    assert "Lisbon circle crew 1" in run.stdout
