"""Practice settings: what the practice changes takes effect, and the passphrase changes."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.core.model import Category
from desktop.store import Store
from desktop.ui.qt import QDate
from tests.support.world import PASSPHRASE
from tests.ui.conftest import unlock

NEW_PASSPHRASE = "une toute nouvelle phrase"


def test_practice_name_auto_lock_and_canned_reply(qtbot, window):
    unlock(qtbot, window)
    settings = window.show_screen("settings")
    settings.name.setText("Maison de santé des Tilleuls")
    settings.save_practice()
    qtbot.waitUntil(lambda: window.practice_label.text() == "Maison de santé des Tilleuls",
                    timeout=10000)
    settings.auto_lock.setValue(3)
    settings.save_workstation()
    qtbot.waitUntil(lambda: window.idle.timer.interval() == 3 * 60_000, timeout=10000)

    editor = settings.canned
    editor.new()
    editor.title.setText("Vaccin grippe")
    editor.body.setPlainText("Le vaccin est disponible au cabinet le mardi matin.")
    editor.save()
    qtbot.waitUntil(lambda: "Vaccin grippe" in [editor.list.item(i).text()
                                                for i in range(editor.list.count())],
                    timeout=10000)
    editor.title.setText("")
    editor.save()
    assert "needs a title" in editor.error.text()


def test_absence_sends_one_auto_reply(qtbot, window, jean, practice):
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Une question")
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.inbox.model.rowCount() == 1, timeout=15000)
    window.inbox.table.selectRow(0)
    qtbot.waitUntil(lambda: window.inbox.view.conversation is not None)
    window.inbox.view.accept_button.click()
    qtbot.waitUntil(lambda: window.session.reader.conversation(conv).state == "open",
                    timeout=10000)

    settings = window.show_screen("settings")
    settings.p_absent.setChecked(True)
    today = date.today()
    settings.p_from.setDate(QDate(today.year, today.month, today.day))
    end = today + timedelta(days=7)
    settings.p_until.setDate(QDate(end.year, end.month, end.day))
    settings.p_message.setPlainText("Je suis absente jusqu'au lundi ; le Dr Leroy me remplace.")
    settings.save_practitioner()
    qtbot.waitUntil(lambda: window.session.reader.practitioner(
        practice.practitioner_id).absent_from == today.isoformat(), timeout=10000)

    jean.sync()
    jean.write(conv, "Merci, et aussi : faut-il être à jeun ?")
    jean.write(conv, "Et une autre chose.")

    def auto_replies() -> int:
        jean.sync()
        return sum("Dr Leroy me remplace" in m["text"] for m in jean.thread(conv))

    qtbot.waitUntil(lambda: auto_replies() == 1, timeout=20000)
    qtbot.wait(1500)
    assert auto_replies() == 1  # once per absence, not once per message
    assert jean.practice_profile()["practitioners"][0]["absence"]["until"] == end.isoformat()


def test_change_passphrase_locks_and_the_new_one_opens(qtbot, window, tmp_path):
    unlock(qtbot, window)
    settings = window.show_screen("settings")
    settings.old.setText(PASSPHRASE)
    settings.new.setText(NEW_PASSPHRASE)
    settings.again.setText(NEW_PASSPHRASE + "x")
    settings.change_passphrase()
    assert "differ" in settings.pass_message.text()
    assert window.session.is_unlocked

    settings.again.setText(NEW_PASSPHRASE)
    settings.change_passphrase()
    qtbot.waitUntil(lambda: "Passphrase changed" in window.unlock_screen.message.text(),
                    timeout=20000)
    unlock(qtbot, window, NEW_PASSPHRASE)
    path = window.session.path
    window.session.close()
    Store.open(path, NEW_PASSPHRASE).close()


def test_a_wrong_current_passphrase_changes_nothing(qtbot, window):
    unlock(qtbot, window)
    settings = window.show_screen("settings")
    settings.old.setText("pas la bonne")
    settings.new.setText(NEW_PASSPHRASE)
    settings.again.setText(NEW_PASSPHRASE)
    settings.change_passphrase()
    qtbot.waitUntil(lambda: "not changed" in window.unlock_screen.message.text(), timeout=20000)
    unlock(qtbot, window, PASSPHRASE)
