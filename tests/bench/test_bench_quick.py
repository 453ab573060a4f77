"""The benchmark still runs end to end and prints every figure (never its timings' verdicts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.bench import FIGURES

REPO = Path(__file__).resolve().parents[2]
TINY = [
    "--quick",
    "--conversations",
    "60",
    "--messages",
    "3000",
    "--relay-messages",
    "300",
    "--relay-patients",
    "2",
    "--samples",
    "20",
    "--latency-samples",
    "5",
    "--unlock-runs",
    "1",
]
# A duration as the table prints one: "412 µs", "13.7 ms", "2.16 s".
DURATION = re.compile(r"\d[\d,.]* (µs|ms|s)\b")


@pytest.mark.slow
def test_the_quick_benchmark_prints_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "out"
    work = tmp_path / "work"
    work.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "desktop.bench", *TINY, "--tmp", str(work), "--out", str(out)],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    for label in FIGURES:
        found = [line for line in lines if line.startswith(label)]
        assert found, f"no line for {label!r} in:\n{run.stdout}"
        assert DURATION.search(found[0][len(label) :]), found[0]
        assert "n/a" not in found[0], found[0]
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(saved["figures"]) == len(FIGURES)
    assert (out / "results.txt").read_text(encoding="utf-8").strip() == run.stdout.strip()
    # The stores, the plain copy and the relay's database are gone.
    assert list(work.iterdir()) == []
