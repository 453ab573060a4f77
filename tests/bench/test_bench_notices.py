"""The notices benchmark still runs end to end, checks its copies, and prints its breakdown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_notices_benchmark_runs_small(tmp_path: Path) -> None:
    out = tmp_path / "notices.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.bench.notices",
            "--recipients",
            "120",
            "--batch",
            "50",
            "--json",
            str(out),
        ],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    first, *rest = run.stdout.splitlines()
    assert first.startswith("Notice to 120 patients (of 132), end to end: ")
    for step in ("choosing", "encrypting", "outbox", "HTTP", "relay"):
        assert any(line.strip().startswith(step) for line in rest), run.stdout
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert (saved["recipients"], saved["sent_on_relay"], saved["requests"]) == (120, 120, 3)
    assert saved["sampled_opened"] == 20
