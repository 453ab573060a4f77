"""Backups on real SQLCipher files: what opens them, what they hold, what they never show."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.errors import StoreError, WrongPassphrase
from desktop.crypto.recovery import InvalidRecoveryKey, new_recovery_key
from desktop.store import Store
from desktop.store import backup as bk
from tests.store.conftest import PASSPHRASE, at

PATIENT_NAMES = [b"Jean Martin", b"Lucie Bernard"]
SECRET_TEXT = "Mon traitement contre l'hypertension est presque fini"


@pytest.fixture()
def recovery_key(practice) -> str:
    key = new_recovery_key()
    bk.set_recovery_key(practice.store, key)
    return key


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "usb-disk"
    f.mkdir()
    return f


def _fill(practice, n: int = 50) -> None:
    conv = practice.conversation("c-1")
    for i in range(n):
        practice.from_patient(conv, f"m-{i}", f"{SECRET_TEXT} ({i})", i)


def _everything_on_disk(folder: Path) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in folder.iterdir() if p.is_file()]


def test_a_backup_opens_with_the_recovery_key_only(practice, recovery_key, folder, tmp_path):
    _fill(practice)
    made = bk.write_backup(practice.store, folder)
    assert made.path.parent == folder and made.counts["messages"] == 50

    # The person's passphrase opens the store, never its backup.
    with pytest.raises((WrongPassphrase, StoreError)):
        Store.open(made.path, PASSPHRASE)
    with pytest.raises(bk.WrongRecoveryKey, match="does not open this backup"):
        bk.restore_backup(made.path, new_recovery_key(), tmp_path / "other.passerelle", "x" * 12)
    typo = recovery_key[:-2] + ("A" if recovery_key[-2] != "A" else "B") + recovery_key[-1]
    with pytest.raises(InvalidRecoveryKey, match="typing mistake"):
        bk.restore_backup(made.path, typo, tmp_path / "other.passerelle", "x" * 12)
    assert not (tmp_path / "other.passerelle").exists()

    # Typed as people type it from the sheet: lower case, spaces instead of dashes.
    typed = recovery_key.lower().replace("-", " ")
    restored = bk.restore_backup(made.path, typed, tmp_path / "restored.passerelle",
                                 "une nouvelle phrase secrète")
    try:
        assert restored.count_patients() == 2
        assert restored.message("m-0").text == f"{SECRET_TEXT} (0)"
        assert len(restored.thread("c-1", limit=1000)) == 50
    finally:
        restored.close()
    # From now on the restored store opens with the new passphrase, not the old one.
    with pytest.raises(WrongPassphrase):
        Store.open(tmp_path / "restored.passerelle", PASSPHRASE)
    Store.open(tmp_path / "restored.passerelle", "une nouvelle phrase secrète").close()


def test_no_backup_nor_its_temporary_file_shows_a_patient_or_a_message(
    practice, recovery_key, folder
):
    _fill(practice, 400)
    seen_while_writing: list[tuple[str, bytes]] = []

    def look(copied: int, total: int) -> None:
        if copied and not seen_while_writing:
            seen_while_writing.extend(_everything_on_disk(folder))

    made = bk.write_backup(practice.store, folder, step_pages=8, progress=look)
    assert seen_while_writing, "the folder was looked at while the copy was under way"
    assert seen_while_writing[0][0].startswith(".writing-")
    after = _everything_on_disk(folder)
    assert [name for name, _ in after] == [made.path.name]  # the temporary name is gone
    for name, data in seen_while_writing + after:
        assert not data.startswith(b"SQLite format 3"), name
        for secret in [*PATIENT_NAMES, SECRET_TEXT.encode(), "hypertension".encode("utf-16-le")]:
            assert secret not in data, (name, secret)
    # Nothing in clear beside the store either (no -journal, no temp files from the copy).
    beside = {p.name for p in practice.store.path.parent.iterdir()}
    assert beside <= {practice.store.path.name, f"{practice.store.path.name}-wal",
                      f"{practice.store.path.name}-shm", "usb-disk"}


def test_a_backup_is_the_store_at_one_moment_while_writes_go_on(practice, recovery_key, folder):
    _fill(practice, 300)
    store = practice.store
    written = []

    def write_meanwhile(copied: int, total: int) -> None:
        # Another thread commits while the copy holds its snapshot: it must not wait
        # for the backup, and the backup must not take its rows half-way.
        if copied and len(written) < 3:
            t = threading.Thread(target=lambda: written.append(
                practice.from_patient("c-1", f"late-{len(written)}", "arrivé pendant", 999)))
            t.start()
            t.join(timeout=5)
            assert not t.is_alive(), "a write waited for the backup"

    made = bk.write_backup(store, folder, step_pages=4, progress=write_meanwhile)
    assert len(written) == 3
    assert made.counts["messages"] == 300
    assert len(store.thread("c-1", limit=1000)) == 303
    restored_counts, _ = bk._check(made.path, *bk.open_key(made.path, recovery_key))
    assert restored_counts == made.counts


def test_a_vanished_folder_is_a_clear_refusal_and_leaves_nothing(practice, recovery_key, folder):
    gone = folder / "not-mounted"
    with pytest.raises(bk.BackupFolderUnavailable, match="cannot be reached"):
        bk.write_backup(practice.store, gone)
    assert not gone.exists()

    # The USB disk pulled out in the middle of a copy.
    _fill(practice, 200)
    moved = folder.with_name("pulled-out")

    def pull_out(copied: int, total: int) -> None:
        if copied and folder.exists():
            folder.rename(moved)

    with pytest.raises(bk.BackupFailed) as refused:
        bk.write_backup(practice.store, folder, step_pages=4, progress=pull_out)
    print(refused.value)
    # No backup counts as made; what the copy left on the disk is a temporary name,
    # encrypted (rotation removes it once a day old).
    assert bk.backups_in(moved) == []
    for name, data in _everything_on_disk(moved):
        assert name.startswith(".writing-") and not data.startswith(b"SQLite format 3")
        assert b"Jean Martin" not in data
    # The store goes on as before.
    practice.from_patient("c-1", "after", "toujours là", 1000)
    assert practice.store.message("after") is not None


def test_a_store_without_a_recovery_key_says_so(practice, folder):
    with pytest.raises(bk.NoRecoveryKey, match="Settings"):
        bk.write_backup(practice.store, folder)
    assert list(folder.iterdir()) == []


def test_a_new_recovery_key_opens_new_backups_and_the_old_key_the_old_ones(
    practice, recovery_key, folder, tmp_path
):
    old = bk.write_backup(practice.store, folder, now=at(0))
    newer_key = new_recovery_key()
    key_id = bk.set_recovery_key(practice.store, newer_key)
    assert bk.recovery_key_id(practice.store) == key_id
    new = bk.write_backup(practice.store, folder, now=at(60))
    bk.open_key(old.path, recovery_key)
    bk.open_key(new.path, newer_key)
    with pytest.raises(bk.WrongRecoveryKey):
        bk.open_key(old.path, newer_key)
    with pytest.raises(bk.WrongRecoveryKey):
        bk.open_key(new.path, recovery_key)
    assert bk.latest_good(folder, newer_key).path == new.path
    assert bk.latest_good(folder, recovery_key).path == old.path


def test_what_is_not_a_backup_is_refused_and_nothing_is_created(tmp_path, recovery_key):
    plain = tmp_path / "plain.pbackup"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    truncated = tmp_path / "cut.pbackup"
    truncated.write_bytes(os.urandom(5000))
    noise = tmp_path / "noise.pbackup"
    noise.write_bytes(os.urandom(8192))
    target = tmp_path / "restored.passerelle"
    cases = [(plain, "unencrypted"), (truncated, "truncated"), (noise, "does not open"),
             (tmp_path / "absent.pbackup", "no backup"), (tmp_path, "folder")]
    for path, said in cases:
        with pytest.raises((bk.NotABackup, bk.WrongRecoveryKey), match=said):
            bk.restore_backup(path, recovery_key, target, "une phrase assez longue")
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if "restor" in p.name]


def test_a_damaged_backup_page_is_found_by_its_check(practice, recovery_key, folder):
    _fill(practice, 200)
    made = bk.write_backup(practice.store, folder)
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    made.path.write_bytes(bytes(data))
    with pytest.raises(bk.NotABackup, match="damaged"):
        bk.open_key(made.path, recovery_key)


def test_restoring_over_a_damaged_store_moves_it_aside(practice, recovery_key, folder):
    _fill(practice, 20)
    made = bk.write_backup(practice.store, folder)
    path = practice.store.path
    practice.from_patient("c-1", "after-backup", "après la sauvegarde", 500)
    practice.store.close()
    data = bytearray(path.read_bytes())
    data[5000:9000] = os.urandom(4000)  # the disk lost a page
    path.write_bytes(bytes(data))
    restored = bk.restore_backup(made.path, recovery_key, path, "une phrase assez longue")
    try:
        assert restored.message("m-19") is not None
        assert restored.message("after-backup") is None  # made after: sync brings it back
    finally:
        restored.close()
    aside = [p.name for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert aside and all(name.startswith(path.name + ".damaged-") for name in aside)
    assert not Path(f"{path}.restoring").exists()


def test_the_folder_keeps_the_promised_backups_and_nothing_else(practice, recovery_key, folder):
    start = datetime(2026, 1, 1, 18, 0, tzinfo=UTC)
    made = [bk.write_backup(practice.store, folder, now=start + timedelta(days=d)).path
            for d in range(0, 400, 3)]
    stranger = folder / "notes-du-cabinet.txt"
    stranger.write_text("pas une sauvegarde")
    deleted = bk.rotate(folder, local=lambda m: m)
    left = {b.path for b in bk.backups_in(folder)}
    assert left | set(deleted) == set(made)
    days = sorted(b.made_at for b in bk.backups_in(folder))
    newest = max(days)
    # The last 7 backup days are all there, and 12 months are represented.
    assert days[-7:] == [newest - timedelta(days=3 * k) for k in reversed(range(7))]
    assert len({(d.year, d.month) for d in days}) == 12
    assert len(days) < len(made)
    assert stranger.exists()
