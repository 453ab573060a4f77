"""Text a patient typed, made printable in the documents' fonts: never a box for a glyph.

DejaVu Sans (the font every Passerelle PDF embeds) draws the symbols people
type in messages that sit in Unicode's first plane (❤ ☺ ✓ ☀ ★, in black and
white), and those are kept. Everything else — the emoji beyond that plane
(😀 👍), flags, a Chinese character the font lacks — is replaced by the
character's Unicode name in brackets, "[grinning face]", so that a record
filed in the patient's folder still says what was written. Beyond the first
plane even the emoji DejaVu draws are named: reportlab writes their text
mapping wrongly (a copy or a search of the PDF would find garbage), and a
record must be searchable. Invisible joiners and emoji presentation
selectors go, and a skin tone modifier with them (the name says enough).
"""

from __future__ import annotations

import threading
import unicodedata

from reportlab.pdfbase import pdfmetrics

from desktop.documents.fonts import document_fonts

# Zero-width joiner, variation selectors (text / emoji presentation), skin tones.
_DROPPED = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)}
_REGIONAL_A = 0x1F1E6  # regional indicators: two of them make a flag

_lock = threading.Lock()
_covered: frozenset[int] | None = None


def _glyphs() -> frozenset[int]:
    """The code points of the first plane both the regular and the bold face draw."""
    global _covered
    with _lock:
        if _covered is None:
            fonts = document_fonts()
            maps = [
                set(pdfmetrics.getFont(name).face.charToGlyph)
                for name in (fonts.regular, fonts.bold)
            ]
            _covered = frozenset(code for code in maps[0] & maps[1] if code <= 0xFFFF)
            _covered -= _DROPPED
        return _covered


def printable(text: str) -> str:
    """``text`` with every character the fonts cannot draw replaced by its name in brackets."""
    covered = _glyphs()
    if all(ord(ch) in covered or ch in "\n\r\t" for ch in text):
        return text  # the usual case, at the cost of one pass
    out: list[str] = []
    chars = list(text)
    i = 0
    while i < len(chars):
        ch = chars[i]
        code = ord(ch)
        i += 1
        if code in _DROPPED:
            continue
        if code in covered or ch in "\n\r\t":
            out.append(ch)
        elif _is_regional(code):
            letters = [chr(ord("A") + code - _REGIONAL_A)]
            if i < len(chars) and _is_regional(ord(chars[i])):
                letters.append(chr(ord("A") + ord(chars[i]) - _REGIONAL_A))
                i += 1
            out.append(f"[flag {''.join(letters)}]")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn"):
            out.append(" " if unicodedata.category(ch) == "Cc" else "")
        else:
            name = unicodedata.name(ch, "").lower()
            out.append(f"[{name}]" if name else f"[U+{code:04X}]")
    return "".join(out)


def _is_regional(code: int) -> bool:
    return _REGIONAL_A <= code <= _REGIONAL_A + 25
