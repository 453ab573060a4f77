"""The Notices screen: preventive information and practice news to chosen patients.

Write a notice (or start from a template), build the audience from what the
practice knows (age, sex, tags on the record), see who it reaches before
sending, send now or schedule; follow each campaign's statistics. Each copy is
sealed for its patient here, on the workstation: the relay sees only opaque
mailboxes. Not marketing, and the screen says so.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from desktop.core.notices import Audience, Notice, NoticeKind, TagMatch
from desktop.ui import labels
from desktop.ui.operations import Operation
from desktop.ui.qt import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QObject,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from desktop.ui.session import Session

PREVIEW = 200


class _Progress(QObject):
    """Carries a sending's progress from its worker to the GUI thread."""

    moved = Signal(object)


class NoticesScreen(QTabWidget):
    """Two tabs: a new notice, and the campaigns with their statistics."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("noticesScreen")
        self.cancel_event: threading.Event | None = None
        self.progress_relay = _Progress(self)
        self.progress_relay.moved.connect(self._progress)
        self.recipients: list[Any] = []
        self.addTab(self._composer(), self.tr("New notice"))
        self.addTab(self._campaigns(), self.tr("Campaigns"))
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(300)
        self._count_timer.timeout.connect(self.update_audience)
        self._due_timer = QTimer(self)
        self._due_timer.setInterval(60_000)  # scheduled notices, and a send cut off halfway
        self._due_timer.timeout.connect(self.send_due)
        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)
        session.applied.connect(self._applied)
        session.changed.connect(self._changed)

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _applied(self, _applied: object) -> None:
        self.load_campaigns()

    def _changed(self, what: str) -> None:
        if what == "patients":
            self.update_audience()

    # -- writing ----------------------------------------------------------------------

    def _composer(self) -> QWidget:
        page = QWidget()
        banner = QLabel(self.tr(
            "Notices are for prevention (vaccination, screening) and news of the practice "
            "(closures, opening hours) — never for marketing. Patients can opt out of "
            "preventive notices."))
        banner.setObjectName("noticeBanner")
        banner.setWordWrap(True)
        self.template = QComboBox()
        self.template.setObjectName("noticeTemplate")
        self.template.activated.connect(self._template_chosen)
        self.prevention = QRadioButton(self.tr("Prevention"))
        self.organisation = QRadioButton(self.tr("Practice news"))
        self.prevention.setChecked(True)
        kinds = QButtonGroup(page)
        kinds.addButton(self.prevention)
        kinds.addButton(self.organisation)
        self.prevention.toggled.connect(lambda _: self._count_timer.start())
        self.title = QLineEdit()
        self.title.setObjectName("noticeTitle")
        self.text = QPlainTextEdit()
        self.text.setObjectName("noticeText")
        self.replies = QCheckBox(self.tr("Patients may reply"))
        self.replies.setObjectName("noticeReplies")

        self.min_age = QSpinBox()
        self.max_age = QSpinBox()
        for box, value in ((self.min_age, 0), (self.max_age, 120)):
            box.setRange(0, 120)
            box.setValue(value)
            box.setSuffix(self.tr(" years"))
            box.valueChanged.connect(lambda _: self._count_timer.start())
        self.sex = QComboBox()
        for label, value in ((self.tr("Women and men"), None), (self.tr("Women"), "F"),
                             (self.tr("Men"), "M")):
            self.sex.addItem(label, value)
        self.sex.currentIndexChanged.connect(lambda _: self._count_timer.start())
        self.tags = QLineEdit()
        self.tags.setObjectName("noticeTags")
        self.tags.setPlaceholderText(self.tr("e.g. diabetes, asthma (empty: no condition)"))
        self.tags.textChanged.connect(lambda _: self._count_timer.start())
        self.match_all = QCheckBox(self.tr("All of these tags"))
        self.match_all.toggled.connect(lambda _: self._count_timer.start())
        self.count = QLabel("")
        self.count.setObjectName("noticeCount")
        self.preview = QListWidget()
        self.preview.setObjectName("noticePreview")
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setDateTime(QDateTime.currentDateTime().addDays(1))
        self.send_button = QPushButton(self.tr("Send now"))
        self.send_button.setObjectName("sendNotice")
        self.send_button.setProperty("primary", True)
        self.send_button.clicked.connect(lambda: self.send(scheduled=False))
        self.schedule_button = QPushButton(self.tr("Schedule"))
        self.schedule_button.setObjectName("scheduleNotice")
        self.schedule_button.clicked.connect(lambda: self.send(scheduled=True))
        self.error = QLabel("")
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)

        kind_row = QHBoxLayout()
        kind_row.addWidget(self.prevention)
        kind_row.addWidget(self.organisation)
        kind_row.addStretch(1)
        ages = QHBoxLayout()
        ages.addWidget(QLabel(self.tr("from")))
        ages.addWidget(self.min_age)
        ages.addWidget(QLabel(self.tr("to")))
        ages.addWidget(self.max_age)
        ages.addStretch(1)
        tags = QHBoxLayout()
        tags.addWidget(self.tags, 1)
        tags.addWidget(self.match_all)
        left = QFormLayout()
        left.addRow(self.tr("Template"), self.template)
        left.addRow(self.tr("Kind"), kind_row)
        left.addRow(self.tr("Title"), self.title)
        left.addRow(self.tr("Text"), self.text)
        left.addRow("", self.replies)
        right = QFormLayout()
        right.addRow(self.tr("Age"), ages)
        right.addRow(self.tr("Sex"), self.sex)
        right.addRow(self.tr("Tags"), tags)
        right.addRow(self.count)
        right.addRow(self.preview)
        send_row = QHBoxLayout()
        send_row.addWidget(self.error, 1)
        send_row.addWidget(self.send_button)
        send_row.addWidget(QLabel(self.tr("or on")))
        send_row.addWidget(self.when)
        send_row.addWidget(self.schedule_button)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(banner)
        layout.addLayout(columns, 1)
        layout.addLayout(send_row)
        return page

    def _template_chosen(self, index: int) -> None:
        template = self.template.itemData(index)
        if template is None:
            return
        self.title.setText(template.title)
        self.text.setPlainText(template.text)
        self.replies.setChecked(template.replies_allowed)
        (self.prevention if template.kind is NoticeKind.PREVENTION
         else self.organisation).setChecked(True)
        a = template.audience
        self.min_age.setValue(a.min_age or 0)
        self.max_age.setValue(a.max_age if a.max_age is not None else 120)
        self.sex.setCurrentIndex(max(0, self.sex.findData(a.sex)))
        self.tags.setText(", ".join(a.tags))
        self.match_all.setChecked(a.match is TagMatch.ALL)
        self._count_timer.start()

    def kind(self) -> NoticeKind:
        return NoticeKind.PREVENTION if self.prevention.isChecked() \
            else NoticeKind.PRACTICE_ORGANISATION

    def audience(self) -> Audience:
        tags = tuple(t.strip() for t in self.tags.text().split(",") if t.strip())
        return Audience(
            min_age=self.min_age.value() or None,
            max_age=self.max_age.value() if self.max_age.value() < 120 else None,
            sex=self.sex.currentData(), tags=tags,
            match=TagMatch.ALL if self.match_all.isChecked() else TagMatch.ANY).checked()

    def update_audience(self) -> None:
        """The live count and the preview of who the notice reaches (off the GUI thread)."""
        ws = self.session.workstation
        if ws is None:
            return
        try:
            audience = self.audience()
        except ValueError as exc:
            self.count.setText(str(exc))
            return
        Operation(self, ws.notices.audience, audience, self.kind()).success(
            self._show_audience).failure(lambda exc: self.count.setText(str(exc))).run("compute")

    def _show_audience(self, patients: list[Any]) -> None:
        self.recipients = patients
        n = len(patients)
        self.count.setText(self.tr("Nobody matches: no enrolled patient fits.") if n == 0
                           else self.tr("1 patient will receive it:") if n == 1
                           else self.tr("{0} patients will receive it:").format(n))
        self.preview.clear()
        for p in patients[:PREVIEW]:
            self.preview.addItem(f"{p.name} — {labels.birth_line(p.born)}")
        if n > PREVIEW:
            self.preview.addItem(self.tr("… and {0} more").format(n - PREVIEW))

    def send(self, scheduled: bool) -> None:
        ws = self.session.workstation
        if ws is None:
            return
        try:
            notice = Notice.new(self.kind(), self.title.text(), self.text.toPlainText(),
                                self.replies.isChecked())
            audience = self.audience()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        send_after = None
        if scheduled:
            send_after = self.when.dateTime().toPython().astimezone(UTC)
            if send_after <= datetime.now(UTC):
                self.error.setText(self.tr("Choose a time in the future to schedule it."))
                return
        me = self.session.me()
        self.error.clear()
        self.send_button.setEnabled(False)
        self.schedule_button.setEnabled(False)

        def prepared(count: int) -> None:
            self.send_button.setEnabled(True)
            self.schedule_button.setEnabled(True)
            self.title.clear()
            self.text.clear()
            self.setCurrentIndex(1)
            self.load_campaigns()
            if not scheduled:
                self.start_sending(notice.id)

        def refused(exc: BaseException) -> None:
            self.send_button.setEnabled(True)
            self.schedule_button.setEnabled(True)
            self.error.setText(str(exc))

        self.session.act(ws.notices.prepare, notice, audience, me.id if me else None, send_after,
                         changed="notices", done=prepared, failed=refused, parent=self)

    # -- sending ------------------------------------------------------------------------

    def start_sending(self, notice_id: str | None = None) -> None:
        """Seal and hand over, batch after batch, on a worker; progress here; cancellable."""
        ws = self.session.workstation
        if ws is None or self.cancel_event is not None:
            return
        self.cancel_event = threading.Event()
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        cancel, engine = self.cancel_event, self.session.engine

        def work() -> Any:
            def moved(p: Any) -> None:
                self.progress_relay.moved.emit(p)
                if engine is not None:
                    engine.wake()  # the outbox grew: push this batch while the next is sealed

            if notice_id is None:
                return ws.notices.send_due(cancel=cancel, on_progress=moved)
            return ws.notices.send_batch(notice_id, cancel=cancel, on_progress=moved)

        Operation(self, work).success(self._sent).failure(self._send_failed).run("network")

    def send_due(self) -> None:
        if self.session.workstation is not None:
            self.start_sending(None)

    def _progress(self, p: Any) -> None:
        self.progress.setMaximum(max(1, p.recipients))
        self.progress.setValue(p.handed_over)
        self.progress.setFormat(self.tr("{0} of {1} sealed and handed over").format(
            p.handed_over, p.recipients))

    def _sent(self, _: Any) -> None:
        self.cancel_event = None
        self.progress.hide()
        self.cancel_button.hide()
        self.load_campaigns()

    def _send_failed(self, exc: BaseException) -> None:
        self._sent(None)
        from desktop.ui.errors import report
        report(exc)

    def cancel_sending(self) -> None:
        if self.cancel_event is not None:
            self.cancel_event.set()

    # -- campaigns ---------------------------------------------------------------------

    def _campaigns(self) -> QWidget:
        page = QWidget()
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("campaigns")
        self.table.setHorizontalHeaderLabels([
            self.tr("Title"), self.tr("Kind"), self.tr("Prepared"), self.tr("State"),
            self.tr("Recipients"), self.tr("Delivered"), self.tr("Read"), self.tr("Replies")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 8):
            self.table.horizontalHeader().setSectionResizeMode(
                col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.progress = QProgressBar()
        self.progress.setObjectName("noticeProgress")
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Stop sending"))
        self.cancel_button.setObjectName("cancelNotice")
        self.cancel_button.clicked.connect(self.cancel_sending)
        self.cancel_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        return page

    def load_campaigns(self) -> None:
        reader = self.session.reader
        if reader is None:
            return
        campaigns = reader.notices(200)
        self.table.setRowCount(len(campaigns))
        for row, c in enumerate(campaigns):
            s = reader.notice_statistics(c.id)
            kind = self.tr("Prevention") if c.notice.kind is NoticeKind.PREVENTION \
                else self.tr("Practice news")
            state = {"prepared": self.tr("Scheduled") if c.send_after else self.tr("Prepared"),
                     "sending": self.tr("Sending"), "sent": self.tr("Sent"),
                     "cancelled": self.tr("Stopped")}.get(str(c.state), str(c.state))
            if c.send_after and str(c.state) == "prepared":
                state += " " + labels.long_time(c.send_after)
            values = [c.notice.title, kind, labels.long_time(c.prepared_at), state,
                      str(s.recipients), str(s.delivered), str(s.read),
                      str(s.replies) if c.notice.replies_allowed else "—"]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))

    # -- session --------------------------------------------------------------------------

    def _unlocked(self) -> None:
        reader = self.session.reader
        self.template.clear()
        self.template.addItem(self.tr("Blank notice"), None)
        if reader is not None:
            for t in reader.notice_templates():
                self.template.addItem(t.title, t)
        self.load_campaigns()
        self._count_timer.start()
        self._due_timer.start()
        QTimer.singleShot(2000, self.send_due)  # resume a send the last session left halfway

    def _locked(self) -> None:
        self.cancel_sending()
        self._due_timer.stop()
        self.table.setRowCount(0)
        self.preview.clear()
        self.count.clear()
        self.recipients = []
