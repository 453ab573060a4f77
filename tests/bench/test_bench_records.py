"""The records benchmark still runs end to end and prints its figures (never a verdict)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.support.relay import _env


def test_the_records_benchmark_prints_export_and_erasure_times() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop.bench.records", "--messages", "60", "--others", "400"],
        check=False, capture_output=True, text=True, env=_env(), timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"patient of 60 messages among 400 others: gathered in \d+ ms; "
                     r"Bundle in \d+ ms", done.stdout), done.stdout
    assert re.search(r"erased in [\d.]+ s \(60 messages", done.stdout), done.stdout
