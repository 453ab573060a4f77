"""The recovery sheet: the practice's name, the key in groups and as a QR code a phone reads."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from desktop.crypto.recovery import (
    backup_key,
    format_recovery_key,
    key_id,
    new_recovery_key,
    normalise_recovery_key,
)
from desktop.documents.recovery_sheet import render_recovery_sheet


def test_the_sheet_carries_the_practice_the_key_its_id_and_a_readable_qr_code(tmp_path: Path):
    key = new_recovery_key()
    short = key_id(backup_key(key))
    data = render_recovery_sheet("Cabinet médical Dupont — Lyon 3e", key, short,
                                 date(2026, 12, 3))
    [page] = PdfReader(io.BytesIO(data)).pages
    text = " ".join((page.extract_text() or "").split())
    assert "Cabinet médical Dupont — Lyon 3e" in text
    assert "3 décembre 2026" in text and short in text
    for group in format_recovery_key(key).split("-"):
        assert group in text  # each group is one string: a copy from the PDF keeps it
    assert "coffre" in text

    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as image:
        [read] = [b.text for b in zxingcpp.read_barcodes(image)]
    assert normalise_recovery_key(read) == normalise_recovery_key(key)


def test_the_same_key_gives_the_same_sheet():
    key = new_recovery_key()
    one = render_recovery_sheet("Cabinet", key, "ABCD-EFGH", date(2026, 12, 3))
    assert one == render_recovery_sheet("Cabinet", key, "ABCD-EFGH", date(2026, 12, 3))
