"""Small dialogs that never block the event loop (``open()``, not ``exec()``)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    """A push button with an object name (for the style sheet and the tests) and its action."""
    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(slot)
    return b


class TextDialog(QDialog):
    """A title, an explanation and a text box; ``on_ok(text)`` when confirmed."""

    def __init__(self, parent: QWidget, title: str, explanation: str,
                 on_ok: Callable[[str], None], required: bool = True, ok_label: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("textDialog")
        self.setWindowTitle(title)
        self.on_ok = on_ok
        self.required = required
        label = QLabel(explanation)
        label.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("dialogText")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        if ok_label:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_label)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)
        self.resize(460, 260)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.text.toPlainText().strip()) or not self.required)

    def _ok(self) -> None:
        self.on_ok(self.text.toPlainText().strip())
        self.accept()


def ask_text(parent: QWidget, title: str, explanation: str, on_ok: Callable[[str], None],
             required: bool = True, ok_label: str = "") -> TextDialog:
    dialog = TextDialog(parent, title, explanation, on_ok, required, ok_label)
    dialog.open()
    return dialog
