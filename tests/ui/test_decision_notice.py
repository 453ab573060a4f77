"""The window of the workstation whose decision was taken back says who decided and when.

The conflict is made with the library on two real workstations (tests/sync/test_decisions.py);
then the losing workstation's store is opened in the real window, as its person would.
"""

from __future__ import annotations

from desktop.core.model import ConversationState
from desktop.sync.decisions import refusals
from desktop.ui.decision_notice import moment
from tests.support.workstations import office  # noqa: F401 (the fixture)
from tests.sync.test_decisions import LEVO, _opened, _renewal, declined_and_answered, two  # noqa: F401 (the fixture)
from tests.ui.conftest import unlock


def _window(qtbot, store):  # type: ignore[no-untyped-def]
    from desktop.ui.main_window import MainWindow
    from desktop.ui.session import Session

    path = store.path
    store.close()
    window = MainWindow(Session(path, long_poll=2))
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    return window


def test_the_renewals_screen_and_the_conversation_say_already_decided_by_whom_and_when(
    qtbot, qapp, two  # noqa: F811
) -> None:
    desk, laptop, jean, _, _ = two
    conv, request_id = _renewal(desk, laptop, jean)
    desk.workstation.approve_renewal(request_id, [LEVO], desk.practitioner_id)
    laptop.workstation.approve_renewal(request_id, [LEVO], desk.practitioner_id)
    desk.sync()
    laptop.sync()
    said = f"Already decided by Dr Claire Dupont at {moment(desk.store.renewal(request_id).decided_at)}."

    window = _window(qtbot, laptop.store)
    try:
        screen = window.show_screen("renewals")
        qtbot.waitUntil(lambda: screen.notice.isVisible(), timeout=15000)
        assert said in screen.notice.text.text()
        assert "nothing of it was sent to the patient" in screen.notice.text.text()
        assert screen.model.rowCount() == 0  # the request is decided: out of the queue

        window.open_conversation(conv)
        view = window.inbox.view
        qtbot.waitUntil(lambda: view.conversation is not None and view.notice.isVisible(),
                        timeout=15000)
        assert said in view.notice.text.text()

        view.notice.ok.click()  # read: the bar goes, and stays gone
        qtbot.waitUntil(lambda: refusals(window.session.reader) == [], timeout=15000)
        qtbot.waitUntil(lambda: not screen.notice.isVisible(), timeout=15000)
        view.notice.refresh()
        assert not view.notice.isVisible()
    finally:
        window.session.close()


def _shows_not_sent(qtbot, store, conv: str, words: str) -> None:
    """The conversation opened in the window says of the reply ``words`` and keeps it."""
    window = _window(qtbot, store)
    try:
        window.open_conversation(conv)
        view = window.inbox.view
        qtbot.waitUntil(lambda: view.conversation is not None, timeout=15000)
        qtbot.waitUntil(lambda: words in view.thread.toPlainText(), timeout=15000)
        assert "Passez demain." in view.thread.toPlainText()
        assert not view.send_button.isEnabled()  # closed or declined: nothing more to write
    finally:
        window.session.close()


def test_a_reply_the_close_beat_is_marked_not_sent_with_who_closed(
    qtbot, qapp, two  # noqa: F811
) -> None:
    desk, laptop, jean, _, _ = two
    conv = _opened(desk, laptop, jean)
    desk.workstation.change_state(conv, ConversationState.CLOSED, desk.practitioner_id)
    laptop.workstation.reply(conv, "Passez demain.", laptop.practitioner_id)
    desk.sync()
    laptop.sync()
    _shows_not_sent(qtbot, laptop.store, conv,
                    "Not sent: Dr Claire Dupont closed this conversation at")


def test_a_reply_to_a_request_declined_elsewhere_is_kept_and_says_who_declined(
    qtbot, qapp, two  # noqa: F811
) -> None:
    desk, laptop, jean, _, _ = two
    conv, _reply = declined_and_answered(desk, laptop, jean)
    _shows_not_sent(qtbot, laptop.store, conv,
                    "Not sent: Dr Claire Dupont declined this request at")
