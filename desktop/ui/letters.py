"""Invitation letters in the window: made for chosen patients, previewed, printed or saved.

The invitations are made on the store's worker (``prepare_letters``), the
PDF is drawn on the compute lane, the preview and the printing happen here,
one page per turn of the event loop so that thirty letters never freeze the
window. The letters are shown from memory: a file exists only where the
person saves one (audited, as every document that leaves the store).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from desktop.documents.letter import render_letters
from desktop.sync.letters import LetterBatch, prepare_letters, save_letters
from desktop.ui.dialogs import button
from desktop.ui.document_viewer import DocumentDialog
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLocale,
    QMessageBox,
    QObject,
    QPainter,
    QPdfDocument,
    QSize,
    QTimer,
    QWidget,
    Signal,
)
from desktop.ui.session import Session


def document_language() -> str:
    """The documents follow the window: French when the window is in French."""
    return "fr" if QLocale().language() == QLocale.Language.French else "en"


class LetterDialog(DocumentDialog):
    """The letters' preview with "Print…" beside "Save as…"."""

    def __init__(self, parent: QWidget | None, data: bytes, name: str,
                 save: Callable[[str], None]) -> None:
        super().__init__(parent, data, "application/pdf", name, save)
        self.setObjectName("letterDialog")
        self.data = data
        self.printing: PdfPrinting | None = None
        self.print_button = button(self.tr("Print…"), "printLetterButton", self.print_letters)
        self.print_button.setProperty("primary", True)
        self.print_button.setAutoDefault(False)
        bottom = self.layout().itemAt(self.layout().count() - 1).layout()
        bottom.insertWidget(bottom.indexOf(self.save_button), self.print_button)

    def choose_printer(self) -> Any:
        """The printer the person picks (``None``: cancelled); tests give a PDF printer."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None

    def print_letters(self) -> None:
        printer = self.choose_printer()
        if printer is None:
            return
        self.print_button.setEnabled(False)
        self.printing = PdfPrinting(self.data, printer, self)
        self.printing.finished.connect(lambda _ok: self.print_button.setEnabled(True))
        self.printing.start()


class PdfPrinting(QObject):
    """Sends a PDF to a printer, a page per event-loop turn; ``finished(ok)`` at the end."""

    finished = Signal(bool)

    def __init__(self, data: bytes, printer: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.printer = printer
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf = QPdfDocument(self)
        self.painter: QPainter | None = None
        self.page = 0

    def start(self) -> None:
        self.pdf.statusChanged.connect(self._status)
        self.pdf.load(self.buffer)
        self._status(self.pdf.status())

    def _status(self, status: Any) -> None:
        if status == QPdfDocument.Status.Ready and self.painter is None:
            self.painter = QPainter()
            if not self.painter.begin(self.printer):
                self.finished.emit(False)
                return
            QTimer.singleShot(0, self._next_page)
        elif status == QPdfDocument.Status.Error:
            self.finished.emit(False)

    def _next_page(self) -> None:
        assert self.painter is not None
        if self.page:
            self.printer.newPage()
        target = self.painter.viewport()
        # Drawn at the printer's resolution, capped: a 1200 dpi printer gets 300 dpi images.
        points = self.pdf.pagePointSize(self.page)
        scale = min(target.width() / points.width(), 300 / 72)
        image = self.pdf.render(self.page, QSize(int(points.width() * scale),
                                                 int(points.height() * scale)))
        self.painter.drawImage(target, image)
        self.page += 1
        if self.page < self.pdf.pageCount():
            QTimer.singleShot(0, self._next_page)
            return
        self.painter.end()
        self.finished.emit(True)


class Letters(QObject):
    """Makes the letters for a screen: invite who needs it, draw, preview; who was left out
    is said. ``shown(dialog)`` once a preview is open."""

    shown = Signal(object)

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self.dialog: LetterDialog | None = None
        # The letters carry codes: they leave the screen with the key.
        session.locked.connect(self.close)

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None

    def make(self, patient_ids: Sequence[str]) -> None:
        ws = self.session.workstation
        if ws is None or not patient_ids:
            return
        me = self.session.me()
        actor = me.id if me else None
        language = document_language()
        ids = list(patient_ids)

        def prepared(batch: LetterBatch) -> None:
            skipped = "; ".join(f"{o.name or o.patient_id} ({self._reason(o.reason)})"
                                for o in batch.left_out)
            if not batch.letters:
                QMessageBox.information(self.widget, self.tr("Invitation letters"),
                                        self.tr("No letter to print: {0}.").format(skipped))
                return
            Operation(self, render_letters, batch.letters, language=language).success(
                lambda data: self._show(batch, data, skipped, actor)).run("compute")

        self.session.act(lambda: prepare_letters(ws, ids, actor_id=actor), changed="patients",
                         parent=self, done=prepared)

    def _show(self, batch: LetterBatch, data: bytes, skipped: str, actor: str | None) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        count = len(batch.letters)
        name = (self.tr("Invitation letter") if count == 1
                else self.tr("Invitation letters")) + ".pdf"

        def save(path: str) -> None:
            self.session.act(save_letters, ws, data, path, batch.patient_ids, actor,
                             parent=self)

        self.close()
        dialog = LetterDialog(self.widget, data, name, save)
        dialog.setWindowTitle(self.tr("Invitation letter for {0}").format(
            batch.letters[0].patient_name) if count == 1
            else self.tr("{0} invitation letters").format(count))
        if skipped:
            dialog.details.setText(self.tr("No letter for: {0}").format(skipped))
        self.dialog = dialog
        dialog.show()
        self.shown.emit(dialog)

    def _reason(self, reason: str) -> str:
        return {
            "already enrolled": self.tr("already enrolled"),
            "not a patient of this practice": self.tr("not a patient of this practice"),
        }.get(reason, reason)
