"""The inbox screen: filters, search as you type, the list, and the open conversation."""

from __future__ import annotations

from typing import Any

from desktop.ui.conversation import ConversationView
from desktop.ui.inbox_model import ConversationRole, InboxModel
from desktop.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session

SEARCH_DELAY_MS = 250


class InboxScreen(QWidget):
    """Where the practice spends its day."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._quiet = False
        self.setObjectName("inboxScreen")
        self.filters = [
            ("to_process", self.tr("To process"), False),
            ("requested", self.tr("Requests awaiting acceptance"), False),
            ("open", self.tr("Open"), False),
            ("closed", self.tr("Closed"), False),
            ("all", self.tr("Assigned to me"), True),
            ("all", self.tr("All"), False),
        ]
        bar = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        for i, (_, label, _mine) in enumerate(self.filters):
            b = QPushButton(label)
            b.setCheckable(True)
            b.setObjectName(f"filter_{i}")
            b.setProperty("segment", True)
            self.filter_group.addButton(b, i)
            bar.addWidget(b)
        self.filter_group.button(0).setChecked(True)
        self.filter_group.idClicked.connect(self._filter_chosen)
        bar.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("inboxSearch")
        self.search.setPlaceholderText(self.tr("Search all messages…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        bar.addWidget(self.search)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _: self._search_timer.start())

        self.model = InboxModel(None, self)
        self.table = QTableView()
        self.table.setObjectName("inboxTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(InboxModel.PREVIEW, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        for col, width in ((0, 180), (1, 200), (2, 150), (4, 64), (5, 76)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.count = QLabel("")
        self.count.setObjectName("inboxCount")

        self.view = ConversationView(session)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 440])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)
        session.changed.connect(self._changed)
        session.applied.connect(self._applied)

    # -- following the session ---------------------------------------------------------

    def _unlocked(self) -> None:
        self.model.set_reader(self.session.reader)
        self._filter_chosen(self.filter_group.checkedId())

    def _locked(self) -> None:
        self.search.clear()
        self._search_timer.stop()
        self.model.set_reader(None)
        self.view.show_conversation(None)
        self.count.clear()

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _applied(self, _applied: object) -> None:
        self.refresh()

    def _changed(self, what: str) -> None:
        if what in ("inbox", "patients", "settings"):
            self.refresh()

    def refresh(self) -> None:
        """Reload the list; the conversation on screen stays on screen (and selected if it
        is still in this list: answering a request takes it out of "To process")."""
        if self.session.reader is None:
            return
        shown = self.view.conversation.id if self.view.conversation else None
        self.model.reload()
        self._update_count()
        if shown:
            self.select(shown, notify=False, fetch=False)
            self.view.show_conversation(shown)

    # -- choosing -----------------------------------------------------------------------

    def _filter_chosen(self, index: int) -> None:
        if self.session.reader is None:
            return
        key, _, mine = self.filters[index]
        me = self.session.me() if mine else None
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_filter(key, me.id if me else None)
        self._update_count()
        self.view.show_conversation(None)

    def _run_search(self) -> None:
        if self.session.reader is None:
            return
        text = self.search.text()
        if text.strip():
            self.model.set_search(text)
        else:
            self._filter_chosen(self.filter_group.checkedId())
            return
        self._update_count()
        self.view.show_conversation(None)

    def _update_count(self) -> None:
        if self.model.searching:
            n = self.model.total
            self.count.setText(self.tr("No conversation matches") if n == 0
                               else self.tr("1 conversation matches") if n == 1
                               else self.tr("{0} conversations match").format(n))
        else:
            n = self.model.total
            self.count.setText(self.tr("No conversation here") if n == 0
                               else self.tr("1 conversation") if n == 1
                               else self.tr("{0} conversations").format(n))

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if self._quiet:
            return
        cid = self.model.data(self.model.index(current.row(), 0), ConversationRole) \
            if current.isValid() else None
        self.view.show_conversation(cid)

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.data(self.model.index(index.row(), 0), ConversationRole) \
            if index.isValid() else None

    def select(self, conversation_id: str, notify: bool = True, fetch: bool = True) -> bool:
        row = self.model.row_of(conversation_id)
        while row < 0 and fetch and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(conversation_id)
        if row < 0:
            return False
        self._quiet = not notify
        try:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        finally:
            self._quiet = False
        return True
