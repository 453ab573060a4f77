"""Render the application icon for the installers from ``resources/icons/passerelle.svg``.

The window draws that SVG itself; Windows wants an ``.ico`` (the executable,
the installer, the Start-menu entry) and macOS an ``.icns`` (the .app, the
Finder). Both are made here from one 1024-pixel rendering, so the icon has
one source. Run it again when the SVG changes:

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "passerelle.svg"
OUT = Path(__file__).resolve().parent / "icons"


def render_png(size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    if not image.save(str(target)):
        raise SystemExit(f"could not write {target}")


def main() -> int:
    from PIL import Image

    OUT.mkdir(exist_ok=True)
    png = OUT / "passerelle.png"
    render_png(1024, png)
    image = Image.open(png)
    image.save(OUT / "passerelle.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    image.save(OUT / "passerelle.icns")
    for name in ("passerelle.png", "passerelle.ico", "passerelle.icns"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
