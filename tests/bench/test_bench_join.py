"""The join benchmark still runs end to end on a small practice and measures every figure
(a laptop that never showed the inbox, or a change that never reached it, prints n/a)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIGURES = ("join: pairing", "join: time to usable", "join: time to complete",
           "journal apply rate, during the join", "journal apply rate, journal alone",
           "change to display, desk → laptop")


@pytest.mark.slow
def test_the_join_benchmark_runs_small_and_measures_everything(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "desktop.bench.join", "--conversations", "20", "--messages",
         "200", "--patients", "2", "--files", "10", "--latency-samples", "4",
         "--tmp", str(tmp_path)],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=420,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    for label in FIGURES:
        line = next((x for x in lines if x.startswith(label + " ")), None)
        assert line is not None, f"{label} missing:\n{run.stdout}"
        measured = line[len(label):].split()[0]
        assert measured != "n/a", f"{label} not measured:\n{run.stdout}\n{run.stderr}"
    # 200 seeded, and each patient's first request and its answer
    assert "practice: 22 conversations, 204 messages" in run.stdout
    assert "204 of 204 messages" in run.stdout
    assert "12 of the desk's 12 patients" in run.stdout  # 2 with the app, 10 files
