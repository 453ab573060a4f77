"""What a person does with a document, wherever it is listed (a thread, a patient's list):
open it in the preview, save a copy out, download it now, stop a download, take back one
not sent yet; and what to say about its state.

The bytes are decrypted in memory off the GUI thread and handed to the preview; nothing is
written to disk except by "Save as…", which the workstation records in the patient's audit.
"""

from __future__ import annotations

from typing import Any

from desktop.core.documents import DocumentRefused, DocumentType, accepted_label
from desktop.store.documents import StoredDocument
from desktop.sync.engine import Transfer
from desktop.sync.practice_documents import open_stored, prescription_name
from desktop.ui import labels
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QCoreApplication,
    QFileDialog,
    QMessageBox,
    QObject,
    QStandardPaths,
    Qt,
    QWidget,
)
from desktop.ui.session import Session


def _t(text: str) -> str:
    return QCoreApplication.translate("DocumentActions", text)


def type_label(kind: str) -> str:
    try:
        return DocumentType(kind).label
    except ValueError:
        return kind


def refusal(exc: BaseException, name: str) -> str:
    """Why a file cannot be sent, in the practice's language."""
    if not isinstance(exc, DocumentRefused):
        return _t("{0}: {1}").format(name, exc)
    if exc.reason == "empty":
        why = _t("this file is empty: there is nothing to send.")
    elif exc.reason == "too_large":
        why = _t("this file is too large ({0}): the limit is {1} per file.").format(
            labels.size(exc.size), labels.size(exc.limit))
    elif exc.reason == "heic":
        why = _t("HEIC photos cannot be read on this computer: save the photo as JPEG or "
                 "PNG and attach it again.")
    elif exc.reason == "type":
        why = _t("this type of file cannot be sent. Accepted types: {0}.").format(
            accepted_label())
    else:
        why = _t("this file cannot be read.")
    return _t("{0}: {1}").format(name, why)


def state_text(doc: StoredDocument, transfer: Transfer | None, offline: bool) -> str:
    """Where a document stands, as the thread and the list show it ("" when ready)."""
    if transfer is not None and not transfer.finished and transfer.total:
        percent = int(100 * transfer.done / transfer.total)
        if transfer.direction == "upload":
            return _t("sending… {0} %").format(percent)
        return _t("downloading… {0} %").format(percent)
    if doc.sender == "practice" and not doc.uploaded:
        return _t("waiting for the connection to be sent") if offline else _t("to be sent")
    if doc.last_error:
        return _t("damaged: it failed its integrity check and cannot be opened")
    if not doc.downloaded:
        if transfer is not None and transfer.cancelled:
            return _t("download stopped")
        if offline:
            return _t("not downloaded yet: this workstation is offline")
        return _t("not downloaded yet")
    return ""


class DocumentActions(QObject):
    """Opens, saves, downloads documents for one screen (``parent``)."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self._open_when_ready: set[str] = set()
        self._dialogs: list[Any] = []
        session.transfer.connect(self._transfer)

    # -- opening ----------------------------------------------------------------

    def open(self, blob_id: str) -> None:
        """Show the document; one not here yet is downloaded first (then shown)."""
        doc = self._document(blob_id)
        if doc is None:
            return
        if doc.last_error:
            self._tell(_t("Document damaged"), _t(
                "This document failed its integrity check: it was not kept. Ask the "
                "patient to send it again."), QMessageBox.Icon.Warning)
            return
        if not doc.downloaded:
            if self.session.offline:
                self._tell(_t("Not downloaded yet"), _t(
                    "This document has not been downloaded yet and this workstation is "
                    "offline. It will be downloaded as soon as the connection returns."))
                return
            self._open_when_ready.add(blob_id)
            self.session.download_document(blob_id)
            return
        reader = self.session.reader
        Operation(self.widget, open_stored, reader, blob_id).success(
            lambda data: self._show(doc, data)).run("compute")

    def _show(self, doc: StoredDocument, data: bytes) -> None:
        self._preview(data, doc.type, doc.name, lambda path: self._save_to(doc.blob_id, path))

    def _preview(self, data: bytes, kind: str, name: str, save: Any) -> None:
        """The document in a window of its own (not modal: it may stay open beside the
        conversation); its "Save as…" calls ``save(path)``."""
        from desktop.ui.document_viewer import DocumentDialog

        dialog = DocumentDialog(self.widget, data, kind, name, save=save)
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [dialog]
        dialog.show()

    def _transfer(self, transfer: Transfer) -> None:
        if transfer.blob_id in self._open_when_ready and transfer.finished:
            self._open_when_ready.discard(transfer.blob_id)
            if not transfer.error and not transfer.cancelled:
                self.open(transfer.blob_id)

    def open_prescription(self, prescription_id: str) -> None:
        """Show a renewed prescription the practice issued (its PDF is in the store)."""
        reader = self.session.reader
        if reader is None:
            return
        prescription = reader.prescription(prescription_id)
        if prescription is None:
            return
        def show(data: bytes | None) -> None:
            if data is not None:
                self._preview(data, "application/pdf", prescription_name(prescription),
                              lambda path: self._save_prescription(prescription_id, path))

        Operation(self.widget, reader.prescription_pdf, prescription_id).success(show).run(
            "compute")

    def save_prescription_as(self, prescription_id: str) -> None:
        reader = self.session.reader
        prescription = reader.prescription(prescription_id) if reader is not None else None
        if prescription is None:
            return
        path = self._ask_path(prescription_name(prescription), "application/pdf")
        if path:
            self._save_prescription(prescription_id, path)

    def _save_prescription(self, prescription_id: str, path: str) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        me = self.session.me()
        self.session.act(ws.practice_documents.save_prescription, prescription_id, path,
                         me.id if me else None, done=self._saved, parent=self.widget)

    # -- saving -----------------------------------------------------------------

    def save_as(self, blob_id: str) -> None:
        """Ask where, then write a copy there (recorded in the patient's audit)."""
        doc = self._document(blob_id)
        if doc is None:
            return
        if not doc.downloaded:
            self.open(blob_id)  # says why, or downloads it
            return
        path = self._ask_path(doc.name, doc.type)
        if path:
            self._save_to(blob_id, path)

    def _ask_path(self, name: str, kind: str) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(
            self.widget, _t("Save a copy of the document"), f"{folder}/{name}",
            f"{type_label(kind)} (*{_extension(kind)})")
        return path

    def _save_to(self, blob_id: str, path: str) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        me = self.session.me()
        self.session.act(ws.practice_documents.save, blob_id, path, me.id if me else None,
                         done=self._saved, parent=self.widget)

    def _saved(self, target: Any) -> None:
        self.session.changed.emit("patients")  # the audit shows it
        window = self.widget.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(_t("Saved to {0}").format(str(target)), 8000)

    # -- transfers ----------------------------------------------------------------

    def download(self, blob_id: str) -> None:
        self.session.download_document(blob_id)

    def stop(self, blob_id: str) -> None:
        self._open_when_ready.discard(blob_id)
        self.session.cancel_download(blob_id)

    def withdraw(self, message_id: str) -> None:
        """Take back a message whose documents are not sent yet, once the person agrees."""
        box = self._tell(_t("Cancel sending"), _t(
            "Cancel sending this message and its documents? The patient will not "
            "receive it."), QMessageBox.Icon.Question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes.value:
                self.session.withdraw(message_id, failed=self._not_withdrawn,
                                      parent=self.widget)

        box.finished.connect(answered)

    def _not_withdrawn(self, exc: BaseException) -> None:
        self._tell(_t("Cancel sending"), _t("Too late: the message has already been sent."))

    def _tell(
        self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information,
        buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    ) -> QMessageBox:
        """A message box that does not stop the window (open(), not exec())."""
        box = QMessageBox(icon, title, text, buttons, self.widget)
        box.setObjectName("documentMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box

    def _document(self, blob_id: str) -> StoredDocument | None:
        from desktop.store.documents import DocumentStore

        reader = self.session.reader
        return DocumentStore(reader).get(blob_id) if reader is not None else None


def _extension(kind: str) -> str:
    try:
        return DocumentType(kind).extension
    except ValueError:
        return ""
