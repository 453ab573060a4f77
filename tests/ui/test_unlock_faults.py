"""The unlock screen in front of a damaged store: it says so, and does not make the
person wait as after a wrong passphrase."""

from __future__ import annotations

from desktop.store import Store
from desktop.ui.session import Session
from desktop.ui.unlock import UnlockScreen

PASSPHRASE = "un cheval de trait sur le pont"


def test_a_damaged_store_is_reported_without_the_wrong_passphrase_delay(qtbot, tmp_path):
    path = tmp_path / "cabinet.passerelle"
    with Store.create(path, PASSPHRASE) as store:
        store.set_setting("practice_name", "Cabinet des Tilleuls")
    data = bytearray(path.read_bytes())
    data[2048] ^= 0x55  # in the first 4 KiB, after the salt
    path.write_bytes(bytes(data))

    session = Session(path)
    screen = UnlockScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    screen.passphrase.setText(PASSPHRASE)
    screen.button.click()
    qtbot.waitUntil(lambda: screen.passphrase.isEnabled(), timeout=15000)

    assert "is damaged" in screen.message.text()
    assert "backup" in screen.message.text()
    assert "Wrong passphrase" not in screen.message.text()
    assert screen.button.isEnabled()  # no countdown
    assert screen.failures == 0
    assert not session.is_unlocked


def test_a_damaged_journal_after_a_crash_is_told_when_unlocking(qtbot, tmp_path):
    from desktop.store import wal
    from desktop.ui import errors
    from tests.store.faults import flip, frame_offset, kill_mid_write

    path = tmp_path / "cabinet.passerelle"
    Store.create(path, PASSPHRASE).close()
    kill_mid_write(path, PASSPHRASE, commits=50)
    flip(wal.wal_path(path), frame_offset(2) + 24 + 100)
    errors.shown.clear()

    session = Session(path)
    screen = UnlockScreen(session)
    qtbot.addWidget(screen)
    session.unlocked.connect(screen.succeeded)
    screen.passphrase.setText(PASSPHRASE)
    screen.button.click()
    qtbot.waitUntil(lambda: session.is_unlocked, timeout=15000)
    try:
        assert any("journal was damaged" in text for text in errors.shown)
        assert any("fetched again" in text for text in errors.shown)
    finally:
        session.close()


def test_a_full_disk_is_said_at_unlock_without_the_wrong_passphrase_delay(qtbot, tmp_path):
    from tests.store.faults import FullDisk

    with FullDisk(tmp_path / "disk") as disk:
        path = disk.folder / "cabinet.passerelle"
        Store.create(path, PASSPHRASE).close()
        disk.fill()
        session = Session(path)
        screen = UnlockScreen(session)
        qtbot.addWidget(screen)
        screen.passphrase.setText(PASSPHRASE)
        screen.button.click()
        qtbot.waitUntil(lambda: screen.passphrase.isEnabled(), timeout=15000)
        assert screen.message.text().startswith("The disk is full")
        assert "I/O" not in screen.message.text()
        assert screen.button.isEnabled() and screen.failures == 0
        assert disk.files() == ["cabinet.passerelle"]
