"""Telling the person that a decision of theirs was taken back: a colleague on another
workstation decided first ("Already decided by Dr Martin at 10:32").

One bar, shown above the renewals queue and above a conversation, for the refusals that
concern what is on screen; it stays until the person has read it ("Understood" marks it seen).
The words come from desktop.sync.decisions.refusals, read again at each sync: when the
colleague's decision arrives after the refusal, the bar names the person instead of the
workstation.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime

from desktop.core.decisions import RENEWAL
from desktop.sync.decisions import Refusal, refusals
from desktop.ui import labels
from desktop.ui.dialogs import button
from desktop.ui.qt import QCoreApplication, QFrame, QHBoxLayout, QLabel, Qt, QWidget
from desktop.ui.session import Session


def _t(text: str) -> str:
    return QCoreApplication.translate("decisions", text)


def moment(at: datetime | None, now: datetime | None = None) -> str:
    """10:32 today, else 02/12/2026 10:32, in the practice's local time."""
    if at is None:
        return "?"
    when = labels.local(at)
    today = (now or datetime.now(UTC)).astimezone().date()
    return when.strftime("%H:%M") if when.date() == today else when.strftime("%d/%m/%Y %H:%M")


def refusal_text(r: Refusal, now: datetime | None = None) -> str:
    """What the person reads, in the practice's language."""
    if r.person:
        who = r.person
    elif r.workstation:
        who = _t("the workstation {0}").format(r.workstation)
    else:
        who = _t("another workstation")
    first = _t("Already decided by {0} at {1}.").format(who, moment(r.at, now))
    if r.kind == RENEWAL:
        said = _t("Your decision on this renewal request was taken back; nothing of it was "
                  "sent to the patient.")
        stands = _t("The request is: {0}.").format(labels.renewal_state(r.theirs)) \
            if r.theirs else ""
    else:
        said = _t("Your change to this conversation was taken back; nothing of it was sent "
                  "to the patient.")
        stands = _t("The conversation is: {0}.").format(labels.state(r.theirs)) \
            if r.theirs else ""
    return " ".join(part for part in (first, stands, said) if part)


class DecisionNotice(QFrame):
    """The bar; ``concerns`` says which refusals this screen shows."""

    def __init__(self, session: Session, concerns: Callable[[Refusal], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.concerns = concerns
        self.setObjectName("decisionNotice")
        self.setStyleSheet("#decisionNotice { background: #fff4e5; border: 1px solid #e0a040; }")
        self.text = QLabel("")
        self.text.setObjectName("decisionNoticeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.ok = button(_t("Understood"), "decisionNoticeSeen", self.seen)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.ok)
        self.shown: list[Refusal] = []
        self._read: set[int] = set()  # marked seen, the write perhaps not in yet
        self.hide()
        session.applied.connect(self._news)
        session.sync_status.connect(self._news)
        session.changed.connect(self._news)
        session.locked.connect(self.refresh)

    # Bound methods, not lambdas: Qt disconnects them when this widget is deleted, while
    # the session (and its sync threads' signals) lives on.
    def _news(self, _what: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        reader = self.session.reader
        found = [r for r in refusals(reader) if self.concerns(r) and r.id not in self._read] \
            if reader is not None else []
        self.shown = found
        self.text.setText("<br>".join(html.escape(refusal_text(r)) for r in found))
        self.setVisible(bool(found))

    def seen(self) -> None:
        store, ids = self.session.store, [i for r in self.shown for i in r.ids]
        if store is None or not ids:
            return

        def mark() -> None:
            with store.transaction():
                for refusal_id in ids:
                    store.journal_refusal_seen(refusal_id)

        self._read.update(ids)
        self.hide()
        self.session.act(mark, changed="decisions", parent=self)
