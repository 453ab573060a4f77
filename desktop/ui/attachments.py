"""The files a person is about to send with a message: chosen in a file dialog or dropped on
the conversation, each checked at once (type by content, the practice's limit) so that a
refusal is said before anything is stored or uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop.core.documents import MAX_FILES, CheckedFile, DocumentRefused, check_file, safe_name
from desktop.ui import labels
from desktop.ui.document_actions import refusal, type_label
from desktop.ui.qt import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QMimeData,
    QStandardPaths,
    QToolButton,
    QWidget,
)


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries (none for text, links or remote URLs)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class AttachmentBar(QWidget):
    """The files staged for the next message, one removable chip each; hidden when empty."""

    def __init__(self, limit: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentBar")
        self._limit = limit
        self._files: list[CheckedFile] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._title = QLabel(self.tr("To send:"))
        self._layout.addWidget(self._title)
        self._layout.addStretch(1)
        self.setVisible(False)

    def files(self) -> list[Path]:
        return [f.path for f in self._files]

    def clear(self) -> None:
        self._files = []
        self._redraw()

    def choose(self) -> None:
        """The file dialog: several files at once."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Attach documents"), folder,
            self.tr("Documents (*.pdf *.jpg *.jpeg *.png *.heic);;All files (*)"))
        if paths:
            self.add([Path(p) for p in paths])

    def add(self, paths: list[Path]) -> list[str]:
        """Check and stage files; a refused one is not staged and the person is told why
        (returns those messages)."""
        refused: list[str] = []
        for path in paths:
            name = safe_name(path.name) or path.name
            if len(self._files) >= MAX_FILES:
                refused.append(self.tr("{0}: a message carries at most {1} documents.").format(
                    name, MAX_FILES))
                continue
            try:
                checked = check_file(path, self._limit())
            except DocumentRefused as exc:
                refused.append(refusal(exc, name))
                continue
            if any(f.path == checked.path for f in self._files):
                continue
            self._files.append(checked)
        self._redraw()
        if refused:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not attached"),
                              self.tr("These files cannot be sent:"),
                              QMessageBox.StandardButton.Ok, self)
            box.setObjectName("attachmentRefused")
            box.setInformativeText("\n".join("• " + line for line in refused))
            box.open()  # not exec(): the window keeps running
            self._refusal = box
        return refused

    def _remove(self, path: Path) -> None:
        self._files = [f for f in self._files if f.path != path]
        self._redraw()

    def _redraw(self) -> None:
        while self._layout.count() > 2:  # the title and the stretch stay
            item = self._layout.takeAt(1)
            if item.widget() is not None:
                item.widget().deleteLater()
        for f in self._files:
            chip = QToolButton()
            chip.setObjectName("attachmentChip")
            chip.setText(f"{f.name} · {type_label(str(f.type))} · {labels.size(f.size)}  ✕")
            chip.setToolTip(self.tr("Remove {0}").format(f.name))
            chip.clicked.connect(lambda _=False, p=f.path: self._remove(p))
            self._layout.insertWidget(self._layout.count() - 1, chip)
        self.setVisible(bool(self._files))
