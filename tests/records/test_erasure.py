"""Erase a patient: afterwards no table of the practice's store (its full-text index
included) and no table of the relay holds his id, his name or what was written, and
neither another workstation syncing from scratch nor his own app brings him back."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from desktop.core.errors import RelayError
from desktop.core.model import AuditAction
from desktop.records.erasure import erase_patient, relay_state
from desktop.records.patient_file import NotOurPatient
from desktop.store import Store
from desktop.store.documents import DocumentStore
from desktop.store.erasure import PATIENT_ROWS
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation
from tests.records.conftest import REPLY, RESULTS
from tests.support.world import PASSPHRASE

WORDS = ["cardiologue", "hemoglobine", "Zéphyrin", "jean.martin@example.org",
         "06 11 22 33 44", "Je viendrai jeudi", "Stilnox", "Mon traitement habituel"]


def store_rows_naming(store, needles):
    """(table, column) of every value in every table of the store, FTS shadow tables
    included, that holds one of ``needles`` (text, or the text's bytes in a blob)."""
    c = store._conn
    found = []
    tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        cur = c.execute(f'SELECT * FROM "{table}"')
        columns = [d[0] for d in cur.description]
        for row in cur.fetchall():
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                for needle in needles:
                    if needle.encode() in raw or needle.lower().encode() in raw:
                        found.append((table, column, needle))
    return found


def relay_rows_naming(path, needles):
    found = []
    with sqlite3.connect(path) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cur = db.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cur.description]
            for row in cur.fetchall():
                for column, value in zip(columns, row, strict=True):
                    raw = value if isinstance(value, bytes) else str(value).encode()
                    for needle in needles:
                        if needle in raw:
                            found.append((table, column, needle))
    return found


def id_forms(*ids):
    out = []
    for i in ids:
        u = uuid.UUID(i)
        out += [str(u).encode(), u.hex.encode(), u.bytes]
    return out


def test_the_schema_has_no_table_erasure_forgets(fresh_cabinet):
    c = fresh_cabinet.store._conn
    tables = {r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'messages_fts_%'")}
    assert tables == set(PATIENT_ROWS)


def test_erase_leaves_nothing_of_him_here_nor_on_the_relay(fresh_cabinet, tmp_path):
    cab = fresh_cabinet
    store, doctor = cab.store, cab.practice.practitioner_id
    jean = store.patient(cab.jean_id)
    relay_id = jean.relay_patient_id
    convs = [c.id for c in store.conversations_of_patient(cab.jean_id)]
    blobs = [d.document.blob_id for d in DocumentStore(store).of_patient(cab.jean_id)]
    texts = [RESULTS, REPLY, *WORDS, jean.name, cab.jean_id, relay_id, *convs]
    assert store_rows_naming(store, texts)  # the search finds him before
    assert store.search("cardiologue")
    relay_db = cab.tmp / "relay.sqlite3"
    on_relay = [*id_forms(relay_id, *convs, *blobs)]
    assert relay_rows_naming(relay_db, on_relay)

    done = erase_patient(store, cab.jean_id, doctor)
    # Offline or not, he is gone from here at once; the relay's part waits in the outbox,
    # which names him by his relay id alone.
    assert store.patient(cab.jean_id) is None
    assert relay_state(store, done.relay_requests) == ("waiting", "")
    assert {n for _t, _c, n in store_rows_naming(store, texts)} == {relay_id}
    cab.practice.sync()
    assert relay_state(store, done.relay_requests) == ("done", "")

    assert store_rows_naming(store, texts) == []
    assert store.search("cardiologue") == [] and store.search("hemoglobine") == []
    assert relay_rows_naming(relay_db, on_relay) == []
    # One line stays: that an erasure happened, who, when.
    [line] = [e for e in store.audit(limit=10_000) if e.action is AuditAction.PATIENT_ERASED]
    assert (line.actor_id, line.patient_id, line.detail) == (doctor, None, "")
    # The other patient, who got the same notice, keeps everything.
    odile = store.patient(cab.other_id)
    assert odile is not None and odile.name == "Odile Bernard"
    assert store.notice_recipient_state(cab.notice_id, cab.other_id) is not None

    # His app can no longer reach the relay, and syncing again changes nothing here.
    with pytest.raises(RelayError) as refused:
        cab.jean.sync()
    assert refused.value.status == 401
    cab.practice.sync()
    assert store_rows_naming(store, texts) == []

    # A second workstation of the practice, syncing from scratch, does not bring him back.
    second = Store.create(tmp_path / "second.passerelle", PASSPHRASE)
    try:
        for table in ("settings", "secrets"):
            rows = store._conn.execute(f"SELECT key, value FROM {table}").fetchall()
            with second.transaction():
                second._conn.executemany(
                    f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
        Sync(Workstation(second)).once()
        # It did read the practice's log from the start (its cursor, and the events about
        # patients it does not know set aside), and the practice journal, and found
        # nothing of him in them.
        assert second.cursor("practice") is not None and second.journal_cursor() is not None
        assert second.rejected()
        assert store_rows_naming(second, texts) == []
        assert second.patient_by_relay_id(relay_id) is None
    finally:
        second.close()


def test_erase_is_refused_for_a_patient_not_ours_and_changes_nothing(fresh_cabinet):
    store = fresh_cabinet.store
    before = (store.count_patients(), len(store.audit(limit=10_000)), store.outbox_count())
    for stranger in (str(uuid.uuid4()), "", fresh_cabinet.jean.patient_id):
        with pytest.raises(NotOurPatient):
            erase_patient(store, stranger, fresh_cabinet.practice.practitioner_id)
    assert (store.count_patients(), len(store.audit(limit=10_000)),
            store.outbox_count()) == before
