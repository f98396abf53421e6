"""The benchmarks still run (smoke sizes), so ``make bench`` cannot rot. Speed is not judged here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def smoke(module: str, results) -> dict:
    done = subprocess.run([sys.executable, "-m", module, "--smoke", "--results", str(results)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads((results / f"{module.rsplit('.', 1)[1]}.json").read_text())


def test_scale(tmp_path):
    result = smoke("benchmarks.scale", tmp_path)
    (row,) = result["rows"]
    assert row["events"] > 1000 and row["participants"] > row["events"]
    assert row["floor_s"] > 0 and row["points_s"] > 0 and row["peak_mb"] > 0


def test_formation(tmp_path):
    result = smoke("benchmarks.formation", tmp_path)
    (row,) = result["rows"]
    assert row["people"] == 20 and row["broken_rules"] == 0 and row["status"] in ("optimal", "feasible", "greedy")
    assert {"greedy_score", "random_score", "random_broken", "gap"} <= set(row)
    # The page's round, quiet and with two busy processes, against a search ten times longer.
    assert [r["load"] for r in result["page_rows"]] == ["none added", "2 busy processes"]
    assert all(r["broken_rules"] == 0 and r["placed"] > 0 and r["ten_times_longer"] is not None
               for r in result["page_rows"])


@pytest.mark.browser
def test_first_paint_and_record_latency(tmp_path):
    paint = smoke("benchmarks.first_paint", tmp_path)
    assert [p["page"] for p in paint["pages"]] == ["bare_button.ipynb", "02_listening.ipynb"]
    assert all(p["median_ms"] > 0 for p in paint["pages"])
    # The same page in German, measured in the same rounds (issue 23).
    assert [(p["page"], p["de_ms"] > 0, p["ratio"] > 0) for p in paint["languages"]] == [("02_listening.ipynb", True, True)]
    record = smoke("benchmarks.record_latency", tmp_path)
    assert len(record["bare_ms"]) == len(record["record_ms"]) == 2
    assert set(json.loads((tmp_path / "latest.json").read_text())) == {"first_paint", "record_latency"}


@pytest.mark.browser
def test_phones(tmp_path):
    result = smoke("benchmarks.phones", tmp_path)
    assert [r["phones"] for r in result["rows"]] == [1, 4, 8]
    assert all(r["slowest_s"] > 0 for r in result["rows"]) and result["per_member_mb"] >= 0
    assert len(result["pending_s"]) == 2 and all(s > 0 for s in result["pending_s"])
    assert result["language"] == "es" and len(result["language_s"]) == len(result["one_s"]) and result["language_ratio"] > 0


def test_locked_ledger(tmp_path):
    result = smoke("benchmarks.locked_ledger", tmp_path)
    assert [r["while_locked"] for r in result["rows"]] == ["landing page", "another phone's page", "offer sent (busy)"]
    assert all(r["asked"] > 0 for r in result["rows"]) and result["busy"] == result["sent"]
    assert result["recorded_while_locked"] == 0 and result["recorded_after"] == 1


def test_seasons(tmp_path):
    result = smoke("benchmarks.seasons", tmp_path)
    (row,) = result["rows"]
    assert (row["crews"], row["seasons"], row["report_pages"], row["report_charts"]) == (1, 1, 1, 4)
    assert row["events"] > 50 and all(row[k] > 0 for k in ("review_data_s", "review_page_s", "season_report_s"))
    assert all(result["targets"].values())
