"""The global exception hook: the window shows what went wrong and never just vanishes.

Any exception nobody caught — on the GUI thread, in a worker thread, or in an
operation without its own failure callback — is written to the log file and
shown in a dialog. An error meant for people (``PasserelleError``: a wrong
passphrase, a refused request) is shown as a warning with its own words; any
other is a bug: the dialog says so and where the log is.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from desktop.core.errors import PasserelleError
from desktop.ui.qt import QApplication, QMessageBox, QObject, QTimer, Signal

log = logging.getLogger("passerelle")

_log_file: Path | None = None
# What was shown, most recent last (tests read it; a person reads the dialog).
shown: list[str] = []


def setup_logging(folder: Path) -> Path:
    """A rotating log file in ``folder``: never patient text, only what went wrong."""
    global _log_file
    folder.mkdir(parents=True, exist_ok=True)
    _log_file = folder / "passerelle.log"
    handler = logging.handlers.RotatingFileHandler(
        _log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return _log_file


class _Bridge(QObject):
    """Carries a report from any thread to the GUI thread."""

    show = Signal(str, str, bool)


_bridge: _Bridge | None = None
_open: list[QMessageBox] = []


def _show(title: str, text: str, is_bug: bool) -> None:
    shown.append(text)
    app = QApplication.instance()
    if app is None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical if is_bug else QMessageBox.Icon.Warning,
        title, text, QMessageBox.StandardButton.Ok, app.activeWindow(),
    )
    box.setObjectName("errorDialog")
    box.setModal(True)
    # Without a parent window Python owns the box: keep it alive until it is closed.
    _open.append(box)
    box.finished.connect(lambda _: _open.remove(box) if box in _open else None)
    box.open()  # not exec(): a nested event loop would freeze timers and sync


def report(exc: BaseException) -> None:
    """Log ``exc`` and show it to the person at the desk (from any thread)."""
    tr = QApplication.translate
    if isinstance(exc, PasserelleError):
        log.warning("%s: %s", type(exc).__name__, exc)
        title, text, is_bug = tr("errors", "Passerelle"), str(exc), False
    else:
        log.error("unexpected error\n%s", "".join(traceback.format_exception(exc)))
        where = str(_log_file) if _log_file else tr("errors", "the terminal")
        title = tr("errors", "Passerelle — unexpected error")
        text = tr(
            "errors",
            "Something went wrong that should not have: {error}\n\n"
            "Nothing you saved is lost. Details were written to {log}.",
        ).format(error=type(exc).__name__, log=where)
        is_bug = True
    if _bridge is not None:
        _bridge.show.emit(title, text, is_bug)
    else:
        shown.append(text)  # no window (tests, scripts): keep it to be read


def install() -> None:
    """Route uncaught exceptions of every thread to :func:`report`."""
    global _bridge
    _bridge = _Bridge()
    _bridge.show.connect(_show)

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QTimer.singleShot(0, QApplication.quit)
            return
        report(exc.with_traceback(tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            report(args.exc_value)

    sys.excepthook = hook
    threading.excepthook = thread_hook
