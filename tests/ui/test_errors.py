"""The global exception hook: a bug shows a dialog and lands in the log; nothing vanishes."""

from __future__ import annotations

import logging
import sys

from desktop.core.errors import PasserelleError
from desktop.ui import errors
from desktop.ui.operations import Operation
from desktop.ui.qt import QMessageBox


def test_an_unhandled_error_in_background_work_is_shown_and_logged(qtbot, tmp_path):
    log_file = errors.setup_logging(tmp_path / "logs")
    saved_hooks = (sys.excepthook, __import__("threading").excepthook)
    errors.install()
    try:
        errors.shown.clear()

        def broken() -> None:
            raise ZeroDivisionError("a bug in background work")

        Operation(None, broken).run("compute")
        qtbot.waitUntil(lambda: bool(errors.shown), timeout=5000)
        assert "ZeroDivisionError" in errors.shown[-1]
        assert str(log_file) in errors.shown[-1]  # the dialog says where the details are
        dialogs = [w for w in qtbot_top_levels() if isinstance(w, QMessageBox)]
        assert dialogs and dialogs[-1].objectName() == "errorDialog"
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert "a bug in background work" in log_file.read_text(encoding="utf-8")

        # An error meant for people is shown in its own words.
        Operation(None, lambda: (_ for _ in ()).throw(
            PasserelleError("The relay refused the token."))).run("compute")
        qtbot.waitUntil(lambda: errors.shown[-1] == "The relay refused the token.", timeout=5000)
        for d in dialogs + [w for w in qtbot_top_levels() if isinstance(w, QMessageBox)]:
            d.close()
    finally:
        sys.excepthook, __import__("threading").excepthook = saved_hooks
        errors._bridge = None
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "baseFilename", "") == str(log_file):
                root.removeHandler(handler)
                handler.close()


def qtbot_top_levels():  # type: ignore[no-untyped-def]
    from desktop.ui.qt import QApplication

    return QApplication.topLevelWidgets()
