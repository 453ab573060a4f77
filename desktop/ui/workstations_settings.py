"""Settings → Workstations: the practice's computers, adding one, revoking one.

The list (``desktop.sync.practice_workstations``) shows each workstation's name, when it
was added and by whom, when the relay last saw it; this one is marked, revoked ones are
greyed. "Add a workstation" takes the code the new computer shows, then shows its name
and fingerprint to compare with the other screen before anything is approved
(``desktop.sync.pairing``). "Revoke" asks first, then revokes and rotates the practice's
keys (``desktop.sync.rotation.revoke_workstation``). The library checks the administrator's right again;
every network call runs off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from desktop.sync.practice_workstations import Listed, Listing, listing
from desktop.sync.rotation import revoke_workstation
from desktop.ui import labels
from desktop.ui.operations import Operation
from desktop.ui.pairing_words import refusal
from desktop.ui.qt import (
    QAbstractTableModel,
    QColor,
    QFont,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session

#: How long approving waits for the new computer to collect the keys (it asks every few
#: seconds) before the list settles it on its next refresh.
APPROVE_WAIT = 20.0

Index = QModelIndex | QPersistentModelIndex


class WorkstationsModel(QAbstractTableModel):
    """The workstations, one per row (a practice has a handful: no paging)."""

    COLUMNS = ("name", "added", "by", "seen")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Listed] = []

    def set_rows(self, rows: list[Listed]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return [self.tr("Workstation"), self.tr("Added"), self.tr("Added by"),
                self.tr("Last seen")][section]

    def name_of(self, w: Listed) -> str:
        name = w.name or self.tr("(name not known yet)")
        if w.this:
            name = self.tr("{0} — this workstation").format(name)
        if w.revoked_at is not None:
            name = self.tr("{0} — revoked {1}").format(name, labels.long_time(w.revoked_at))
        return name

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        w = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "name":
                return self.name_of(w)
            if column == "added":
                return labels.long_time(w.added_at) if w.added_at else ""
            if column == "by":
                return w.added_by or ("" if w.added_at is None else self.tr("first workstation"))
            if w.this:
                return self.tr("now")
            return labels.long_time(w.last_seen_at) if w.last_seen_at else self.tr("not yet")
        if role == Qt.ItemDataRole.ForegroundRole and w.revoked:
            return QColor("#8a8a8a")
        if role == Qt.ItemDataRole.FontRole and w.this:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return w.account_id
        return None


class WorkstationsGroup(QGroupBox):
    """The list, "Add a workstation" and "Revoke" (an administrator's)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Workstations"), parent)
        self.session = session
        self.setObjectName("workstationsGroup")
        self.model = WorkstationsModel(self)
        self.table = QTableView()
        self.table.setObjectName("workstationsList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(150)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen())
        self.revoke_button = QPushButton(self.tr("Revoke…"))
        self.revoke_button.setObjectName("workstationRevoke")
        self.revoke_button.setToolTip(self.tr(
            "A lost or stolen computer: its access stops at once and the practice's keys "
            "change, so that it cannot read what is written from now on."))
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.revoke_button.setEnabled(False)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.setObjectName("workstationsRefresh")
        refresh.clicked.connect(self.load)
        self.offline = QLabel("")
        self.offline.setObjectName("formHint")
        actions = QHBoxLayout()
        actions.addWidget(self.revoke_button)
        actions.addWidget(refresh)
        actions.addWidget(self.offline, 1)

        # -- adding one ------------------------------------------------------------
        self.code = QLineEdit()
        self.code.setObjectName("pairingCode")
        self.code.setPlaceholderText("K7QF2-9XHRT")
        self.code.setMaxLength(16)
        self.code.returnPressed.connect(self.check_code)
        self.check_button = QPushButton(self.tr("Add a workstation"))
        self.check_button.setObjectName("workstationAdd")
        self.check_button.clicked.connect(self.check_code)
        adding = QHBoxLayout()
        adding.addWidget(QLabel(self.tr("Code shown on the new computer")))
        adding.addWidget(self.code, 1)
        adding.addWidget(self.check_button)

        self.newcomer_box = QFrame()
        self.newcomer_box.setObjectName("newcomerPanel")
        self.newcomer_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.newcomer_name = QLabel("")
        self.newcomer_name.setObjectName("newcomerName")
        self.newcomer_fingerprint = QLabel("")
        self.newcomer_fingerprint.setObjectName("newcomerFingerprint")
        self.newcomer_fingerprint.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        compare = QLabel(self.tr(
            "Compare with the other screen: the new computer shows the same name and the same "
            "numbers. If they differ, do not approve — someone else may be trying to join."))
        compare.setWordWrap(True)
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.setObjectName("workstationApprove")
        self.approve_button.clicked.connect(self.approve)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setObjectName("workstationApproveCancel")
        cancel.clicked.connect(self._forget_newcomer)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.approve_button)
        inner = QVBoxLayout(self.newcomer_box)
        inner.addWidget(self.newcomer_name)
        inner.addWidget(self.newcomer_fingerprint)
        inner.addWidget(compare)
        inner.addLayout(buttons)
        self.newcomer_box.hide()

        self.message = QLabel("")
        self.message.setObjectName("workstationsMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(actions)
        layout.addLayout(adding)
        layout.addWidget(self.newcomer_box)
        layout.addWidget(self.message)
        self.newcomer: Any = None
        self.loading = False
        self._again = False
        self.confirmation: QMessageBox | None = None

    # -- the list ----------------------------------------------------------------------

    def load(self) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        if self.loading:  # asked again meanwhile: what is on its way may be older
            self._again = True
            return
        self.loading = True
        self._again = False
        Operation(self, listing, ws).success(self._loaded).failure(self._load_failed).run(
            "network")

    def _loaded(self, result: Listing) -> None:
        self.loading = False
        if self._again:
            self.load()
            return
        self.model.set_rows(result.workstations)
        self.offline.setText("" if result.online else self.tr(
            "The relay cannot be reached: last seen is not known."))
        self._chosen()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        if self._again:
            self.load()
            return
        self.message.setText(str(exc))

    def selected(self) -> Listed | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _chosen(self) -> None:
        w = self.selected()
        self.revoke_button.setEnabled(w is not None and not w.this and not w.revoked)

    # -- adding a workstation -------------------------------------------------------

    def check_code(self) -> None:
        ws = self.session.workstation
        code = self.code.text().strip()
        if ws is None or not code:
            return
        from desktop.sync import pairing

        self._forget_newcomer()
        self.check_button.setEnabled(False)
        self.message.setText(self.tr("Looking for the new computer…"))
        Operation(self, pairing.claim, ws, code).success(self._claimed).failure(
            self._refused).run("network")

    def _claimed(self, newcomer: Any) -> None:
        self.check_button.setEnabled(True)
        self.newcomer = newcomer
        self.newcomer_name.setText(self.tr("New workstation: <b>{0}</b>").format(
            _escape(newcomer.name)))
        self.newcomer_fingerprint.setText(newcomer.fingerprint)
        self.newcomer_box.show()
        self.approve_button.setEnabled(True)
        self.message.clear()

    def _refused(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.approve_button.setEnabled(True)
        self.message.setText(refusal(exc))

    def _forget_newcomer(self) -> None:
        self.newcomer = None
        self.newcomer_box.hide()

    def approve(self) -> None:
        ws, newcomer = self.session.workstation, self.newcomer
        if ws is None or newcomer is None:
            return
        from desktop.sync import pairing

        self.approve_button.setEnabled(False)
        self.message.setText(self.tr(
            "Approved: waiting for {0} to collect the practice's keys…").format(newcomer.name))
        Operation(self, pairing.approve, ws, newcomer, APPROVE_WAIT).success(
            self._approved).failure(self._refused).run("network")

    def _approved(self, approval: Any) -> None:
        self._forget_newcomer()
        self.code.clear()
        if approval.account_id is not None:
            self.message.setText(self.tr(
                "{0} is now a workstation of the practice. It is receiving the practice's "
                "history.").format(approval.name))
        else:
            self.message.setText(self.tr(
                "{0} was approved; it has not collected the keys yet. Leave it open: it "
                "finishes by itself within ten minutes.").format(approval.name))
        self.session.changed.emit("workstations")
        self.load()

    # -- revoking ----------------------------------------------------------------------

    def ask_revoke(self) -> None:
        w = self.selected()
        if w is None or w.this or w.revoked:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Revoke a workstation"),
            self.tr("Revoke {0}? It loses access to the practice at once and cannot be "
                    "brought back: to use that computer again, join it anew. The practice's "
                    "keys are changed, so that it cannot read what is written from now on.")
            .format(w.name or w.account_id),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("revokeConfirmation")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Revoke"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(
            lambda answer: self._revoke(w) if answer == QMessageBox.StandardButton.Yes.value
            else None)
        self.confirmation = box
        box.open()

    def _revoke(self, w: Listed) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        self.revoke_button.setEnabled(False)
        self.message.setText(self.tr("Revoking {0} and changing the practice's keys…").format(
            w.name or w.account_id))
        Operation(self, revoke_workstation, ws, w.account_id).success(
            lambda _: self._revoked(w)).failure(self._refused).run("network")

    def _revoked(self, w: Listed) -> None:
        self.message.setText(self.tr(
            "{0} is revoked: its access stopped, and the practice's keys were changed.")
            .format(w.name or w.account_id))
        self.session.changed.emit("workstations")
        self.load()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
