"""Retention: past the operator's retention the relay deletes mailbox events, the
envelopes no event carries any more, complete documents and the answers kept for
retries; routing (who may write to whom) stays. By the running relay's housekeeping
timer and by ``passerelle-relay purge-expired``; "forever" keeps everything."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from relay.app import create_app
from relay.config import DEFAULT_RETENTION_DAYS, Settings, retention_days
from relay.db import SCHEMA_VERSION, Database, blobs, events, idempotency, items, utcnow
from relay.retention import Expired, purge_expired
from tests.relay.conftest import new_database
from tests.relay.helpers import World, ok, send
from tests.relay.test_blob_housekeeping import complete_upload, run_relay_cli
from tests.relay.test_blobs import scene
from tests.support.relay import RelayProcess, RelayThread


def age_everything(db: Database, days: float) -> None:
    """Make all that is on the relay now look ``days`` old."""
    then = utcnow() - timedelta(days=days)
    with db.write() as conn:
        conn.execute(update(events).values(created_at=then))
        conn.execute(update(items).values(created_at=then))
        conn.execute(update(blobs).where(blobs.c.chunk_count.is_not(None))
                     .values(completed_at=then))
        conn.execute(update(idempotency).values(created_at=then))


def count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_what_is_past_the_retention_goes_and_what_is_recent_stays(make_relay) -> None:
    _server, world = make_relay()
    s = scene(world)
    practice, patient, conv = s["practice"], s["patient"], s["conversation_id"]
    ok(send(practice, conv, b"OLD-ENVELOPE"), 201)
    old_blob = complete_upload(patient.api, conv, [os.urandom(600)])
    age_everything(world.db, DEFAULT_RETENTION_DAYS + 1)
    before = len(practice.api.all_events())
    ok(send(patient, conv, b"NEW-ENVELOPE"), 201)
    new_blob = complete_upload(patient.api, conv, [os.urandom(300)])

    assert purge_expired(world.db, None) == Expired()  # forever: nothing goes
    expired = purge_expired(world.db, DEFAULT_RETENTION_DAYS)
    assert expired.events >= before and expired.blobs == 1 and expired.bytes == 600
    assert expired.items >= 2 and expired.retries >= 1

    # The logs now start at what is recent; the old envelope is nowhere.
    kinds = [e["kind"] for e in practice.api.all_events()]
    assert kinds == ["message"]
    assert [e["kind"] for e in patient.api.all_events()] == ["message"]
    with world.db.read() as conn:
        envelopes = list(conn.execute(select(items.c.envelope)).scalars())
    assert not any(b"OLD-ENVELOPE" in (e or b"") for e in envelopes)
    assert any(b"NEW-ENVELOPE" in (e or b"") for e in envelopes)
    # The old document went, the new one stays; the conversation still carries messages.
    assert patient.api.get(f"/v1/blobs/{old_blob}").status_code == 404
    assert ok(patient.api.get(f"/v1/blobs/{new_blob}"))["complete"] is True
    ok(send(practice, conv, b"STILL-OPEN"), 201)
    # A second run finds nothing more to do.
    assert purge_expired(world.db, DEFAULT_RETENTION_DAYS) == Expired()


def test_the_retention_setting_reads_days_or_forever() -> None:
    assert retention_days("400") == 400.0 and retention_days("0.5") == 0.5
    assert retention_days("forever") is None and retention_days("Forever ") is None
    for bad in ("-3", "nan", "inf", "a year", ""):
        with pytest.raises(ValueError, match="retention"):
            retention_days(bad)
    assert Settings(database_url="sqlite:///x").retention_days == DEFAULT_RETENTION_DAYS


def test_the_operators_command_and_the_running_relay_purge(make_relay, backend) -> None:
    server, world = make_relay()
    s = scene(world)
    ok(send(s["practice"], s["conversation_id"]), 201)
    age_everything(world.db, 40)
    url = server.app.state.relay.settings.database_url
    proc = run_relay_cli("purge-expired", "--database", url, "--days", "forever")
    assert proc.returncode == 0 and "Retention forever: deleted 0 event(s)" in proc.stdout
    proc = run_relay_cli("purge-expired", "--database", url, "--days", "nonsense")
    assert proc.returncode == 2 and "retention" in proc.stderr and "Traceback" not in proc.stderr
    assert count(world.db, events) > 0
    if backend == "sqlite":
        # The running relay purges at start with its --retention-days.
        with RelayProcess(url, extra_args=("--retention-days", "30")):
            deadline = time.monotonic() + 15
            while count(world.db, events) and time.monotonic() < deadline:
                time.sleep(0.1)
        assert count(world.db, events) == 0
    else:
        proc = run_relay_cli("purge-expired", "--database", url, "--days", "30")
        assert proc.returncode == 0, proc.stderr
        assert count(world.db, events) == 0
    ok(send(s["patient"], s["conversation_id"]), 201)  # routing kept: still open


def test_a_schema_2_database_gets_its_event_times_from_the_payloads(backend, tmp_path) -> None:
    with new_database(backend, tmp_path) as url:
        first = RelayThread(create_app(Settings(database_url=url)))
        world = World(first.url, first.app.state.relay.db)
        try:
            s = scene(world)
            ok(send(s["practice"], s["conversation_id"]), 201)
        finally:
            world.close()
            first.stop()
        db = Database(url)
        with db.write() as conn:  # as a relay of schema 2 left it
            conn.execute(text("DROP INDEX ix_events_created_at"))
            conn.execute(text("ALTER TABLE events DROP COLUMN created_at"))
            conn.execute(text("UPDATE schema_version SET version = 2"))
        db.dispose()
        db = Database(url)
        try:
            db.create_schema()
            with db.read() as conn:
                assert conn.execute(text("SELECT version FROM schema_version")).scalar() == (
                    SCHEMA_VERSION)
                times = conn.execute(select(events.c.created_at, events.c.payload)).all()
            assert times and all(t is not None for t, _ in times)
            for moment, payload in times:
                assert moment.isoformat().replace("+00:00", "Z") in payload
            assert purge_expired(db, 1).events == 0  # all of it is minutes old
            assert purge_expired(db, 1, now=utcnow() + timedelta(days=2)).events == len(times)
        finally:
            db.dispose()

