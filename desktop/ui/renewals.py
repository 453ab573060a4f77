"""The Renewals screen: the queue of renewal requests, each beside the patient's history,
and the three decisions — approve (with the prescription), decline, appointment needed."""

from __future__ import annotations

import html
from typing import Any

from desktop.core.decisions import RENEWAL
from desktop.ui import labels
from desktop.ui.decision_notice import DecisionNotice
from desktop.ui.dialogs import ask_text, button
from desktop.ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.renewal_form import RenewalForm
from desktop.ui.renewals_model import RenewalQueueModel, age
from desktop.ui.session import Session


class RenewalsScreen(QWidget):
    """Oldest request first; one click and an optional text for each decision."""

    open_conversation = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("renewalsScreen")
        self.dialog: Any = None
        self.current: Any = None

        self.model = RenewalQueueModel(self)
        self.table = QTableView()
        self.table.setObjectName("renewalQueue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            RenewalQueueModel.TREATMENTS, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 170), (1, 50)):
            self.table.setColumnWidth(col, width)
        for col in (3, 4, 5, 6):  # headers are longer in French
            self.table.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.count = QLabel("")
        self.count.setObjectName("inboxCount")

        self.title = QLabel("")
        self.title.setObjectName("conversationTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.request_text = QLabel("")
        self.request_text.setObjectName("renewalRequest")
        self.request_text.setWordWrap(True)
        self.flags = QLabel("")
        self.flags.setObjectName("renewalFlags")
        self.flags.setWordWrap(True)
        self.history = QTableWidget(0, 5)
        self.history.setObjectName("renewalHistory")
        self.history.setHorizontalHeaderLabels([
            self.tr("Date"), self.tr("Treatment"), self.tr("Dosage"), self.tr("Duration"),
            self.tr("Renewals")])
        for col in (1, 2):
            self.history.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        for col in (0, 3, 4):
            self.history.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.approve_button = button(self.tr("Approve…"), "approveRenewal", self.approve)
        self.approve_button.setProperty("primary", True)
        self.decline_button = button(self.tr("Decline…"), "declineRenewal", self.decline)
        self.appointment_button = button(self.tr("Appointment needed…"),
                                               "appointmentRenewal", self.appointment)
        self.thread_button = button(self.tr("Open the conversation"), "renewalThread",
                                          self._open_thread)
        buttons = QHBoxLayout()
        for b in (self.approve_button, self.appointment_button, self.decline_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.thread_button)

        right = QWidget()
        r = QVBoxLayout(right)
        r.setContentsMargins(8, 0, 0, 0)
        r.addWidget(self.title)
        r.addWidget(self.request_text)
        r.addWidget(self.flags)
        r.addWidget(QLabel(self.tr("Earlier renewals of these treatments")))
        r.addWidget(self.history, 1)
        r.addLayout(buttons)
        left = QWidget()
        l_ = QVBoxLayout(left)
        l_.setContentsMargins(0, 0, 0, 0)
        l_.addWidget(self.table, 1)
        l_.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([340, 460])
        # A decision of ours a colleague took first on another workstation: said here.
        self.notice = DecisionNotice(session, lambda r: r.kind == RENEWAL, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(splitter)

        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)
        session.changed.connect(self._changed)
        session.applied.connect(self._applied)
        self._selected()

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _changed(self, what: str) -> None:
        if what in ("renewals", "inbox", "patients"):
            self.refresh()

    def _applied(self, _applied: object) -> None:
        self.refresh()

    def _unlocked(self) -> None:
        self.model.set_reader(self.session.reader)
        self._after()
        self.notice.refresh()

    def _locked(self) -> None:
        self.model.set_reader(None)
        self.current = None
        self._selected()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None

    def refresh(self) -> None:
        if self.session.reader is None:
            return
        keep = self.current.request.id if self.current else None
        self.model.reload()
        self._after(keep)

    def _after(self, keep: str | None = None) -> None:
        n = self.model.total
        self.count.setText(self.tr("No renewal request waits") if n == 0
                           else self.tr("1 request waits") if n == 1
                           else self.tr("{0} requests wait").format(n))
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
        elif self.model.rowCount():
            self.table.selectRow(0)
        self._selected()

    def select(self, request_id: str) -> bool:
        row = self.model.row_of(request_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _selected(self) -> None:
        index = self.table.currentIndex()
        q = self.model.queued(index.row()) if index.isValid() else None
        self.current = q
        for b in (self.approve_button, self.decline_button, self.appointment_button,
                  self.thread_button):
            b.setEnabled(q is not None)
        self.history.setRowCount(0)
        if q is None:
            self.title.setText(self.tr("No request selected"))
            self.request_text.clear()
            self.flags.clear()
            self.flags.hide()
            return
        r, p = q.request, q.patient
        self.title.setText(self.tr("{0}, {1} years").format(p.name, age(p.born)))
        parts = [self.tr("Asks on {0} to renew: <b>{1}</b>").format(
            labels.long_time(r.received_at), html.escape(", ".join(r.treatments)))]
        if r.message:
            parts.append("« " + html.escape(r.message) + " »")
        visit = labels.date_fr(p.last_visit) if p.last_visit else self.tr("unknown")
        parts.append(self.tr("Last visit: {0}").format(visit))
        self.request_text.setText("<br>".join(parts))
        self.flags.setVisible(bool(r.flags))
        self.flags.setText("<br>".join("⚠ " + html.escape(labels.flag(f)) for f in r.flags)
                           + ("<br><i>" + html.escape(self.tr(
                               "Suggested: ask for an appointment.")) + "</i>" if r.flags else ""))
        reader = self.session.reader
        if reader is None:
            return
        rows = []
        for prescription in reader.renewal_history(p.id, list(r.treatments)):
            for line in prescription.lines:
                rows.append((labels.short_date(prescription.issued_at), line))
        self.history.setRowCount(len(rows))
        for i, (when, line) in enumerate(rows):
            for col, value in enumerate((when, line.name, line.dosage,
                                         self.tr("{0} days").format(line.duration_days),
                                         str(line.renewals))):
                self.history.setItem(i, col, QTableWidgetItem(value))

    # -- decisions ---------------------------------------------------------------------

    def _me(self) -> str:
        me = self.session.me()
        return me.id if me else ""

    def approve(self) -> None:
        ws, q = self.session.workstation, self.current
        if ws is None or q is None:
            return
        request_id = q.request.id

        def open_form(lines: list[Any]) -> None:
            self.dialog = RenewalForm(self, q.patient.name, lines,
                                      [labels.flag(f) for f in q.request.flags], send)
            self.dialog.open()

        def send(lines: Any, override: str | None, note: str | None,
                 prescription_note: str | None) -> None:
            form = self.dialog
            self.session.act(
                lambda: ws.renewals.approve(request_id, lines, self._me(), override, note,
                                           prescription_note),
                changed="renewals", parent=self,
                done=lambda _: form.accept(), failed=form.failed)

        self.session.act(ws.renewals.form, request_id, done=open_form, parent=self)

    def decline(self) -> None:
        ws, q = self.session.workstation, self.current
        if ws is None or q is None:
            return
        request_id = q.request.id
        self.dialog = ask_text(
            self, self.tr("Decline the renewal"),
            self.tr("The patient reads this reason. No prescription is made."),
            lambda reason: self.session.act(ws.renewals.decline, request_id, reason, self._me(),
                                            changed="renewals", parent=self),
            ok_label=self.tr("Decline"))

    def appointment(self) -> None:
        ws, q = self.session.workstation, self.current
        if ws is None or q is None:
            return
        request_id = q.request.id
        self.dialog = ask_text(
            self, self.tr("Appointment needed"),
            self.tr("The patient is asked to make an appointment. Add a message if you wish."),
            lambda text: self.session.act(ws.renewals.needs_appointment, request_id, self._me(),
                                          text or None, changed="renewals", parent=self),
            required=False, ok_label=self.tr("Ask for an appointment"))

    def _open_thread(self) -> None:
        if self.current is not None:
            self.open_conversation.emit(self.current.request.conversation_id)
