"""A crashed store whose journal (-wal) was damaged: detected before SQLite replays it,
told, and what came from the relay fetched again.

SQLite replays a log up to its first bad frame and silently forgets the
transactions committed after it. Real parts: a writer process SIGKILLed, a
byte flipped in its -wal, a real relay to fetch from again.
"""

from __future__ import annotations

import pytest

from desktop.store import Store, wal
from desktop.store.keys import PAGE_SIZE
from tests.store.conftest import PASSPHRASE
from tests.store.faults import flip, frame_offset, kill_mid_write


@pytest.fixture()
def crashed(store_path):
    """A store with a safe point (cursor 10 at its last opening), then a writer killed
    after its 300th transaction: the last one it acknowledged."""
    with Store.create(store_path, PASSPHRASE) as store:
        store.set_cursor("practice", "10")
    Store.open(store_path, PASSPHRASE).close()  # a clean opening: the safe point
    return kill_mid_write(store_path, PASSPHRASE)


def test_an_intact_journal_is_replayed_whole_and_nothing_is_said(store_path, crashed):
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.log_damage is None
        assert store.get_setting(f"note-{crashed}") is not None
        # The last one acknowledged, or one more committed just before the kill.
        assert int(store.cursor("practice")) - 1000 in (crashed, crashed + 1)


@pytest.mark.parametrize("where", ["page", "frame header", "salts"])
def test_a_flipped_byte_in_the_journal_is_told_and_the_cursor_goes_back(
    store_path, crashed, where
):
    log = wal.read(store_path, PAGE_SIZE)
    assert log is not None and not log.drops_commits
    middle = frame_offset(log.kept_frames // 2)
    offset = {"page": middle + 24 + 1000, "frame header": middle + 2, "salts": middle + 9}[where]
    flip(wal.wal_path(store_path), offset)

    with Store.open(store_path, PASSPHRASE) as store:
        assert store.log_damage is not None and store.log_damage.dropped_commits > 0
        assert "journal was damaged" in str(store.log_damage)
        # SQLite did drop acknowledged transactions...
        assert store.get_setting(f"note-{crashed}") is None
        # ...so sync starts again from the safe point, not from what was kept.
        assert store.cursor("practice") == "10"
    with Store.open(store_path, PASSPHRASE) as store:  # said once
        assert store.log_damage is None
        assert store.cursor("practice") == "10"


def test_a_damaged_journal_header_loses_the_whole_log_and_is_told(store_path, crashed):
    flip(wal.wal_path(store_path), 20)  # a salt in the header: SQLite ignores the whole log
    with Store.open(store_path, PASSPHRASE) as store:
        assert store.log_damage is not None
        assert store.get_setting(f"note-{crashed}") is None
        assert store.cursor("practice") == "10"


def test_a_live_journal_of_another_open_store_is_not_judged(store_path, crashed):
    """Opened a second time while open (the command line beside the window): its log is
    in use, frames may be arriving; nothing is rewound."""
    with Store.open(store_path, PASSPHRASE) as first:
        first.set_cursor("practice", "2000")
        with Store.open(store_path, PASSPHRASE) as second:
            assert second.log_damage is None
            assert second.cursor("practice") == "2000"


# -- with a real relay: what the damaged journal lost comes back, once --------------

SYNC_ONCE = """
import sys, time
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation
store = Store.open(sys.argv[1], sys.argv[2])
Sync(Workstation(store)).once()
print(1, flush=True)
time.sleep(600)  # killed here, the pulled page still in the -wal
"""


@pytest.fixture()
def relay(tmp_path):
    from tests.support.relay import RelayProcess

    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as r:
        r.database_url = db
        yield r


def test_messages_lost_with_a_damaged_journal_are_fetched_again_once(relay, tmp_path):
    from desktop.core.model import Category
    from desktop.sync.engine import Sync
    from desktop.sync.workstation import Workstation
    from tests.support.relay import create_practice
    from tests.support.world import PASSPHRASE as PRACTICE_PASSPHRASE
    from tests.support.world import make_practice

    path = tmp_path / "cabinet.passerelle"
    practice = make_practice(relay.url, create_practice(relay.database_url, "Cabinet"), path)
    jean = practice.enrol(relay.url, "Jean Martin")
    try:
        conv = jean.request(practice.practitioner_id, Category.OTHER, "Bonjour docteur")
        practice.sync()
        practice.store.close()
        Store.open(path, PRACTICE_PASSPHRASE).close()  # a clean opening: the safe point
        for i in range(30):
            jean.write(conv, f"Résultats de la prise de sang, suite {i}")
        # The workstation pulls the 30 messages, and is killed before closing.
        kill_mid_write(path, PRACTICE_PASSPHRASE, commits=1, script=SYNC_ONCE)
        flip(wal.wal_path(path), frame_offset(0) + 24 + 500)

        with Store.open(path, PRACTICE_PASSPHRASE) as store:
            assert store.log_damage is not None
            assert len(store.thread(conv, limit=1000)) == 1  # the 30 were dropped
            Sync(Workstation(store)).once()
            texts = [m.text for m in store.thread(conv, limit=1000)]
        assert texts[0] == "Bonjour docteur"
        assert sorted(texts[1:]) == sorted(f"Résultats de la prise de sang, suite {i}"
                                           for i in range(30))  # all back, none twice
    finally:
        jean.close()
        if not practice.store.closed:
            practice.store.close()
