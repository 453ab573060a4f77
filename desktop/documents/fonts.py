"""The TrueType fonts every Passerelle PDF is set in, loaded from the shipped ``resources/fonts``.

The standard PDF fonts (Helvetica…) are not embedded and cover Latin-1 only;
a French prescription needs "œ", "µ", "·" and must print the same on every
machine, so the documents embed DejaVu Sans, bundled with the application
(``resources/fonts``, with its licence) rather than taken from the system:
the practice's computer runs Windows or macOS, which do not have it.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop.core.errors import PasserelleError

REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"


class FontMissing(PasserelleError):
    """A font shipped with Passerelle cannot be found or read: the installation is incomplete."""


@dataclass(frozen=True)
class DocumentFonts:
    """The reportlab names of the registered faces, for styles and ``setFont``."""

    regular: str
    bold: str


def resources_folder() -> Path:
    """``resources/`` from a source checkout or a frozen bundle, as ``desktop.ui.resources``.

    Kept apart from the Qt helper so that the documents stay a Qt-free library.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def fonts_folder() -> Path:
    return resources_folder() / "fonts"


_lock = threading.Lock()
_registered: DocumentFonts | None = None


def document_fonts() -> DocumentFonts:
    """Register the fonts once per process (parsing a TTF costs tens of milliseconds)."""
    global _registered
    with _lock:
        if _registered is None:
            fonts = DocumentFonts(regular="Passerelle-Sans", bold="Passerelle-Sans-Bold")
            _register(fonts.regular, REGULAR_FILE)
            _register(fonts.bold, BOLD_FILE)
            pdfmetrics.registerFontFamily(
                fonts.regular,
                normal=fonts.regular,
                bold=fonts.bold,
                italic=fonts.regular,
                boldItalic=fonts.bold,
            )
            _registered = fonts
        return _registered


def _register(name: str, file_name: str) -> None:
    path = fonts_folder() / file_name
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (OSError, TTFError) as exc:
        raise FontMissing(
            f"The font {file_name} shipped with Passerelle cannot be read from {path} ({exc}). "
            "The installation is incomplete: reinstall Passerelle."
        ) from exc


def unprintable(text: str) -> str:
    """The characters of ``text`` the document fonts have no glyph for (they would print as boxes)."""
    fonts = document_fonts()
    covered = [pdfmetrics.getFont(name).face.charToGlyph for name in (fonts.regular, fonts.bold)]
    missing = dict.fromkeys(
        c for c in text if not c.isspace() and any(ord(c) not in glyphs for glyphs in covered)
    )
    return "".join(missing)
