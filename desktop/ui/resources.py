"""Where the style sheet, icons and translations are, from source or from a frozen bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from desktop.ui.qt import QIcon


def folder() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@cache
def icon(name: str) -> QIcon:
    path = folder() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def style_sheet() -> str:
    path = folder() / "style.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def translations() -> Path:
    return folder() / "translations"
