"""Starting the window: ``passerelle`` (the practice's store) or ``passerelle --demo``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from desktop.ui import config, errors, operations
from desktop.ui.qt import (
    QApplication,
    QCoreApplication,
    QEvent,
    QGuiApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QStandardPaths,
    Qt,
    QTimer,
    QTranslator,
)
from desktop.ui.resources import icon, style_sheet, translations

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="passerelle", description="Passerelle, the practice window")
    p.add_argument("--demo", action="store_true",
                   help="a throwaway practice with synthetic patients on an in-process relay")
    p.add_argument("--store", type=Path, help="the store file (default: the per-user data folder)")
    p.add_argument("--lang", choices=["fr", "en"], help="language (default: the system's)")
    p.add_argument("--patients", type=int, default=36, help=argparse.SUPPRESS)
    return p


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with our names, style and translations (tests use it too)."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or [sys.argv[0]])
    app.setOrganizationName("Passerelle")
    app.setApplicationName("Passerelle")
    app.setApplicationDisplayName("Passerelle")
    app.setWindowIcon(icon("passerelle"))
    app.setStyleSheet(style_sheet())
    return app  # type: ignore[return-value]


def install_translations(app: QApplication, language: str | None) -> str:
    """French or English; returns the one chosen. English is the source language."""
    lang = language or config.LANGUAGE.read() or QLocale.system().name().split("_")[0]
    if lang != "fr":
        return "en"
    for name, folder in (("passerelle_fr", str(translations())),
                         ("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))):
        t = QTranslator(app)
        if t.load(name, folder):
            app.installTranslator(t)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    return "fr"


def data_folder() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


SMOKE_TEST_ENV = "PASSERELLE_SMOKE_TEST"


def _smoke_test(app: QApplication, window, started: float) -> None:  # type: ignore[no-untyped-def]
    """For installer/build_and_smoke.py: once the unlock screen is first painted, print
    what a frozen bundle can get wrong (translations, SVG icons, Qt's PDF module) and quit."""
    screen = window.unlock_screen
    qt_context = "QPlatformTheme"

    def pdf_pages() -> dict[str, object]:
        """Pages Qt's PDF module reads in a PDF made in memory, as the document preview does."""
        try:
            import io

            from reportlab.pdfgen.canvas import Canvas

            from desktop.ui.qt import QBuffer, QIODevice, QPdfDocument

            out = io.BytesIO()
            canvas = Canvas(out)
            canvas.drawString(72, 720, "Passerelle")
            canvas.showPage()
            canvas.save()
            buffer = QBuffer()
            buffer.setData(out.getvalue())
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document = QPdfDocument()
            document.load(buffer)
            deadline = time.monotonic() + 5
            while (document.status() == QPdfDocument.Status.Loading
                   and time.monotonic() < deadline):
                app.processEvents()
                time.sleep(0.01)
            ready = document.status() == QPdfDocument.Status.Ready
            found: dict[str, object] = {"pdf_pages": document.pageCount() if ready else 0}
            if not ready:
                found["pdf_error"] = f"{document.status().name}, {document.error().name}"
            document.close()
            return found
        except Exception as exc:  # noqa: BLE001 - reported: the report must still be printed
            return {"pdf_pages": 0, "pdf_error": f"{type(exc).__name__}: {exc}"}

    class FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint:
                screen.removeEventFilter(self)
                report = {
                    "unlock_screen_after_s": round(time.monotonic() - started, 3),
                    "unlock_button": screen.button.text(),
                    "window_icon": not app.windowIcon().pixmap(32, 32).isNull(),
                    # Qt's own catalogue (not ours: the context is a variable so that
                    # lupdate leaves it out of passerelle_fr.ts).
                    "qt_cancel": QCoreApplication.translate(qt_context, "Cancel"),
                }
                # Out of the paint event, which is no place to wait for a document to load.
                QTimer.singleShot(0, lambda: finish(report))
            return False

    def finish(report: dict[str, object]) -> None:
        checked = time.monotonic()
        report.update(pdf_pages())
        # Not part of the start-up: build_and_smoke.py takes it off its own timing.
        report["pdf_check_s"] = round(time.monotonic() - checked, 3)
        print("PASSERELLE_SMOKE " + json.dumps(report, ensure_ascii=False), flush=True)
        app.quit()

    screen.installEventFilter(FirstPaint(screen))


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    args = _parser().parse_args(argv)
    app = make_application()
    errors.setup_logging(data_folder() / "logs")
    errors.install()
    install_translations(app, args.lang)

    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session
    from desktop.ui.wizard import FirstRunWizard

    demo = None
    demo_folder: Path | None = None
    if args.demo:
        from desktop.ui.demo import DemoLauncher

        demo_folder = Path(tempfile.mkdtemp(prefix="passerelle-demo-"))
        demo = DemoLauncher(demo_folder, args.patients)
        path = demo.world.store_path
    else:
        path = args.store or Path(config.STORE_PATH.read() or data_folder() / "cabinet.passerelle")

    session = Session(path)
    from desktop.demo.people import DEMO_PIN

    window = MainWindow(session, demo_passphrase=demo.passphrase if demo else None,
                        demo_pin=DEMO_PIN if demo else None)
    if demo is not None:
        demo.attach(window)
        window.show()
    elif path.exists():
        window.show()
    else:
        wizard = FirstRunWizard(path)
        wizard.created.connect(session.adopt)
        wizard.accepted.connect(window.show)
        wizard.accepted.connect(lambda: config.STORE_PATH.write(str(path)))
        wizard.rejected.connect(app.quit)
        wizard.show()
    if os.environ.get(SMOKE_TEST_ENV):
        _smoke_test(app, window, started)
    # Ctrl+C in a terminal, or a service manager's SIGTERM: quit through Qt, so that
    # sync stops, the store closes and the demo's throwaway folder is removed.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer()
    wake.start(500)  # Python runs signal handlers only between Qt events
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        session.close()
        operations.drain()
        if demo is not None:
            demo.stop()
        if demo_folder is not None:
            shutil.rmtree(demo_folder, ignore_errors=True)
