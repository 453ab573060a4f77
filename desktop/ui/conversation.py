"""One conversation: the thread, its actions and the reply box."""

from __future__ import annotations

import html
from typing import Any

from desktop.core.model import Conversation, ConversationState, DeliveryState, Message, Sender
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync.decisions import last_change
from desktop.sync.profile import document_limit
from desktop.ui import labels, resources
from desktop.ui.attachments import AttachmentBar, dropped_files
from desktop.ui.decision_notice import DecisionNotice, moment
from desktop.ui.dialogs import ask_text, button
from desktop.ui.document_actions import DocumentActions, state_text, type_label
from desktop.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QShortcut,
    Qt,
    QTextBrowser,
    QTimer,
    QToolButton,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from desktop.ui.session import Session

# The icon beside each document in a thread (an image file the text view loads itself).
_DOCUMENT_ICON = QUrl.fromLocalFile(str(resources.folder() / "icons" / "documents.svg")).toString()
THREAD_PAGE = 50  # the last ones; "earlier messages" pages back by as many again


class ConversationView(QWidget):
    """Shows a conversation and acts on it; every action is a store transaction off-thread."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.conversation: Conversation | None = None
        self.setObjectName("conversationView")

        self.title = QLabel("")
        self.title.setObjectName("conversationTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names are never markup
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("conversationSubtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.accept_button = button(self.tr("Accept"), "acceptButton", self.accept_request)
        self.decline_button = button(self.tr("Decline…"), "declineButton", self.decline)
        self.close_button = button(self.tr("Close"), "closeButton", self.close_conversation)
        self.reopen_button = button(self.tr("Reopen"), "reopenButton", self.reopen)
        self.note_button = button(self.tr("Internal note…"), "noteButton", self.add_note)
        self.export_button = button(self.tr("Export to the file…"), "exportConversation",
                                    self.export_to_file)
        self.export_button.setToolTip(self.tr("This conversation as a PDF for the patient's "
                                              "medical file"))
        self.export_dialog: Any = None
        self.assign_button = QToolButton()
        self.assign_button.setObjectName("assignButton")
        self.assign_button.setText(self.tr("Assign"))
        self.assign_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.assign_menu = QMenu(self.assign_button)
        self.assign_button.setMenu(self.assign_menu)
        self.assign_menu.aboutToShow.connect(self._fill_assign_menu)

        self.thread = QTextBrowser()
        self.thread.setObjectName("thread")
        self.thread.setOpenLinks(False)
        self.thread.anchorClicked.connect(self._anchor)
        self._shown_signature: tuple[object, ...] | None = None
        self._limit = THREAD_PAGE
        self._not_sent: set[str] = set()

        self.canned = QComboBox()
        self.canned.setObjectName("cannedReplies")
        self.canned.activated.connect(self._insert_canned)
        self.reply = QPlainTextEdit()
        self.reply.setObjectName("replyBox")
        self.reply.setPlaceholderText(self.tr("Write to the patient… (Ctrl+Enter sends)"))
        self.reply.setFixedHeight(96)
        self.send_button = button(self.tr("Send"), "sendButton", self.send)
        self.send_button.setProperty("primary", True)
        self.reply_hint = QLabel("")
        self.reply_hint.setObjectName("replyHint")
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.reply, activated=self.send)

        # Documents: attached with the button or dropped anywhere on the conversation
        # (the thread and the reply box let file drops through to this widget).
        self.documents = DocumentActions(session, self)
        self.attachments = AttachmentBar(self._document_limit)
        self.attach_button = button(self.tr("Attach…"), "attachButton", self.attachments.choose)
        self.attach_button.setToolTip(self.tr("Attach documents (PDF, JPEG, PNG); you can also "
                                              "drop files on the conversation"))
        self.setAcceptDrops(True)
        self.thread.setAcceptDrops(False)
        self.reply.setAcceptDrops(False)
        self._documents: dict[str, list[StoredDocument]] = {}
        # Progress comes chunk by chunk: the thread is redrawn at most a few times a second.
        self._transfer_refresh = QTimer(self)
        self._transfer_refresh.setSingleShot(True)
        self._transfer_refresh.setInterval(250)
        self._transfer_refresh.timeout.connect(self.refresh)
        session.transfer.connect(self._transfer_moved)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        for w in (self.accept_button, self.decline_button, self.assign_button, self.note_button,
                  self.export_button, self.close_button, self.reopen_button):
            header.addWidget(w)
        compose_bar = QHBoxLayout()
        compose_bar.addWidget(QLabel(self.tr("Canned reply:")))
        compose_bar.addWidget(self.canned, 1)
        compose_bar.addWidget(self.reply_hint, 2)
        compose_bar.addWidget(self.attach_button)
        compose_bar.addWidget(self.send_button)
        # A decision of ours on this conversation (or its renewal) a colleague took first.
        self.notice = DecisionNotice(
            session, lambda r: self.conversation is not None
            and r.conversation_id == self.conversation.id, self)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.notice)
        layout.addWidget(self.thread, 1)
        layout.addWidget(self.attachments)
        layout.addWidget(self.reply)
        layout.addLayout(compose_bar)
        self.show_conversation(None)

    # -- showing ------------------------------------------------------------------

    def show_conversation(self, conversation_id: str | None) -> None:
        reader = self.session.reader
        conv = reader.conversation(conversation_id) if reader and conversation_id else None
        if conv is None or self.conversation is None or conv.id != self.conversation.id:
            self._limit = THREAD_PAGE
            self._shown_signature = None
            self.attachments.clear()  # files chosen for one patient never go to another
        self.conversation = conv
        self.notice.refresh()
        enabled = conv is not None
        for w in (self.accept_button, self.decline_button, self.close_button, self.reopen_button,
                  self.note_button, self.assign_button, self.reply, self.send_button, self.canned,
                  self.attach_button):
            w.setEnabled(enabled)
        self.export_button.setEnabled(conv is not None and bool(conv.patient_id))
        if conv is None:
            self.title.setText(self.tr("No conversation selected"))
            self.subtitle.setText("")
            self.thread.setHtml("")
            self._shown_signature = None
            self.reply_hint.setText("")
            return
        self._fill_canned()
        names = {p.id: p.name for p in reader.practitioners()} if reader else {}
        owner = names.get(conv.practitioner_id, "")
        assigned = names.get(conv.assigned_to or "", "")
        self.title.setText(conv.patient_name)
        sub = f"{labels.category(conv.category)} · {labels.state(conv.state)} · {owner}"
        if assigned:
            sub += " · " + self.tr("assigned to {0}").format(assigned)
        self.subtitle.setText(sub)
        state = conv.state
        self.accept_button.setVisible(state is ConversationState.REQUESTED)
        self.decline_button.setVisible(state is ConversationState.REQUESTED)
        self.close_button.setVisible(state is ConversationState.OPEN)
        self.reopen_button.setVisible(state is ConversationState.CLOSED)
        can_write = state in (ConversationState.OPEN, ConversationState.REQUESTED)
        self.reply.setEnabled(can_write)
        self.send_button.setEnabled(can_write)
        self.attach_button.setEnabled(can_write)
        self.reply_hint.setText(
            self.tr("Your reply will accept the request.") if state is ConversationState.REQUESTED
            else "" if can_write else self.tr("Reopen the conversation to write."))
        self._render(names)
        if conv.unread and self.session.workstation is not None:
            conversations = self.session.workstation.conversations
            self.session.act(conversations.mark_read, conv.id, changed="inbox", parent=self)

    def refresh(self) -> None:
        self.show_conversation(self.conversation.id if self.conversation else None)

    def _render(self, names: dict[str, str]) -> None:
        reader = self.session.reader
        assert reader is not None and self.conversation is not None
        # One more than shown: tells whether there is anything earlier.
        messages = reader.thread(self.conversation.id, limit=self._limit + 1)
        earlier = len(messages) > self._limit
        messages = messages[-self._limit:]
        notes = reader.notes(self.conversation.id)
        self._documents = {}
        for doc in DocumentStore(reader).of_conversation(self.conversation.id):
            self._documents.setdefault(doc.message_id or "", []).append(doc)
        offline = self.session.offline
        transfers = self.session.transfers
        # Replies the relay refused for good (the conversation closed meanwhile elsewhere).
        self._not_sent = {f.id for f in reader.outbox_failures()} & {m.id for m in messages}
        if messages and not earlier:
            shown_notes = notes
        else:
            first = messages[0].sent_at if messages else None
            shown_notes = [n for n in notes if first is None or n.created_at >= first]
        # Laying out a long thread costs tens of milliseconds: not when nothing changed.
        signature = (self.conversation.id, self._limit, tuple((m.id, m.delivery) for m in messages),
                     tuple(sorted(self._not_sent)),
                     tuple(n.id for n in shown_notes), tuple(sorted(names.items())),
                     tuple(state_text(d, transfers.get(d.blob_id), offline)
                           for docs in self._documents.values() for d in docs))
        if signature == self._shown_signature:
            return
        self._shown_signature = signature
        items: list[tuple[Any, str]] = [(m.sent_at, self._message_html(m, names)) for m in messages]
        items += [(n.created_at, self._note_html(n, names)) for n in shown_notes]
        items.sort(key=lambda pair: pair[0])
        body = "".join(h for _, h in items) or f"<p class='empty'>{self.tr('No messages.')}</p>"
        if earlier:
            link = html.escape(self.tr("Show earlier messages"))
            body = f"<p align='center'><a href='passerelle:earlier'>{link}</a></p>" + body
        self.thread.setHtml(f"<html><body>{body}</body></html>")
        bar = self.thread.verticalScrollBar()
        bar.setValue(bar.minimum() if self._limit > THREAD_PAGE else bar.maximum())

    def _anchor(self, url: Any) -> None:
        link = url.toString()
        if link == "passerelle:earlier" and self.conversation is not None:
            self._limit += THREAD_PAGE * 2
            self.refresh()
            return
        action, _, target = link.removeprefix("passerelle:").partition("/")
        handler = {
            "open": self.documents.open, "save": self.documents.save_as,
            "download": self.documents.download, "stop": self.documents.stop,
            "withdraw": self.documents.withdraw,
        }.get(action)
        if handler is not None and target:
            handler(target)

    def _documents_html(self, m: Message) -> str:
        docs = self._documents.get(m.id)
        if not docs:
            return ""
        offline = self.session.offline
        rows = []
        for d in docs:
            transfer = self.session.transfers.get(d.blob_id)
            state = state_text(d, transfer, offline)
            moving = transfer is not None and not transfer.finished
            links = []
            if d.downloaded and not d.last_error:
                links.append(("open", d.blob_id, self.tr("Open")))
                links.append(("save", d.blob_id, self.tr("Save as…")))
            elif moving and transfer.direction == "download":
                links.append(("stop", d.blob_id, self.tr("Stop")))
            elif not d.last_error and not offline:
                links.append(("download", d.blob_id, self.tr("Download")))
            anchors = " · ".join(f"<a href='passerelle:{a}/{t}'>{html.escape(label)}</a>"
                                 for a, t, label in links)
            state_html = (f" — <i style='color:#8a5a00'>{html.escape(state)}</i>"
                          if state else "")
            rows.append(
                f"<tr><td><img src='{_DOCUMENT_ICON}' width='16' height='16'> "
                f"<b>{html.escape(d.name)}</b> <span style='color:#6b7a8a'>"
                f"· {type_label(d.type)} · {labels.size(d.size)}</span>{state_html}"
                f"&nbsp;&nbsp;{anchors}</td></tr>")
        withdraw = ""
        if m.sender is Sender.PRACTICE and m.delivery is DeliveryState.PENDING:
            label = html.escape(self.tr("Cancel sending"))
            withdraw = f"<tr><td><a href='passerelle:withdraw/{m.id}'>{label}</a></td></tr>"
        return ("<table cellpadding='4' style='margin-top:6px; background:#f6f8fa; "
                f"border:1px solid #e1e6eb;' width='100%'>{''.join(rows)}{withdraw}</table>")

    def _transfer_moved(self, _transfer: Any) -> None:
        if self.conversation is not None and not self._transfer_refresh.isActive():
            self._transfer_refresh.start()

    def _document_limit(self) -> int:
        reader = self.session.reader
        return document_limit(reader) if reader is not None else 0

    # Drag and drop: files dropped anywhere on the conversation are attached.

    def dragEnterEvent(self, event: Any) -> None:
        if self.attach_button.isEnabled() and dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: Any) -> None:
        files = dropped_files(event.mimeData())
        if self.attach_button.isEnabled() and files:
            event.acceptProposedAction()
            self.attachments.add(files)

    def _message_html(self, m: Message, names: dict[str, str]) -> str:
        patient = m.sender is Sender.PATIENT
        who = self.conversation.patient_name if patient and self.conversation else names.get(
            m.author, self.tr("The practice"))
        state = "" if patient else f" · {labels.delivery(m.delivery)}"
        if m.id in self._not_sent:
            state = " · <b style='color:#a33'>" + html.escape(self._not_sent_text()) + "</b>"
        bg = "#ffffff" if patient else "#e6f0fa"
        align = "left" if patient else "right"
        text = html.escape(m.text).replace("\n", "<br>")
        return (
            f"<table width='100%' cellspacing='0' cellpadding='0'><tr><td align='{align}'>"
            f"<table cellpadding='10' style='background:{bg}; border:1px solid #d5dde5;' "
            f"width='78%'><tr><td>"
            f"<span style='color:#3a4a5c; font-weight:600'>{html.escape(who)}</span>"
            f"<span style='color:#6b7a8a'> · {labels.long_time(m.sent_at)}{state}</span>"
            f"<p style='margin-top:6px'>{text}</p>{self._documents_html(m)}</td></tr></table>"
            f"</td></tr></table><p style='margin:2px'></p>"
        )

    def _not_sent_text(self) -> str:
        """Why a reply did not leave: the conversation was closed first, on another
        workstation (by whom and when, once the practice's journal has said so)."""
        reader, conv = self.session.reader, self.conversation
        change = last_change(reader, conv.id) if reader is not None and conv else None
        if change is not None and change[0] == str(ConversationState.CLOSED) and change[1]:
            return self.tr("Not sent: {0} closed this conversation at {1}").format(
                change[1], moment(change[2]))
        if change is not None and change[0] == str(ConversationState.DECLINED) and change[1]:
            return self.tr("Not sent: {0} declined this request at {1}").format(
                change[1], moment(change[2]))
        if conv is not None and conv.state is ConversationState.CLOSED:
            return self.tr("Not sent: the conversation was closed meanwhile")
        return self.tr("Not sent: the relay refused this message")

    def _note_html(self, note: Any, names: dict[str, str]) -> str:
        who = html.escape(names.get(note.author, ""))
        text = html.escape(note.text).replace("\n", "<br>")
        label = html.escape(self.tr("Internal note — patients never see it"))
        return (
            "<table width='100%' cellpadding='10' style='background:#fff7d6; "
            "border:1px dashed #d9b84a;'><tr><td>"
            f"<span style='color:#7a5d00; font-weight:600'>{label}</span>"
            f"<span style='color:#7a6a3a'> · {who} · {labels.long_time(note.created_at)}</span>"
            f"<p style='margin-top:6px'>{text}</p></td></tr></table><p style='margin:2px'></p>"
        )

    def _fill_canned(self) -> None:
        reader = self.session.reader
        self.canned.clear()
        self.canned.addItem(self.tr("Choose…"), "")
        if reader is not None and hasattr(reader, "canned_replies"):
            for c in reader.canned_replies():
                self.canned.addItem(c.title, c.body)

    def _insert_canned(self, index: int) -> None:
        body = self.canned.itemData(index)
        if body:
            self.reply.insertPlainText(body)
            self.reply.setFocus()
        self.canned.setCurrentIndex(0)

    # -- acting ---------------------------------------------------------------------

    def _me(self) -> str:
        me = self.session.me()
        return me.id if me else ""

    def _do(self, fn: Any, *args: Any) -> None:
        self.session.act(fn, *args, changed="inbox", parent=self)

    def send(self) -> None:
        text = self.reply.toPlainText().strip()
        files = self.attachments.files()
        ws = self.session.workstation
        if (not text and not files) or self.conversation is None or ws is None \
                or not self.send_button.isEnabled():
            return
        self.send_button.setEnabled(False)

        def sent(_: Any) -> None:
            self.reply.clear()
            self.attachments.clear()
            self.send_button.setEnabled(True)

        def failed(exc: BaseException) -> None:
            self.send_button.setEnabled(True)  # the text stays in the box: nothing lost
            from desktop.ui.errors import report
            report(exc)

        if files:
            # Checked again, encrypted into the store and queued: on the store's worker.
            self.session.act(ws.practice_documents.send, self.conversation.id, files, text,
                             self._me(), changed="inbox", done=sent, failed=failed, parent=self)
            return
        self.session.act(ws.conversations.reply, self.conversation.id, text, self._me(),
                         changed="inbox", done=sent, failed=failed, parent=self)

    def accept_request(self) -> None:
        ws = self.session.workstation
        if ws and self.conversation:
            self._do(ws.conversations.change_state, self.conversation.id, ConversationState.OPEN,
                     self._me())

    def decline(self) -> None:
        ws = self.session.workstation
        conv = self.conversation
        if not ws or not conv:
            return
        ask_text(self, self.tr("Decline the request"),
                 self.tr("The patient will read this reason. Suggest what to do instead "
                         "(an appointment, another practitioner)."),
                 lambda reason: self._do(ws.conversations.change_state, conv.id,
                                         ConversationState.DECLINED, self._me(), reason),
                 ok_label=self.tr("Decline"))

    def close_conversation(self) -> None:
        ws = self.session.workstation
        if ws and self.conversation:
            self._do(ws.conversations.change_state, self.conversation.id,
                     ConversationState.CLOSED, self._me())

    def reopen(self) -> None:
        ws = self.session.workstation
        if ws and self.conversation:
            self._do(ws.conversations.change_state, self.conversation.id, ConversationState.OPEN,
                     self._me())

    def add_note(self) -> None:
        ws = self.session.workstation
        conv = self.conversation
        if not ws or not conv:
            return
        ask_text(self, self.tr("Internal note"),
                 self.tr("Only the practice sees notes; they never leave this store."),
                 lambda text: self._do(ws.conversations.add_note, conv.id, self._me(), text),
                 ok_label=self.tr("Add note"))

    def export_to_file(self) -> None:
        from desktop.ui.record_export import export_to_file

        conv = self.conversation
        if conv is not None and conv.patient_id and self.session.store is not None:
            self.export_dialog = export_to_file(self, self.session, conv.patient_id,
                                                conv.patient_name, conv.id)

    def _fill_assign_menu(self) -> None:
        self.assign_menu.clear()
        reader, ws, conv = self.session.reader, self.session.workstation, self.conversation
        if not reader or not ws or not conv:
            return
        assign = ws.conversations.assign
        for p in reader.practitioners():
            action = self.assign_menu.addAction(p.name)
            action.setCheckable(True)
            action.setChecked(p.id == conv.assigned_to)
            action.triggered.connect(
                lambda _=False, pid=p.id: self._do(assign, conv.id, pid, self._me()))
        self.assign_menu.addSeparator()
        clear = self.assign_menu.addAction(self.tr("Nobody (back to the addressee)"))
        clear.triggered.connect(lambda: self._do(assign, conv.id, None, self._me()))
