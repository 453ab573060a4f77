"""Creating, opening, refusing and re-keying a real SQLCipher file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
import sqlcipher3

from desktop.core.errors import StoreError, WrongPassphrase
from desktop.store import Store, derive_key
from desktop.store.keys import PAGE_SIZE
from tests.store.conftest import PASSPHRASE


def _snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


def test_a_new_store_reopens_with_its_passphrase(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        store.set_setting("practice_name", "Cabinet des Tilleuls")
        patient = store.add_patient("Jean Martin", "1961-04-02")
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.get_setting("practice_name") == "Cabinet des Tilleuls"
        assert store.patient(patient.id) == patient
        assert store.path == store_path


def test_the_salt_is_the_files_first_bytes_and_the_key_derives_from_it(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        key = store.raw_key
    salt = store_path.read_bytes()[:16]
    assert derive_key(PASSPHRASE, salt) == key
    assert len(key) == 32


def test_two_stores_with_the_same_passphrase_have_different_keys(tmp_path):
    with (
        Store.create(tmp_path / "a", PASSPHRASE) as a,
        Store.create(tmp_path / "b", PASSPHRASE) as b,
    ):
        assert a.raw_key != b.raw_key


def test_create_refuses_an_existing_file_and_leaves_it_alone(store_path):
    store_path.write_bytes(b"the practice's old accounts")
    with pytest.raises(StoreError, match="already exists"):
        Store.create(store_path, PASSPHRASE)
    assert store_path.read_bytes() == b"the practice's old accounts"


def test_create_refuses_an_empty_passphrase_and_leaves_no_file(store_path):
    with pytest.raises(StoreError, match="passphrase"):
        Store.create(store_path, "")
    assert not store_path.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_file_is_readable_by_its_owner_only(store):
    assert store.path.stat().st_mode & 0o077 == 0


def test_a_wrong_passphrase_is_refused_and_changes_nothing_on_disk(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        store.add_patient("Jean Martin", "1961-04-02")
    before = _snapshot(store_path)
    time.sleep(0.01)  # a write now would show in the mtime
    with pytest.raises(WrongPassphrase):
        Store.open(store_path, "un cheval de trait sur le pond")
    assert _snapshot(store_path) == before  # same bytes, same mtime, no -wal or -shm


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store.open(tmp_path / "nowhere.passerelle", PASSPHRASE)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"Bonjour, ceci est une lettre.\n" * 10, "not a Passerelle store"),
        (b"\x00" * 100, "not a Passerelle store"),
    ],
)
def test_a_file_that_is_not_a_store_is_refused_clearly(store_path, content, message):
    store_path.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        Store.open(store_path, PASSPHRASE)
    assert store_path.read_bytes() == content


def test_an_unencrypted_sqlite_file_is_refused(store_path):
    plain = sqlite3.connect(store_path)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    with pytest.raises(StoreError, match="unencrypted"):
        Store.open(store_path, PASSPHRASE)


def test_a_truncated_store_is_refused(store_path):
    Store.create(store_path, PASSPHRASE).close()
    store_path.write_bytes(store_path.read_bytes()[: PAGE_SIZE + 100])
    with pytest.raises(StoreError, match="damaged"):
        Store.open(store_path, PASSPHRASE)


def _damage(store_path: Path, pages: range) -> None:
    data = bytearray(store_path.read_bytes())
    for page in pages:
        data[page * PAGE_SIZE + 100] ^= 0xFF
    store_path.write_bytes(bytes(data))


def test_a_damaged_schema_is_a_damaged_store_not_a_wrong_passphrase(practice, store_path):
    conv = practice.conversation("c-1")
    for i in range(200):
        practice.from_patient(conv, f"m-{i}", f"message numéro {i} " * 40, i)
    practice.store.close()
    pages = store_path.stat().st_size // PAGE_SIZE
    assert pages > 20
    _damage(store_path, range(1, pages))  # every page but the first
    with pytest.raises(StoreError, match="damaged") as info:
        Store.open(store_path, PASSPHRASE)
    assert not isinstance(info.value, WrongPassphrase)


def test_a_damaged_message_page_is_reported_when_read(practice, store_path):
    conv = practice.conversation("c-1")
    for i in range(200):
        practice.from_patient(conv, f"m-{i}", f"message numéro {i} " * 40, i)
    practice.store.close()
    last = store_path.stat().st_size // PAGE_SIZE - 1
    _damage(store_path, range(last - 5, last + 1))
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.count_inbox() == 1  # the rest of the store still reads
        with pytest.raises(StoreError, match="damaged"):
            store.thread(conv, limit=1000)


def test_change_passphrase_old_one_fails_new_one_works(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        patient = store.add_patient("Jean Martin", "1961-04-02")
        old_salt = store_path.read_bytes()[:16]
        store.change_passphrase("une toute nouvelle phrase")
        # still usable, same content, without reopening
        assert store.patient(patient.id) == patient
        store.add_patient("Lucie Bernard", "1990-12-24")
    assert store_path.read_bytes()[:16] != old_salt
    with pytest.raises(WrongPassphrase):
        Store.open(store_path, PASSPHRASE)
    with Store.open(store_path, "une toute nouvelle phrase") as store:
        assert [p.name for p in store.patients()] == ["Jean Martin", "Lucie Bernard"]


def test_an_interrupted_passphrase_change_still_opens_with_the_new_passphrase(store_path, tmp_path):
    """A crash after the change but before the WAL went back into the file:
    the new salt is only in the WAL. The practice must not be locked out."""
    store = Store.create(store_path, PASSPHRASE)
    store.add_patient("Jean Martin", "1961-04-02")
    old_salt = store_path.read_bytes()[:16]
    # Another connection holding a snapshot keeps the checkpoint from finishing.
    other = sqlcipher3.connect(str(store_path), isolation_level=None)
    other.execute(f"PRAGMA key = \"x'{store.raw_key.hex()}'\"")
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM patients").fetchone()
    store.change_passphrase("une toute nouvelle phrase")
    crashed = tmp_path / "copy"
    crashed.mkdir()
    shutil.copy(store_path, crashed / store_path.name)
    shutil.copy(str(store_path) + "-wal", crashed / (store_path.name + "-wal"))
    other.execute("ROLLBACK")
    other.close()
    store.close()
    copy = crashed / store_path.name
    assert copy.read_bytes()[:16] == old_salt, "the scenario needs the old salt in the file"
    with pytest.raises(WrongPassphrase):  # the old one is no longer accepted
        Store.open(copy, PASSPHRASE)
    with Store.open(copy, "une toute nouvelle phrase") as reopened:
        assert [p.name for p in reopened.patients()] == ["Jean Martin"]


def test_change_passphrase_waits_for_readers_to_close(store):
    reader = store.reader()
    with pytest.raises(StoreError, match="Close the other views"):
        store.change_passphrase("une toute nouvelle phrase")
    reader.close()
    store.change_passphrase("une toute nouvelle phrase")


def test_a_reader_opens_without_deriving_and_cannot_write(store, monkeypatch):
    store.add_patient("Jean Martin", "1961-04-02")
    from desktop.store import keys

    def no_derivation(*args, **kwargs):
        raise AssertionError("a reader must reuse the key")

    monkeypatch.setattr(keys, "derive_key", no_derivation)
    with store.reader() as reader:
        assert [p.name for p in reader.patients()] == ["Jean Martin"]
        with pytest.raises(StoreError, match="read-only"):
            reader.add_patient("Lucie Bernard", "1990-12-24")
        store.add_patient("Lucie Bernard", "1990-12-24")
        assert len(reader.patients()) == 2  # sees what the writer committed


def test_open_with_key_reuses_a_derived_key(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        store.set_setting("relay_url", "https://relay.example")
        key = store.raw_key
    with Store.open_with_key(store_path, key) as store:
        assert store.get_setting("relay_url") == "https://relay.example"
    with pytest.raises(WrongPassphrase):
        Store.open_with_key(store_path, bytes(32))


def test_a_closed_store_says_so(store):
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.patients()


def test_a_passphrase_typed_composed_or_decomposed_opens_the_same_store(store_path):
    composed, decomposed = "clé de l'été 2026", "cle\u0301 de l'e\u0301te\u0301 2026"
    assert composed != decomposed
    Store.create(store_path, composed).close()
    Store.open(store_path, decomposed).close()
