"""The practice's canned replies, edited in the settings: pick one, change it, save."""

from __future__ import annotations

from desktop.ui.qt import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session


class CannedRepliesEditor(QGroupBox):
    """A list on the left, the chosen reply on the right; new, save, delete."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Canned replies"), parent)
        self.session = session
        self.setObjectName("cannedRepliesEditor")
        self.list = QListWidget()
        self.list.setObjectName("cannedList")
        self.list.setMaximumWidth(260)
        self.list.currentItemChanged.connect(lambda *_: self._show())
        self.title = QLineEdit()
        self.title.setObjectName("cannedTitle")
        self.body = QPlainTextEdit()
        self.body.setObjectName("cannedBody")
        self.body.setFixedHeight(110)
        self.error = QLabel("")
        self.error.setObjectName("formError")
        new = QPushButton(self.tr("New"))
        new.setObjectName("newCanned")
        new.clicked.connect(self.new)
        save = QPushButton(self.tr("Save reply"))
        save.setObjectName("saveCanned")
        save.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("deleteCanned")
        self.delete_button.clicked.connect(self.delete)
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Text"), self.body)
        buttons = QHBoxLayout()
        for b in (new, save, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.error)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)

    def load(self, keep: int | None = None) -> None:
        reader = self.session.reader
        self.list.clear()
        if reader is None:
            return
        for reply in reader.canned_replies():
            item = QListWidgetItem(reply.title)
            item.setData(Qt.ItemDataRole.UserRole, reply.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, reply.body)
            self.list.addItem(item)
            if reply.id == keep:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show()

    def _current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show(self) -> None:
        item = self.list.currentItem()
        self.title.setText(item.text() if item else "")
        self.body.setPlainText(item.data(Qt.ItemDataRole.UserRole + 1) if item else "")
        self.delete_button.setEnabled(item is not None)
        self.error.clear()

    def new(self) -> None:
        self.list.setCurrentItem(None)
        self.title.clear()
        self.body.clear()
        self.title.setFocus()

    def save(self) -> None:
        store = self.session.store
        if store is None:
            return
        title, body = self.title.text().strip(), self.body.toPlainText().strip()
        if not title or not body:
            self.error.setText(self.tr("A canned reply needs a title and a text."))
            return
        self.session.act(store.save_canned_reply, self._current_id(), title, body,
                         changed="canned", parent=self,
                         done=lambda reply: self.load(keep=reply.id),
                         failed=lambda exc: self.error.setText(str(exc)))

    def delete(self) -> None:
        store, reply_id = self.session.store, self._current_id()
        if store is None or reply_id is None:
            return
        self.session.act(store.delete_canned_reply, reply_id, changed="canned", parent=self,
                         done=lambda _: self.load(),
                         failed=lambda exc: self.error.setText(str(exc)))
