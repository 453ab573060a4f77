"""``python -m desktop.bench.patient_import --patients 5000``: a practice software's patient
list (Windows-1252, semicolons, quoted fields) previewed and imported into a real store.

Prints the two figures the practice waits on — the preview, then the import in one
transaction — beside their targets (≤ 3 s and ≤ 10 s for 5,000 patients). It never fails
because a machine is slow; the correctness of a big import is a test's
(tests/store/test_patient_import.py).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from desktop.core.patient_csv import parse
from desktop.store import Store

PASSPHRASE = "bench patient import passphrase"


def export_file(patients: int) -> bytes:
    """What a practice software exports: one header line, one patient a line."""
    lines = ["N° dossier;Nom;Prénom;DDN;Portable"]
    lines += [
        f'{i};"Nom{i:05}; dit ""X""";Prénom;{1 + i % 28:02}/{1 + i % 12:02}/{1930 + i % 90};'
        f"06 {i % 100:02} 00 00 00"
        for i in range(patients)
    ]
    return "\r\n".join(lines).encode("cp1252")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m desktop.bench.patient_import")
    parser.add_argument("--patients", type=int, default=5000)
    args = parser.parse_args(argv)
    data = export_file(args.patients)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "bench.passerelle", PASSPHRASE)
        try:
            started = time.perf_counter()
            preview = parse(data, today=date.today())
            parsed = time.perf_counter()
            report = store.import_patients(preview.rows)
            imported = time.perf_counter()
        finally:
            store.close()
    scale = args.patients / 5000
    print(f"load average {os.getloadavg()[0]:.1f}; {args.patients:,} patients, "
          f"{report.imported:,} imported, {len(report.skipped)} skipped")
    print(f"preview  {parsed - started:6.2f} s  (target ≤ {3 * scale:.1f} s)")
    print(f"import   {imported - parsed:6.2f} s  (target ≤ {10 * scale:.1f} s)")


if __name__ == "__main__":
    main()
