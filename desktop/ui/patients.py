"""The Patients screen: find, add, edit, import, enrol; and each patient's conversations."""

from __future__ import annotations

import html
from typing import Any

from desktop.crypto.invitation import format_code
from desktop.ui import labels
from desktop.ui.dialogs import button
from desktop.ui.letters import Letters
from desktop.ui.patient_dialog import PatientDialog
from desktop.ui.patient_documents import PatientDocuments
from desktop.ui.patient_rights import RecordActions
from desktop.ui.patients_model import PatientsModel
from desktop.ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import Session


class InvitationDialog(QDialog):
    """The code to hand over or print: shown once, big enough to read out."""

    def __init__(self, parent: QWidget, patient_name: str, code: str, days: int,
                 print_letter: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("invitationDialog")
        self.setWindowTitle(self.tr("Invitation for {0}").format(patient_name))
        self.code = format_code(code)
        text = QLabel(self.tr(
            "Give this code to {0}. It works once, within {1} days, in the Passerelle "
            "patient app.").format(patient_name, days))
        text.setWordWrap(True)
        big = QLabel(self.code)
        big.setObjectName("invitationCode")
        big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big.setStyleSheet("font-size: 22pt; font-family: monospace; padding: 16px; "
                          "background: #ffffff; border: 1px solid #d5dde5; border-radius: 8px;")
        big.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        if print_letter is not None:
            self.letter_button = button(self.tr("Print the letter…"), "printLetter",
                                        lambda: (self.accept(), print_letter()))
            buttons.addButton(self.letter_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(big)
        layout.addWidget(buttons)


class PatientsScreen(QWidget):
    """The practice's patient list; ``open_conversation`` asks the inbox to show one."""

    open_conversation = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("patientsScreen")
        self.dialog: Any = None
        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(self.tr("Find a patient: name, file no. or date of birth"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.model.set_query(text))
        self.add_button = button(self.tr("New patient"), "addPatient", self.add)
        self.edit_button = button(self.tr("Edit"), "editPatient", self.edit)
        self.import_button = button(self.tr("Import CSV…"), "importPatients",
                                          self.import_csv)
        self.enrol_button = button(self.tr("Enrol for messaging"), "enrolPatient",
                                         self.enrol)
        self.enrol_button.setProperty("primary", True)
        self.letters_button = button(self.tr("Invitation letters…"), "invitationLetters",
                                     self.letters)
        self.letters_button.setToolTip(self.tr("One letter per selected patient, in one PDF to "
                                               "print; those without a code are enrolled"))
        self.export_button = button(self.tr("Export conversations…"), "exportConversations",
                                    self.export_conversations)
        self.export_button.setToolTip(self.tr("All of this patient's conversations in one PDF "
                                              "for the medical file"))
        self.letter_maker = Letters(session, self)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for b in (self.add_button, self.edit_button, self.import_button, self.enrol_button,
                  self.letters_button, self.export_button):
            bar.addWidget(b)

        self.model = PatientsModel(self)
        self.table = QTableView()
        self.table.setObjectName("patientsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows: letters for everyone chosen; the current row is the one shown.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._chosen_changed())
        self.table.doubleClicked.connect(lambda *_: self.edit())
        self.count = QLabel("")
        self.count.setObjectName("inboxCount")

        self.detail = QLabel("")
        self.detail.setObjectName("patientDetail")
        self.detail.setWordWrap(True)
        self.conversations = QListWidget()
        self.conversations.setObjectName("patientConversations")
        self.conversations.itemActivated.connect(
            lambda item: self.open_conversation.emit(item.data(Qt.ItemDataRole.UserRole)))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail)
        self.record_actions = RecordActions(session)
        right_layout.addWidget(self.record_actions)
        right_layout.addWidget(QLabel(self.tr("Conversations")))
        right_layout.addWidget(self.conversations, 1)
        right_layout.addWidget(QLabel(self.tr("Documents")))
        self.documents = PatientDocuments(session)
        right_layout.addWidget(self.documents, 1)
        right_layout.addWidget(QLabel(self.tr("History (who did what, when)")))
        self.history = QListWidget()
        self.history.setObjectName("patientHistory")
        right_layout.addWidget(self.history, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)
        session.changed.connect(self._changed)
        session.applied.connect(self._applied)
        self._selected()

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _changed(self, what: str) -> None:
        if what == "patients":
            self.refresh()

    def _applied(self, applied: Any) -> None:
        if applied.patients:
            self.refresh()

    def _unlocked(self) -> None:
        self.model.set_reader(self.session.reader)
        self._count()

    def _locked(self) -> None:
        self.search.clear()
        self.model.set_reader(None)
        self.conversations.clear()
        self.history.clear()
        self.documents.show_patient(None)
        self.detail.clear()
        self.record_actions.close_dialog()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None

    def refresh(self) -> None:
        current = self.current()
        self.model.reload()
        self._count()
        if current is not None:
            self.select(current.id)
        self._selected()

    def _count(self) -> None:
        n = self.model.total
        self.count.setText(self.tr("No patient found") if n == 0
                           else self.tr("1 patient") if n == 1
                           else self.tr("{0} patients").format(n))

    def current(self) -> Any:
        index = self.table.currentIndex()
        return self.model.patient(index.row()) if index.isValid() else None

    def select(self, patient_id: str) -> bool:
        row = self.model.row_of(patient_id)
        while row < 0 and self.model.canFetchMore():
            self.model.fetchMore()
            row = self.model.row_of(patient_id)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def _selected(self) -> None:
        p = self.current()
        self.edit_button.setEnabled(p is not None)
        self.enrol_button.setEnabled(p is not None and not p.relay_patient_id)
        self.export_button.setEnabled(p is not None)
        self._chosen_changed()
        self.conversations.clear()
        self.history.clear()
        self.documents.show_patient(p.id if p is not None else None)
        self.record_actions.show_patient(p)
        if p is None or self.session.reader is None:
            self.detail.setText(self.tr("Choose a patient to see the details."))
            return
        parts = [f"<b>{html.escape(p.name)}</b>", labels.birth_line(p.born)]
        contact = " · ".join(x for x in (p.phone, p.email) if x)
        if contact:
            parts.append(html.escape(contact))
        if p.external_id:
            parts.append(self.tr("File no. {0}").format(html.escape(p.external_id)))
        if getattr(p, "last_visit", None):
            parts.append(self.tr("Last visit: {0}").format(labels.date_fr(p.last_visit)))
        if getattr(p, "tags", None):
            parts.append(self.tr("Tags: {0}").format(html.escape(p.tags)))
        self.detail.setText("<br>".join(parts))
        for conv in self.session.reader.conversations_of_patient(p.id):
            text = f"{labels.short_time(conv.last_message_at)}  {labels.category(conv.category)}" \
                   f" · {labels.state(conv.state)} — {conv.last_preview[:60]}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, conv.id)
            self.conversations.addItem(item)
        for entry in self.session.reader.audit(patient_id=p.id, limit=100):
            line = f"{labels.long_time(entry.at)}  {labels.audit_action(entry.action)}"
            if entry.actor_name:
                line += f" — {entry.actor_name}"
            if entry.detail:
                line += f" ({labels.audit_detail(entry.detail)})"
            self.history.addItem(line)

    # -- actions ---------------------------------------------------------------------

    def add(self) -> None:
        store = self.session.store
        if store is None:
            return

        def save(fields: dict[str, Any]) -> None:
            def create() -> Any:
                rest = {k: v for k, v in fields.items() if k not in ("name", "born")}
                return store.add_patient(fields["name"], fields["born"], **rest)
            self.session.act(create, changed="patients", parent=self,
                             done=lambda p: (dialog.accept(), self.select(p.id)),
                             failed=dialog.failed)

        dialog = PatientDialog(self, None, save)
        self.dialog = dialog
        dialog.open()

    def edit(self) -> None:
        store, p = self.session.store, self.current()
        if store is None or p is None:
            return

        def save(fields: dict[str, Any]) -> None:
            me = self.session.me()
            self.session.act(lambda: store.update_patient(p.id, actor_id=me.id if me else None,
                                                          **fields), changed="patients",
                             parent=self, done=lambda _: dialog.accept(), failed=dialog.failed)

        dialog = PatientDialog(self, p, save)
        self.dialog = dialog
        dialog.open()

    def enrol(self) -> None:
        ws, p = self.session.workstation, self.current()
        if ws is None or p is None:
            return
        days = 30

        def show(code: str) -> None:
            self.dialog = InvitationDialog(self, p.name, code, days,
                                           print_letter=lambda: self.letter_maker.make([p.id]))
            self.dialog.open()

        self.session.act(ws.invite, p.id, days, changed="patients", parent=self, done=show)

    def chosen(self) -> list[Any]:
        """The selected patients, in the list's order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [p for p in (self.model.patient(r) for r in rows) if p is not None]

    def _chosen_changed(self) -> None:
        self.letters_button.setEnabled(self.session.workstation is not None
                                       and any(not p.relay_patient_id for p in self.chosen()))

    def letters(self) -> None:
        """Letters for every selected patient not yet enrolled, one page each."""
        self.letter_maker.make([p.id for p in self.chosen()])

    def export_conversations(self) -> None:
        from desktop.ui.record_export import export_to_file

        p = self.current()
        if p is not None and self.session.store is not None:
            self.dialog = export_to_file(self, self.session, p.id, p.name)

    def import_csv(self) -> None:
        from desktop.ui.patient_import import ImportDialog

        if self.session.store is None:
            return
        self.dialog = ImportDialog(self, self.session)
        self.dialog.open()
