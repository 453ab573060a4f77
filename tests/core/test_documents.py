"""Which files may be attached (by content), and the names they are shown under."""

from __future__ import annotations

import os

import pytest

from desktop.core import documents as d
from desktop.core.documents import DocumentType, check_content, check_file, safe_name, sniff
from desktop.core.errors import InvalidField

PDF = b"%PDF-1.7\n" + os.urandom(100)
JPEG = b"\xff\xd8\xff\xe0" + os.urandom(100)
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(100)
HEIC = b"\x00\x00\x00\x18ftypheic" + os.urandom(100)
ELF = b"\x7fELF\x02\x01\x01" + os.urandom(100)
MZ = b"MZ\x90\x00" + os.urandom(100)


def test_sniff_by_content() -> None:
    assert sniff(PDF) is DocumentType.PDF
    assert sniff(JPEG) is DocumentType.JPEG
    assert sniff(PNG) is DocumentType.PNG
    assert sniff(HEIC) is DocumentType.HEIC
    assert sniff(b"\x00\x00\x00\x18ftypmif1....") is DocumentType.HEIC
    assert sniff(ELF) is None and sniff(MZ) is None and sniff(b"") is None


@pytest.mark.parametrize("content", [ELF, MZ, b"hello, world", b"PK\x03\x04zip"])
def test_disguised_files_are_refused_naming_the_accepted_types(tmp_path, content) -> None:
    path = tmp_path / "résultats.pdf"
    path.write_bytes(content)
    with pytest.raises(InvalidField, match="Accepted types: PDF, JPEG, PNG"):
        check_file(path)


def test_empty_file_refused(tmp_path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"")
    with pytest.raises(InvalidField, match="empty"):
        check_file(path)


def test_too_large_refused_without_reading(tmp_path) -> None:
    path = tmp_path / "big.pdf"
    with path.open("wb") as f:  # a sparse 2 GB file: its size alone refuses it
        f.write(b"%PDF-")
        f.truncate(2 * 1000 * 1000 * 1000)
    with pytest.raises(InvalidField, match="too large .*25 MB"):
        check_file(path)
    with pytest.raises(InvalidField, match="limit is 1 MB"):
        check_content(PDF, 2 * d.MB, max_bytes=d.MB)
    assert check_content(PDF, d.MB, max_bytes=d.MB) is DocumentType.PDF


def test_heic_refused_clearly_without_a_reader(monkeypatch) -> None:
    monkeypatch.setattr(d, "heic_supported", lambda: False)
    with pytest.raises(InvalidField, match="HEIC .*JPEG or PNG"):
        check_content(HEIC, len(HEIC))
    monkeypatch.setattr(d, "heic_supported", lambda: True)
    assert check_content(HEIC, len(HEIC)) is DocumentType.HEIC
    assert "HEIC" in d.accepted_label()


def test_a_pdf_under_any_name_is_shown_as_pdf(tmp_path) -> None:
    path = tmp_path / "x.pdf.exe"
    path.write_bytes(PDF)
    checked = check_file(path)
    assert checked.type is DocumentType.PDF and checked.size == len(PDF)
    assert checked.name == "x_pdf_exe.pdf"


@pytest.mark.parametrize(
    ("hostile", "kind", "expected"),
    [
        ("../../x.pdf", DocumentType.PDF, "x.pdf"),
        ("..\\..\\Windows\\system32\\x.pdf", DocumentType.PDF, "x.pdf"),
        ("a\x00b.pdf", DocumentType.PDF, "a b.pdf"),
        ("a\nb\t\tc\u202e.pdf", DocumentType.PDF, "a b c.pdf"),
        (".pdf", DocumentType.PDF, "document.pdf"),
        ("", DocumentType.PNG, "document.png"),
        ("CON.pdf", DocumentType.PDF, "_CON.pdf"),
        ("lpt1", DocumentType.JPEG, "_lpt1.jpg"),
        ("photo.png", DocumentType.JPEG, "photo.jpg"),
        ("scan.JPEG", DocumentType.JPEG, "scan.jpg"),
        ("bilan: 2024/03*?.pdf", DocumentType.PDF, "03__.pdf"),
        ("  ordonnance   mars .pdf ", DocumentType.PDF, "ordonnance mars.pdf"),
    ],
)
def test_hostile_names_are_neutralised(hostile, kind, expected) -> None:
    assert safe_name(hostile, kind) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_name("é" * 500 + ".pdf", DocumentType.PDF)
    assert len(name) <= d.MAX_NAME and name.endswith(".pdf") and name.startswith("éé")


def test_names_never_carry_separators_or_controls() -> None:
    for hostile in ["../" * 50 + "x", "\x01\x02\x7f/..\\", "a" * 1000, "\u2028.."]:
        name = safe_name(hostile, DocumentType.PDF)
        assert name and len(name) <= d.MAX_NAME
        assert not any(c in name for c in "/\\\x00\x01\x7f:")
        assert name not in (".", "..")
