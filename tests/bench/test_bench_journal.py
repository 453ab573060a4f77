"""The journal benchmark still runs end to end over real stores and a relay process: every
figure printed (its timings are never judged)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_journal_benchmark_prints_every_figure() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "desktop.bench.journal", "--events", "300",
         "--latency-samples", "3"],
        check=False, capture_output=True, text=True, cwd=REPO, timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    for figure in ("journal push", "journal pull and apply", "into the store alone",
                   "another's store"):
        assert any(figure in line and ("events/s" in line or "p99" in line)
                   for line in lines), (figure, run.stdout)
