"""A full disk, for real: a small tmpfs filled to the last byte.

Each case: a sentence that says the disk is full (not "disk I/O error"),
nothing lost, nothing left behind.
"""

from __future__ import annotations

import hashlib

import pytest

from desktop.core.errors import DiskFull, StoreError
from desktop.store import Store
from tests.store.conftest import PASSPHRASE
from tests.store.faults import FullDisk, kill_mid_write


@pytest.fixture()
def disk(tmp_path):
    with FullDisk(tmp_path / "disk") as d:
        yield d


def _store_on(disk: FullDisk) -> tuple[Store, str]:
    store = Store.create(disk.folder / "cabinet.passerelle", PASSPHRASE)
    patient = store.add_patient("Jean Martin", "1961-04-02")
    for i in range(50):
        store.set_setting(f"note-{i}", "consultation du jour " * 20)
    return store, patient.id


def test_a_cleanly_closed_store_on_a_full_disk_says_so_and_opens_read_only(disk):
    store, jean = _store_on(disk)
    path = store.path
    store.close()
    disk.fill()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()

    with pytest.raises(DiskFull, match="^The disk is full: .* cannot be opened for writing") as e:
        Store.open(path, PASSPHRASE)
    assert "I/O" not in str(e.value)
    assert disk.files() == ["cabinet.passerelle"]  # no empty -wal or -shm left behind

    with Store.open(path, PASSPHRASE, read_only=True) as store:
        assert store.read_only
        assert store.patient(jean).name == "Jean Martin"
        with store.reader() as reader:
            assert reader.get_setting("note-49") is not None
        with pytest.raises(StoreError, match="read-only"):
            store.set_setting("note-50", "refused")
    assert disk.files() == ["cabinet.passerelle"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest

    disk.free()
    with Store.open(path, PASSPHRASE) as store:  # room again: read-write, all there
        store.set_setting("note-50", "après")
        assert store.patient(jean).name == "Jean Martin"


def test_a_crashed_store_on_a_full_disk_opens_read_only_with_its_log(disk):
    path = disk.folder / "cabinet.passerelle"
    Store.create(path, PASSPHRASE).close()
    last = kill_mid_write(path, PASSPHRASE, commits=200)
    disk.fill()
    with pytest.raises(DiskFull, match="^The disk is full"):
        Store.open(path, PASSPHRASE)
    with Store.open(path, PASSPHRASE, read_only=True) as store:
        assert store.get_setting(f"note-{last}") is not None  # the log's last commit is read
    assert disk.files() == ["cabinet.passerelle", "cabinet.passerelle-shm",
                            "cabinet.passerelle-wal"]


def test_writes_on_a_full_disk_say_so_and_lose_nothing(disk):
    store, jean = _store_on(disk)
    try:
        disk.fill()
        with pytest.raises(DiskFull, match="^The disk is full: the change was not saved"):
            store.set_setting("note-50", "une de plus")
        with pytest.raises(DiskFull, match="^The disk is full"), store.transaction():
            for i in range(60, 90):
                store.set_setting(f"note-{i}", "consultation du jour " * 20)
        with pytest.raises(DiskFull, match="^The disk is full"):
            store.add_patient("Lucie Bernard", "1990-12-24")
        # What was saved before is all there, and readable now.
        assert store.patient(jean).name == "Jean Martin"
        assert store.get_setting("note-49") is not None
        disk.free()
        store.set_setting("note-50", "une de plus")  # room again: it works
    finally:
        store.close()
    with Store.open(disk.folder / "cabinet.passerelle", PASSPHRASE) as store:
        assert store.get_setting("note-50") == "une de plus"
        assert store.get_setting("note-60") is None  # the refused transaction: none of it
        assert [p.name for p in store.patients()] == ["Jean Martin"]
    assert disk.files() == ["cabinet.passerelle"]


def test_creating_a_store_on_a_full_disk_says_so_and_leaves_nothing(disk):
    disk.fill()
    with pytest.raises(DiskFull, match="^The disk is full: .* cannot be created"):
        Store.create(disk.folder / "cabinet.passerelle", PASSPHRASE)
    assert disk.files() == []
