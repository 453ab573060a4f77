"""Backups in the window: the first run's recovery key, Settings → Backups, the status bar,
a vanished folder, a damaged store restored from the unlock screen, the restore wizard."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.model import Category
from desktop.crypto.recovery import format_recovery_key, new_recovery_key
from desktop.store import Store
from desktop.store import backup as bk
from desktop.ui import config, errors, operations
from desktop.ui.qt import QFileDialog, QPushButton, QSettings, QWizard
from desktop.ui.session import Session
from desktop.ui.wizard import FirstRunWizard
from tests.support.relay import create_practice
from tests.ui.conftest import sign_in, unlock


@pytest.fixture(autouse=True)
def workstation_settings(tmp_path, qapp):
    """This workstation's settings in the test's own folder, not the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture()
def recovery_key(practice) -> str:
    key = new_recovery_key()
    bk.set_recovery_key(practice.store, key)
    return key


@pytest.fixture()
def usb(tmp_path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def _wait_backup(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.session.backups.running and operations.busy() == 0,
                    timeout=20000)


def test_back_up_now_shows_the_backup_and_a_vanished_folder_is_a_warning(
    qtbot, recovery_key, window, usb, monkeypatch
):
    label = window.backup_label
    assert "No backup folder" in label.text() and label.property("level") == "warn"
    unlock(qtbot, window)
    settings = window.show_screen("settings")
    group = settings.backups
    assert bk.recovery_key_id(window.session.reader) in group.key.text()

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    group.findChild(QPushButton, "chooseBackupFolder").click()
    assert group.folder.text() == str(usb)
    _wait_backup(qtbot, window)  # choosing a folder checks it, and backs up (none yet)
    [made] = bk.backups_in(usb)
    assert label.property("level") == "ok" and "Backed up" in label.text()
    assert "KB" in label.text() or "MB" in label.text()
    assert made.path.name in group.last.text() and group.last.toolTip() == str(made.path)
    assert not group.problem.isVisible()
    assert str(usb) in label.toolTip()
    bk.open_key(made.path, recovery_key)  # it opens with the practice's recovery key

    # The USB disk is pulled out: the next check says so; nothing crashes.
    usb.rename(usb.with_name("usb-elsewhere"))
    window.session.backups.check()
    qtbot.waitUntil(lambda: label.property("level") == "warn", timeout=10000)
    assert "Backup failed" in label.text() and "cannot be reached" in label.toolTip()
    assert group.problem.isVisible() and "cannot be reached" in group.problem.text()
    assert made.path.name in group.last.text()  # the last good one is still said
    group.now.click()
    _wait_backup(qtbot, window)
    assert label.property("level") == "warn"
    assert errors.shown == []

    # Plugged in again: the next check backs up at once and the warning goes.
    usb.with_name("usb-elsewhere").rename(usb)
    window.session.backups.check()
    qtbot.waitUntil(lambda: label.property("level") == "ok", timeout=20000)
    assert len(bk.backups_in(usb)) == 1  # the rotation kept today's newest only


def test_an_old_backup_is_a_warning_until_a_new_one(qtbot, recovery_key, window, usb):
    config.BACKUP_FOLDER.write(str(usb))
    config.BACKUP_LAST_AT.write((datetime.now(UTC) - timedelta(days=3)).isoformat())
    config.BACKUP_LAST_BYTES.write(5_000_000)
    window.session.backups.changed.emit()
    assert window.backup_label.property("level") == "warn"
    assert "more than two days" in window.backup_label.text()
    unlock(qtbot, window)
    window.session.backups.check()  # as the timer would: the backup is due
    qtbot.waitUntil(lambda: window.backup_label.property("level") == "ok", timeout=20000)


def test_a_new_recovery_key_is_shown_once_and_opens_the_next_backups(
    qtbot, recovery_key, window, usb, tmp_path, monkeypatch
):
    config.BACKUP_FOLDER.write(str(usb))
    unlock(qtbot, window)
    group = window.show_screen("settings").backups
    before = group.key.text()
    group.findChild(QPushButton, "newRecoveryKey").click()
    dialog = group.dialog
    assert not dialog.ok.isEnabled()  # not before the key is said to be kept
    sheet = tmp_path / "cle.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sheet), ""))
    dialog.panel.print_button.click()
    qtbot.waitUntil(lambda: sheet.exists() and "saved" in dialog.panel.status.text(),
                    timeout=10000)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.read_bytes())).pages)
    new_key = dialog.panel.key
    assert "Cabinet Dupont" in text or "Passerelle" in text
    for group_text in format_recovery_key(new_key).split("-"):
        assert group_text in text.replace(" ", "")
    dialog.panel.kept.setChecked(True)
    dialog.ok.click()
    qtbot.waitUntil(lambda: group.key.text() != before, timeout=10000)
    _wait_backup(qtbot, window)
    [made] = bk.backups_in(usb)
    bk.open_key(made.path, new_key)
    with pytest.raises(bk.WrongRecoveryKey):
        bk.open_key(made.path, recovery_key)


def test_closing_the_window_backs_up(qtbot, recovery_key, window, usb):
    config.BACKUP_FOLDER.write(str(usb))
    unlock(qtbot, window)
    window.session.close()
    [made] = bk.backups_in(usb)
    assert config.BACKUP_LAST_PATH.read() == str(made.path)


@pytest.mark.parametrize("damage", [(200, 3000), (8192, 16384)],
                         ids=["found-at-unlock", "found-when-first-read"])
def test_a_damaged_store_offers_the_latest_good_backup(
    qtbot, relay, practice, jean, recovery_key, usb, tmp_path, damage
):
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Avant la sauvegarde")
    practice.sync()
    bk.write_backup(practice.store, usb, now=datetime.now(UTC) - timedelta(days=1))
    jean.write(conv, "Après la sauvegarde")
    practice.sync()
    path = practice.store.path
    practice.store.close()
    data = bytearray(path.read_bytes())
    start, end = damage  # part of the first page, or pages read only once unlocked
    data[start:end] = os.urandom(end - start)
    path.write_bytes(bytes(data))
    config.BACKUP_FOLDER.write(str(usb))

    from desktop.ui.main_window import MainWindow

    session = Session(path, long_poll=2)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    screen = window.unlock_screen
    screen.passphrase.setText("correct horse battery staple")
    screen.button.click()
    qtbot.waitUntil(lambda: screen.restore_button.isVisible(), timeout=15000)
    assert "damaged" in screen.message.text()
    screen.restore_button.click()
    dialog = screen.restore_dialog
    qtbot.waitUntil(lambda: dialog.form.file.text() != "", timeout=10000)
    assert "Latest backup" in dialog.found.text()
    dialog.form.key.setText(recovery_key)
    dialog.form.first.setText("une phrase après la panne")
    dialog.form.second.setText("une phrase après la panne")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: session.is_unlocked, timeout=20000)
    sign_in(qtbot, window)  # the people of the practice came back with the store
    # Sync catches up: the message written after the backup arrives, once.
    qtbot.waitUntil(
        lambda: [m.text for m in session.reader.thread(conv)] ==
        ["Avant la sauvegarde", "Après la sauvegarde"], timeout=20000)
    assert [p.name for p in path.parent.iterdir() if ".damaged-" in p.name]
    session.close()
    qtbot.waitUntil(lambda: operations.busy() == 0, timeout=15000)


def test_the_first_run_wizard_restores_a_backup(qtbot, relay, practice, jean, recovery_key,
                                                usb, tmp_path, monkeypatch):
    jean.request(practice.practitioner_id, Category.OTHER, "Un message sauvegardé")
    practice.sync()
    made = bk.write_backup(practice.store, usb)
    practice.store.close()

    from desktop.ui.main_window import MainWindow

    path = tmp_path / "new-computer" / "cabinet.passerelle"
    session = Session(path, long_poll=2)
    window = MainWindow(session)
    wizard = FirstRunWizard(path)
    qtbot.addWidget(window)
    qtbot.addWidget(wizard)
    wizard.created.connect(session.adopt)
    wizard.accepted.connect(window.show)
    wizard.show()
    wizard.practice_page.findChild(QPushButton, "restoreFromBackup").click()
    assert wizard.currentPage() is wizard.restore_page
    form = wizard.restore_page.form
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(made.path), ""))
    form.findChild(QPushButton, "chooseBackup").click()
    assert form.file.text() == str(made.path)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    form.key.setText(new_recovery_key())  # another practice's sheet
    form.first.setText("une nouvelle phrase secrète")
    form.second.setText("une nouvelle phrase secrète")
    assert finish.isEnabled()
    finish.click()
    qtbot.waitUntil(lambda: "Nothing was restored" in form.error.text(), timeout=15000)
    assert "does not open this backup" in form.error.text()
    assert not path.exists() and wizard.isVisible()

    form.key.setText(recovery_key.lower())
    qtbot.waitUntil(finish.isEnabled, timeout=5000)
    finish.click()
    qtbot.waitUntil(lambda: window.isVisible() and session.is_unlocked, timeout=20000)
    sign_in(qtbot, window)  # the people of the practice came back with the store
    [conv] = session.reader.inbox("all")
    assert [m.text for m in session.reader.thread(conv.id)] == ["Un message sauvegardé"]
    session.close()
    qtbot.waitUntil(lambda: operations.busy() == 0, timeout=15000)
    Store.open(path, "une nouvelle phrase secrète").close()


def test_the_first_run_recovery_key_encrypts_the_backups(qtbot, relay, tmp_path, usb,
                                                         monkeypatch):
    path = tmp_path / "new" / "cabinet.passerelle"
    token = create_practice(relay.database_url, "Cabinet Lenoir")
    wizard = FirstRunWizard(path)
    qtbot.addWidget(wizard)
    created: list[Store] = []
    wizard.created.connect(created.append)
    wizard.show()
    wizard.practice_page.name.setText("Cabinet Lenoir")
    wizard.next()
    wizard.practitioners_page.table.item(0, 0).setText("Dr Anne Lenoir")
    wizard.next()
    wizard.passphrase_page.first.setText("trois mots au hasard")
    wizard.passphrase_page.second.setText("trois mots au hasard")
    wizard.next()
    page = wizard.recovery_page
    shown = page.panel.key_label.text()
    assert shown == format_recovery_key(page.panel.key)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    page.findChild(QPushButton, "wizardChooseBackupFolder").click()
    page.panel.kept.setChecked(True)
    wizard.next()
    wizard.relay_page.url.setText(relay.url)
    wizard.relay_page.token.setText(token)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: bool(created), timeout=20000)
    store = created[0]
    try:
        assert config.BACKUP_FOLDER.read() == str(usb)
        made = bk.write_backup(store, usb)
        bk.open_key(made.path, shown)
    finally:
        store.close()


def test_patients_added_or_invited_are_backed_up_soon_after(qtbot, recovery_key, window, usb):
    from desktop.ui import backups as ui_backups

    config.BACKUP_FOLDER.write(str(usb))
    unlock(qtbot, window)
    service = window.session.backups
    service.after_change_ms = 100
    window.session.changed.emit("patients")
    qtbot.waitUntil(lambda: len(bk.backups_in(usb)) == 1 and not service.running,
                    timeout=20000)
    # Another change right after: the next backup waits for the gap, not for nobody.
    window.session.changed.emit("patients")
    qtbot.wait(500)
    assert len(bk.backups_in(usb)) == 1
    assert service._soon.isActive()
    assert service._soon.remainingTime() > (ui_backups.AFTER_CHANGE_GAP_SECONDS - 60) * 1000


def test_the_schedule_backs_up_when_none_is_recent_and_not_again_the_same_day(
    qtbot, recovery_key, window, usb
):
    config.BACKUP_FOLDER.write(str(usb))
    unlock(qtbot, window)
    service = window.session.backups
    service.start(first_check_ms=50)  # as at unlock, sooner
    qtbot.waitUntil(lambda: len(bk.backups_in(usb)) == 1 and not service.running,
                    timeout=20000)
    service.start(first_check_ms=50)  # a later check: the last backup is minutes old
    qtbot.wait(800)
    qtbot.waitUntil(lambda: operations.busy() == 0, timeout=10000)
    assert len(bk.backups_in(usb)) == 1


def test_a_store_without_a_recovery_key_says_what_to_do(qtbot, window, usb):
    # A store made before backups existed: no recovery key yet.
    config.BACKUP_FOLDER.write(str(usb))
    unlock(qtbot, window)
    window.session.backups.run_now()
    qtbot.waitUntil(lambda: not window.session.backups.running, timeout=10000)
    assert "No recovery key yet" in window.backup_label.toolTip()
    group = window.show_screen("settings").backups
    assert "No recovery key yet" in group.key.text()
    assert list(usb.iterdir()) == [] and errors.shown == []
