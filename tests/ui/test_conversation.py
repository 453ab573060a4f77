"""A patient writes; the practice sees it, answers and acts — through the real relay."""

from __future__ import annotations

from pathlib import Path

from desktop.core.model import Category, ConversationState
from desktop.ui.dialogs import TextDialog
from desktop.ui.qt import QApplication, Qt
from tests.ui.conftest import unlock


def _relay_bytes(relay) -> bytes:  # type: ignore[no-untyped-def]
    path = Path(relay.database_url.removeprefix("sqlite:///"))
    return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal")
                    if Path(f"{path}{s}").exists())


def _open_first(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.inbox.table.selectRow(0)
    qtbot.waitUntil(lambda: window.inbox.view.conversation is not None)


def _state(window, conv_id: str) -> ConversationState:  # type: ignore[no-untyped-def]
    return window.session.reader.conversation(conv_id).state


def test_a_patient_writes_the_message_appears_the_practice_replies(qtbot, window, jean, practice):
    unlock(qtbot, window)
    assert window.inbox.model.rowCount() == 0
    conv = jean.request(practice.practitioner_id, Category.ADMINISTRATIVE,
                        "Bonjour, il me faudrait un certificat pour le sport.")

    # No click: the long-poll brings it, the inbox and the badge follow.
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    assert window.inbox.model.conversation(0).patient_name == "Jean Martin"
    qtbot.waitUntil(lambda: window.windowTitle().startswith("(1)"), timeout=5000)
    assert window.notifications

    _open_first(qtbot, window)
    view = window.inbox.view
    assert "certificat pour le sport" in view.thread.toPlainText()
    assert view.accept_button.isVisible()
    view.reply.setFocus()
    view.reply.setPlainText("Bonjour, il est prêt à l'accueil.")  # QTest types ASCII only
    qtbot.keyClick(view.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.reply.toPlainText() == "", timeout=10000)
    qtbot.waitUntil(lambda: _state(window, conv) is ConversationState.OPEN, timeout=10000)

    def patient_has_reply() -> bool:
        jean.sync()
        return any(m["text"] == "Bonjour, il est prêt à l'accueil." for m in jean.thread(conv))

    qtbot.waitUntil(patient_has_reply, timeout=15000)
    assert jean.mark_read(conv) == 1
    qtbot.waitUntil(lambda: "Read" in view.thread.toPlainText(), timeout=15000)


def test_accept_decline_assign_note_close_reopen(qtbot, window, jean, practice, relay):
    first = jean.request(practice.practitioner_id, Category.OTHER, "Première demande")
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    _open_first(qtbot, window)
    view = window.inbox.view

    view.accept_button.click()
    qtbot.waitUntil(lambda: _state(window, first) is ConversationState.OPEN, timeout=10000)

    # An internal note: in the thread for the practice, never on the relay, never to the patient.
    view.note_button.click()
    dialog = window.findChild(TextDialog)
    dialog.text.setPlainText("Patient anxieux, rappeler jeudi")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Patient anxieux" in view.thread.toPlainText(), timeout=10000)
    assert "patients never see it" in view.thread.toPlainText()

    # Assign to a colleague: the inbox says so.
    view._fill_assign_menu()
    names = [a.text() for a in view.assign_menu.actions() if a.text()]
    assert names[0] == "Dr Claire Dupont"
    view.assign_menu.actions()[0].trigger()
    qtbot.waitUntil(
        lambda: window.session.reader.conversation(first).assigned_to == practice.practitioner_id,
        timeout=10000)

    view.close_button.click()
    qtbot.waitUntil(lambda: _state(window, first) is ConversationState.CLOSED, timeout=10000)
    qtbot.waitUntil(lambda: view.reopen_button.isVisible(), timeout=5000)
    assert not view.send_button.isEnabled()
    view.reopen_button.click()
    qtbot.waitUntil(lambda: _state(window, first) is ConversationState.OPEN, timeout=10000)

    # A second request, declined with a reason the patient reads.
    second = jean.request(practice.practitioner_id, Category.RENEWAL, "Deuxième demande")
    window.inbox.filter_group.button(1).click()  # requests awaiting acceptance
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    _open_first(qtbot, window)
    assert view.conversation.id == second
    view.decline_button.click()
    dialog = [d for d in window.findChildren(TextDialog) if d.isVisible()][0]
    dialog.text.setPlainText("Il faut une consultation : prenez rendez-vous.")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _state(window, second) is ConversationState.DECLINED, timeout=10000)

    def patient_sees_it() -> bool:
        jean.sync()
        states = {c["id"]: c["state"] for c in jean.conversations()}
        return states.get(second) == "declined" and states.get(first) == "open"

    qtbot.waitUntil(patient_sees_it, timeout=15000)
    assert any("prenez rendez-vous" in m["text"] for m in jean.thread(second))
    qtbot.waitUntil(lambda: window.session.store.outbox_count() == 0, timeout=15000)
    assert all("anxieux" not in m["text"] for m in jean.thread(first))
    assert b"Patient anxieux" not in _relay_bytes(relay)
    QApplication.processEvents()


def test_a_long_thread_shows_the_last_messages_and_pages_back(qtbot, practice, jean, relay):
    from datetime import UTC, datetime, timedelta

    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt import QUrl
    from desktop.ui.session import Session

    conv = jean.request(practice.practitioner_id, Category.OTHER, "Le tout premier message")
    practice.sync()
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    rows = [(f"00000000-0000-4000-8000-{i:012d}", conv, "patient", jean.patient_id,
             f"message numéro {i}", start + timedelta(minutes=i), "delivered")
            for i in range(1, 121)]
    practice.store.add_messages_bulk(rows)
    path = practice.store.path
    practice.store.close()
    window = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    try:
        window.inbox.filter_group.button(len(window.inbox.filters) - 1).click()
        _open_first(qtbot, window)
        text = window.inbox.view.thread.toPlainText()
        # The last 50: the request (written today) and messages 72 to 120.
        assert "Le tout premier message" in text and "message numéro 72\n" in text
        assert "message numéro 71\n" not in text
        assert "Show earlier messages" in text
        window.inbox.view.thread.anchorClicked.emit(QUrl("passerelle:earlier"))
        text = window.inbox.view.thread.toPlainText()
        assert "message numéro 1\n" in text and "Show earlier messages" not in text
    finally:
        window.session.close()
