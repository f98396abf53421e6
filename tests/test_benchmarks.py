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


@pytest.mark.browser
def test_first_paint_and_record_latency(tmp_path):
    paint = smoke("benchmarks.first_paint", tmp_path)
    assert [p["page"] for p in paint["pages"]] == ["bare_button.ipynb", "01_listening.ipynb"]
    assert all(p["median_ms"] > 0 for p in paint["pages"])
    record = smoke("benchmarks.record_latency", tmp_path)
    assert len(record["bare_ms"]) == len(record["record_ms"]) == 2
    assert set(json.loads((tmp_path / "latest.json").read_text())) == {"first_paint", "record_latency"}


def test_names_per_event_keeps_order_and_drops_repeats():
    """The fast path the scale benchmark led to says exactly what the per-group join said."""
    import numpy as np
    import pandas as pd

    from microsolidarity_widgets.ledger import _names_per_event

    rng = np.random.default_rng(3)
    parts = pd.DataFrame({"event_id": rng.integers(1, 40, 500), "member": rng.choice(["Ama", "Bo", "Caz", "Dev"], 500)})
    expected = parts.groupby("event_id")["member"].agg(lambda s: ", ".join(dict.fromkeys(s)))
    assert _names_per_event(parts).sort_index().to_dict() == expected.to_dict()
    assert _names_per_event(parts.iloc[:0]).empty


def test_frames_read_in_chunks_equal_one_read(monkeypatch, tmp_path):
    """Chunked reading (for memory at scale) changes nothing, chunk boundaries included."""
    import pandas as pd

    from microsolidarity_widgets import Ledger, demo, ledger as ledger_module

    path = demo.write(tmp_path / "demo.sqlite")
    with Ledger.open(path) as whole:
        expected = whole.points(), whole.trust_over_time(), whole.events()
    monkeypatch.setattr(ledger_module, "_CHUNK_ROWS", 7)
    with Ledger.open(path) as chunked:
        got = chunked.points(), chunked.trust_over_time(), chunked.events()
    for a, b in zip(got, expected):
        pd.testing.assert_frame_equal(a, b)
