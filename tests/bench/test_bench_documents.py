"""The documents benchmark still runs end to end: every figure printed, the practice's bytes
checked against the file, nothing left behind (its timings are never judged)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.bench.documents import FIGURES, SHA_LINE

REPO = Path(__file__).resolve().parents[2]
# A figure as the table prints one: "38.2 MB/s (2.62 s)".
RATE = re.compile(r"\d[\d,.]* MB/s \(\d[\d,.]* (µs|ms|s)\)")
RATIO = re.compile(r"\d[\d,.]*×")


@pytest.mark.slow
def test_the_quick_documents_benchmark_prints_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "documents.json"
    work = tmp_path / "work"
    work.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop.bench.documents",
            "--quick",
            "--size-mb",
            "2",
            "--json",
            str(out),
            "--tmp",
            str(work),
        ],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Documents over loopback: a 2.0 MB file in 4 chunks of 512 KiB")
    assert "MB = 10^6 bytes" in lines[0]
    header = next(line for line in lines if line.lstrip().startswith("Passerelle"))
    for column in ("plain HTTP, 1 request", "plain HTTP, 4 requests", "plain/Passerelle"):
        assert column in header, header
    for label in FIGURES:
        [row] = [line for line in lines if line.startswith(label)]
        # upload and download: Passerelle, plain single, plain chunked, then two ratios.
        alone = label == "open in memory"
        assert len(RATE.findall(row)) == (1 if alone else 3), row
        assert len(RATIO.findall(row)) == (0 if alone else 2), row
        assert "n/a" not in row and "inf" not in row, row
    [check] = [line for line in lines if line.startswith(SHA_LINE)]
    assert "the practice's decrypted bytes match the file (1 of 1 documents" in check, check

    saved = json.loads(out.read_text(encoding="utf-8"))
    assert (saved["size_bytes"], saved["chunks"], saved["repeats"]) == (2_000_000, 4, 1)
    assert saved["sha256_matched"] == 1
    for name in ("upload", "download", "open", "plain_single_put", "plain_chunked_get"):
        assert saved["median_s"][name] > 0
    # The relay's database, the store and the file went with the temporary folder.
    assert list(work.iterdir()) == []


def test_a_size_over_the_relays_limit_is_refused_before_anything_starts() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "desktop.bench.documents", "--size-mb", "105"],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "the relay refuses documents over 104,857,600 bytes" in run.stderr
