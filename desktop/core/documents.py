"""Documents a person attaches: which files are accepted, and under which name they are shown.

Plain rules, no I/O beyond reading a file's first bytes and its size. The type of
a file is decided by its content (magic bytes), never by its name: an ``.exe``
renamed ``.pdf`` is refused, and a PDF named ``x.exe`` is shown as ``x.pdf``.
Names coming from patients are never trusted: :func:`safe_name` turns any
string into one that is harmless to show and to offer in a "Save as…" dialog.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from desktop.core.errors import InvalidField

MB = 1000 * 1000
#: The practice's default limit per file (the issue's "25 MB"); the practice may change it.
DEFAULT_MAX_BYTES = 25 * MB
#: The bounds a practice may set its limit within: the relay's own hard limit is
#: 100 MiB of ciphertext (relay/config.py), a little more than 100 MB of document.
MIN_LIMIT_BYTES = 1 * MB
MAX_LIMIT_BYTES = 100 * MB
#: The store setting that holds the practice's limit, in bytes.
LIMIT_SETTING = "document_max_bytes"
#: How many documents one message may carry.
MAX_FILES = 10
#: Longest name shown or proposed, extension included.
MAX_NAME = 120
#: How many bytes the sniffing reads.
SNIFF_BYTES = 32


class DocumentRefused(InvalidField):
    """A file that cannot be sent. ``reason`` (``empty``, ``too_large``, ``type``,
    ``heic``, ``unreadable``) with ``size`` and ``limit`` let the window say it in the
    practice's language; the message says it in English."""

    def __init__(self, message: str, reason: str, size: int = 0, limit: int = 0) -> None:
        super().__init__(message)
        self.reason, self.size, self.limit = reason, size, limit


class DocumentType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    HEIC = "image/heic"

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_EXTENSIONS = {
    DocumentType.PDF: ".pdf",
    DocumentType.JPEG: ".jpg",
    DocumentType.PNG: ".png",
    DocumentType.HEIC: ".heic",
}
_LABELS = {
    DocumentType.PDF: "PDF",
    DocumentType.JPEG: "JPEG",
    DocumentType.PNG: "PNG",
    DocumentType.HEIC: "HEIC",
}

_HEIC_BRANDS = {b"heic", b"heix", b"mif1"}


def heic_supported() -> bool:
    """Whether a library that can read HEIC images (pillow-heif) is installed."""
    try:
        import pillow_heif  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def check_limit(value: object) -> int:
    """A practice's per-file limit, in bytes; ``InvalidField`` outside the bounds."""
    if not isinstance(value, int) or isinstance(value, bool) or not (
        MIN_LIMIT_BYTES <= value <= MAX_LIMIT_BYTES
    ):
        raise InvalidField(
            f"The size limit per document is between {_size(MIN_LIMIT_BYTES)} and "
            f"{_size(MAX_LIMIT_BYTES)}."
        )
    return value


def accepted_types() -> list[DocumentType]:
    found = [DocumentType.PDF, DocumentType.JPEG, DocumentType.PNG]
    if heic_supported():
        found.append(DocumentType.HEIC)
    return found


def accepted_label() -> str:
    """"PDF, JPEG, PNG" (and HEIC where it can be read): for the messages."""
    return ", ".join(t.label for t in accepted_types())


def sniff(head: bytes) -> DocumentType | None:
    """The type of a file from its first bytes, or ``None`` for anything else."""
    if head.startswith(b"%PDF-"):
        return DocumentType.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return DocumentType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return DocumentType.PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return DocumentType.HEIC
    return None


def check_content(head: bytes, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentType:
    """The accepted type of a file of ``size`` bytes starting with ``head``, or
    ``InvalidField`` saying why it is refused (empty, too large, not an accepted type)."""
    if size <= 0:
        raise DocumentRefused("This file is empty: there is nothing to send.", "empty")
    if size > max_bytes:
        raise DocumentRefused(
            f"This file is too large ({_size(size)}): the limit is {_size(max_bytes)} per file.",
            "too_large", size, max_bytes,
        )
    kind = sniff(head)
    if kind is DocumentType.HEIC and not heic_supported():
        raise DocumentRefused(
            "HEIC photos cannot be read on this computer: save the photo as JPEG or PNG "
            f"and attach it again. Accepted types: {accepted_label()}.", "heic",
        )
    if kind is None:
        raise DocumentRefused(
            f"This type of file cannot be sent. Accepted types: {accepted_label()}.", "type"
        )
    return kind


@dataclass(frozen=True)
class CheckedFile:
    """A file on disk that may be attached: its type, size and the name to show."""

    path: Path
    type: DocumentType
    size: int
    name: str


def check_file(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Check a file before anything is uploaded: its size first (a 2 GB file is refused
    without being read), then its content. ``InvalidField`` with a clear message."""
    path = Path(path)
    try:
        if not path.is_file():
            raise DocumentRefused(
                f"{safe_name(path.name) or 'This'}: not a file that can be sent.", "unreadable")
        size = path.stat().st_size
        if size <= 0 or size > max_bytes:
            check_content(b"", size, max_bytes)
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise DocumentRefused(f"This file cannot be read ({exc.strerror or exc}).",
                              "unreadable") from None
    kind = check_content(head, size, max_bytes)
    return CheckedFile(path, kind, size, safe_name(path.name, kind))


def check_files(paths: Sequence[Path | str], max_bytes: int = DEFAULT_MAX_BYTES
                ) -> list[CheckedFile]:
    """The files of one message, every one checked before anything is stored or sent;
    ``InvalidField`` names each refused file and why (the accepted ones are not sent
    either: the person decides again)."""
    if not paths:
        raise InvalidField("Choose at least one file to send.")
    if len(paths) > MAX_FILES:
        raise InvalidField(f"A message carries at most {MAX_FILES} documents.")
    checked, refused = [], []
    for path in paths:
        try:
            checked.append(check_file(path, max_bytes))
        except InvalidField as exc:
            refused.append(f"{safe_name(Path(path).name)}: {exc}")
    if refused:
        raise InvalidField("\n".join(refused))
    return checked


_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
_SPACES = re.compile(r"\s+")
_KNOWN_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".heif"}


def safe_name(name: str, kind: DocumentType | None = None, default: str = "document") -> str:
    """A harmless name for display and "Save as…": no path, no control character, no
    Windows-reserved name, at most :data:`MAX_NAME` characters, and — when ``kind`` is
    given — the extension of the sniffed type in place of whatever the name said."""
    if not isinstance(name, str):
        name = ""
    name = unicodedata.normalize("NFC", name)
    # Path separators and other characters a file system reads: the last part counts.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") else ch
        for ch in name
    )
    name = _FORBIDDEN.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, ext = os.path.splitext(name)
    if not stem and ext:  # ".pdf": all extension, no name
        stem, ext = ext.lstrip("."), ""
    if kind is not None:
        # The sniff decides: drop a known extension the name carried, add the right one.
        if ext.lower() in _KNOWN_EXTENSIONS:
            ext = ""
        else:
            stem = (stem + ext) if ext else stem
            ext = ""
        stem = stem.strip(" .")
        ext = kind.extension
    elif len(ext) > 10 or not re.fullmatch(r"\.[\w]+", ext or ".x"):
        stem, ext = stem + ext, ""
    # "x.pdf.exe" → kept as text in the stem, but a dot can no longer make it look
    # like another extension to a file manager.
    stem = stem.replace(".", "_") if kind is not None else stem
    if not stem or (kind is not None and stem.lower() in ("pdf", "jpg", "jpeg", "png", "heic")):
        stem = default
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = stem[: MAX_NAME - len(ext)].rstrip(" .") or default
    return stem + ext


def size_text(n: int) -> str:
    """A size as people read it: "2.4 MB", "310 kB", "12 bytes"."""
    return _size(n)


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB".replace(".0 MB", " MB")
    if n >= 1000:
        return f"{n / 1000:.0f} kB"
    return f"{n} bytes"
