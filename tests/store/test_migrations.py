"""Schema versions: an older file is brought up to date, a newer one is refused."""

from __future__ import annotations

import sqlite3

import pytest
import sqlcipher3

from desktop.core.errors import StoreError
from desktop.store import Store, derive_key, migrations
from tests.store.conftest import PASSPHRASE


def _raw(store_path, key: bytes):
    c = sqlcipher3.connect(str(store_path), isolation_level=None)
    c.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return c


def test_a_new_store_is_at_the_latest_version(store):
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)


def test_a_file_at_version_zero_is_migrated_on_open(store_path):
    # An encrypted file with the right key and salt but no schema yet (a store
    # created before the first migration ran, or by an early build).
    salt = bytes(range(16))
    key = derive_key(PASSPHRASE, salt)
    c = sqlcipher3.connect(str(store_path), isolation_level=None)
    c.execute(f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\"")
    c.execute("CREATE TABLE scratch (x)")
    c.execute("DROP TABLE scratch")
    assert c.execute("PRAGMA user_version").fetchone()[0] == 0
    c.close()

    with Store.open(store_path, PASSPHRASE) as store:
        store.add_patient("Jean Martin", "1961-04-02")
        assert [p.name for p in store.patients()] == ["Jean Martin"]
    with Store.open(store_path, PASSPHRASE) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(
            migrations.MIGRATIONS
        )


def test_a_file_from_a_newer_version_is_refused_untouched(store_path):
    with Store.create(store_path, PASSPHRASE) as store:
        key = store.raw_key
    c = _raw(store_path, key)
    c.execute("PRAGMA user_version = 99")
    c.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="made by a newer version"):
        Store.open(store_path, PASSPHRASE)
    assert store_path.read_bytes() == before


def test_a_newer_migration_runs_when_an_older_file_opens(store_path, monkeypatch):
    with Store.create(store_path, PASSPHRASE) as store:
        jean = store.add_patient("Jean Martin", "1961-04-02")
    current = migrations.MIGRATIONS
    following = (
        "CREATE TABLE notices_test (id TEXT PRIMARY KEY, title TEXT NOT NULL)",
        "INSERT INTO notices_test VALUES ('n-1', 'Vaccination grippe')",
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", (*current, following))
    with Store.open(store_path, PASSPHRASE) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(current) + 1
        assert store._conn.execute("SELECT title FROM notices_test").fetchall() == [
            ("Vaccination grippe",)
        ]
        assert store.patient(jean.id) == jean


def test_a_failing_migration_leaves_the_file_at_its_previous_version(store_path, monkeypatch):
    with Store.create(store_path, PASSPHRASE) as store:
        jean = store.add_patient("Jean Martin", "1961-04-02")
    current = migrations.MIGRATIONS
    broken = ("CREATE TABLE notices_test (id TEXT PRIMARY KEY)", "INSERT INTO nowhere VALUES (1)")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*current, broken))
    with pytest.raises(StoreError, match="brought up to date"):
        Store.open(store_path, PASSPHRASE)
    monkeypatch.undo()
    with Store.open(store_path, PASSPHRASE) as store:  # today's code still opens it
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(current)
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
        assert "notices_test" not in tables  # the half-done step left nothing behind
        assert store.patient(jean.id) == jean


def test_the_same_schema_builds_on_plain_sqlite(store, tmp_path):
    plain = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    migrations.apply_all(plain)
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    assert plain.execute(schema).fetchall() == store._conn.execute(schema).fetchall()
    assert plain.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
    plain.close()


def test_the_queries_run_on_a_plain_sqlite_copy_for_benchmarks(tmp_path):
    from datetime import UTC, datetime, timedelta

    from desktop.store import conversations, practice, search

    plain = sqlite3.connect(tmp_path / "plain.sqlite3", isolation_level=None)
    migrations.apply_all(plain)
    doctor = practice.add_practitioner(plain, "Dr A", "GP", None, True, None)
    jean = practice.add_patient(plain, "Jean Martin", "1961-04-02", None)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    conversations.upsert_conversation(plain, "c-1", jean.id, doctor.id, "other", "open", t0)
    rows = [
        (
            f"m-{i}",
            "c-1",
            "patient",
            jean.id,
            f"résultats {i}",
            t0 + timedelta(minutes=i),
            "delivered",
        )
        for i in range(120)
    ]
    assert conversations.add_messages_bulk(plain, rows) == 120
    assert conversations.inbox(plain, "to_process", None, 50, 0)[0].unread == 120
    assert len(conversations.thread(plain, "c-1", 100, None)) == 100
    assert len(search.search(plain, "resultats", 50)) == 50
    plain.close()
