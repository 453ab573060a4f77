"""What every Passerelle PDF shares: A4 pages, a footer with "Page n/N", reproducible bytes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FOOTER_GREY = colors.HexColor("#6b6b6b")
RULE_GREY = colors.HexColor("#b8b8b8")
# The footer sits under this line; frames end above it.
FOOTER_RULE = 20 * mm


def markup(text: str) -> str:
    """Text a person typed, made safe for a reportlab ``Paragraph`` (``<``, ``&``; line breaks kept)."""
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines())


def pdf_date(day: date) -> Callable[..., str]:
    """A date formatter for the PDF metadata that writes ``day``, not the moment of rendering.

    With reportlab's ``invariant`` mode it makes the same document give the
    same bytes whenever it is rendered again (the file id is a digest of the
    content), so a re-sent or re-rendered PDF is recognisably the same file.
    """
    stamp = f"D:{day.year:04d}{day.month:02d}{day.day:02d}000000"
    return lambda *_parts: stamp


def canvas_with_footer(
    footer: Sequence[str],
    font: str,
    font_size: float,
    stamp: Callable[..., str],
    number_single_page: bool = False,
) -> type[Canvas]:
    """A canvas class that writes the ``footer`` lines on every page, and "Page n/N" if several
    (or always, with ``number_single_page``: a record filed page by page says it is whole).

    A line too wide for the page is wrapped.

    The page count is only known at the end, so pages are kept until ``save``
    (the usual reportlab recipe) and the footers drawn then.
    """

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(stamp)
            self._kept_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept_pages)
            for number, state in enumerate(self._kept_pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            self.saveState()
            self.setStrokeColor(RULE_GREY)
            self.setLineWidth(0.4)
            self.line(MARGIN, FOOTER_RULE, PAGE_WIDTH - MARGIN, FOOTER_RULE)
            self.setFillColor(FOOTER_GREY)
            self.setFont(font, font_size)
            lines = [
                part
                for line in footer
                for part in simpleSplit(line, font, font_size, PAGE_WIDTH - 2 * MARGIN)
            ]
            if total > 1 or number_single_page:
                lines.append(f"Page {number}/{total}")
            y = FOOTER_RULE - 4.5 * mm
            for line in lines:
                self.drawCentredString(PAGE_WIDTH / 2, y, line)
                y -= font_size * 1.35
            self.restoreState()

    return FooterCanvas
