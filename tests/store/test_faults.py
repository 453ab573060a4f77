"""The store's promises under faults: a store killed mid-write, damaged bytes.

Real parts only: a real SQLCipher file written by a real subprocess that is
SIGKILLed, bytes flipped in the file itself.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.core.errors import StoreDamaged, WrongPassphrase
from desktop.store import Store
from desktop.store.keys import PAGE_SIZE
from tests.store.conftest import PASSPHRASE
from tests.store.faults import files_of, flip, kill_mid_write


@pytest.fixture()
def crashed(store_path: Path) -> tuple[Path, int]:
    """A store whose workstation was killed while writing: its log is still beside it."""
    Store.create(store_path, PASSPHRASE).close()
    last = kill_mid_write(store_path, PASSPHRASE)
    assert Path(str(store_path) + "-shm").exists()
    return store_path, last


def test_a_wrong_passphrase_changes_nothing_after_a_crash(crashed):
    store_path, last = crashed
    before = files_of(store_path)
    time.sleep(0.01)  # a write now would show in an mtime
    with pytest.raises(WrongPassphrase):
        Store.open(store_path, "un cheval de trait sur le pond")
    with pytest.raises(WrongPassphrase):
        Store.open_with_key(store_path, bytes(32))
    assert files_of(store_path) == before  # file, -wal and -shm: same bytes, same mtimes
    # The right passphrase still finds every acknowledged write.
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.get_setting(f"note-{last}") is not None


@pytest.fixture()
def closed_store(store_path: Path) -> Path:
    with Store.create(store_path, PASSPHRASE) as store:
        for i in range(300):
            store.set_setting(f"note-{i}", "consultation du jour " * 20)
    return store_path


# After the 16-byte salt: the SQLite header, the schema, the IV, the HMAC.
@pytest.mark.parametrize("offset", [16, 100, 2048, PAGE_SIZE - 80, PAGE_SIZE - 1])
def test_damage_in_the_first_page_is_not_a_wrong_passphrase(closed_store, offset):
    flip(closed_store, offset)
    before = files_of(closed_store)
    with pytest.raises(StoreDamaged, match="damaged.*backup"):
        Store.open(closed_store, PASSPHRASE)
    # A wrong passphrase on the damaged file is still a wrong passphrase.
    with pytest.raises(WrongPassphrase):
        Store.open(closed_store, "un cheval de trait sur le pond")
    assert files_of(closed_store) == before
