"""What the screenshot scripts share: an offscreen Qt application in the language asked for,
with its own settings folder, and ways to let it run until something is on screen.

Imported by scripts/screenshots*.py (``from shots import …``: they run as scripts from
the repository root, with scripts/ on sys.path).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # desktop/, tests/support

from desktop.ui import app as app_module
from desktop.ui.qt import QApplication, QSettings


def pump(seconds: float) -> None:
    """Let the window and its workers run for ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def until(predicate: Callable[[], object], timeout: float = 30.0) -> None:
    """Run the window until ``predicate()`` holds; TimeoutError after ``timeout`` s."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError("not there in time")
        pump(0.05)


def arguments() -> tuple[Path, str]:
    """``OUT [fr|en]`` from the command line: the folder (made) and the language."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    lang = sys.argv[2] if len(sys.argv) > 2 else "fr"
    out.mkdir(parents=True, exist_ok=True)
    return out, lang


def application(lang: str, prefix: str, own_settings: bool = True) -> tuple[QApplication, Path]:
    """The application in ``lang`` and a scratch folder; with ``own_settings`` the
    workstation's settings live in that folder, not in the user's."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if own_settings:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          str(folder / "settings"))
    app = app_module.make_application()
    app_module.install_translations(app, lang)
    return app, folder
