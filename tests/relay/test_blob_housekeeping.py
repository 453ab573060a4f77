"""Keeping the relay's documents tidy: uploads abandoned halfway are purged after days
without a sign of life (by the running relay and by the operator's command), complete
documents never are; and a database made before blobs kept their running count is
brought up to date when the relay starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from relay.app import create_app
from relay.config import Settings
from relay.db import SCHEMA_VERSION, Database, SchemaMismatch, blob_chunks, blobs, utcnow
from relay.operator import Purged, purge_incomplete_blobs
from tests.relay.conftest import new_database
from tests.relay.helpers import World, new_id, ok, refused
from tests.relay.test_blobs import declare, put, scene
from tests.support.relay import REPO, RelayProcess, RelayThread


def upload(api: Any, conversation_id: str, chunks: list[bytes]) -> str:
    """An upload that stops after ``chunks`` (1000 bytes short of what it declared)."""
    blob_id = new_id()
    ok(declare(api, conversation_id, sum(map(len, chunks)) + 1000, blob_id), 201)
    for index, chunk in enumerate(chunks):
        ok(put(api, blob_id, index, chunk))
    return blob_id


def complete_upload(api: Any, conversation_id: str, chunks: list[bytes]) -> str:
    blob_id, size = new_id(), sum(map(len, chunks))
    ok(declare(api, conversation_id, size, blob_id), 201)
    for index, chunk in enumerate(chunks):
        ok(put(api, blob_id, index, chunk))
    ok(api.post(f"/v1/blobs/{blob_id}/complete", {"chunk_count": len(chunks), "size": size}))
    return blob_id


def age(db: Database, blob_id: str, days: float) -> None:
    """Make a blob and its chunks look ``days`` old (as if its client went quiet then)."""
    then = utcnow() - timedelta(days=days)
    key = uuid.UUID(blob_id)
    with db.write() as conn:
        conn.execute(
            update(blobs).where(blobs.c.id == key).values(created_at=then, updated_at=then)
        )
        conn.execute(
            update(blob_chunks).where(blob_chunks.c.blob_id == key).values(created_at=then)
        )
        if conn.execute(select(blobs.c.chunk_count).where(blobs.c.id == key)).scalar():
            conn.execute(update(blobs).where(blobs.c.id == key).values(completed_at=then))


def held(db: Database) -> set[str]:
    with db.read() as conn:
        return {str(i) for i in conn.execute(select(blobs.c.id)).scalars()}


def test_only_uploads_abandoned_for_days_are_purged(make_relay) -> None:
    _server, world = make_relay()
    s = scene(world)
    api, conv = s["patient"].api, s["conversation_id"]
    abandoned = upload(api, conv, [os.urandom(300), os.urandom(200)])
    resumed = upload(api, conv, [os.urandom(100)])
    went_on = upload(api, conv, [os.urandom(100)])
    fresh = upload(api, conv, [os.urandom(100)])
    delivered = complete_upload(s["practice"].api, conv, [os.urandom(400)])
    for blob_id in (abandoned, resumed, went_on):
        age(world.db, blob_id, 8)
    age(world.db, delivered, 30)
    # Signs of life: the upload declared again (how a client resumes), a new chunk.
    ok(declare(api, conv, 1100, resumed), 201)
    ok(put(api, went_on, 1, os.urandom(100)))

    assert purge_incomplete_blobs(world.db, 7) == Purged(blobs=1, chunks=2, bytes=500)
    assert held(world.db) == {resumed, went_on, fresh, delivered}
    assert purge_incomplete_blobs(world.db, 7) == Purged()
    # A complete document is a message's: the patient still reads it a month later.
    assert s["patient"].api.get(f"/v1/blobs/{delivered}/chunks/0").status_code == 200
    # The abandoned upload is gone for both sides; declared again, it starts from zero.
    refused(api.get(f"/v1/blobs/{abandoned}"), 404, "blob_not_found")
    refused(put(api, abandoned, 2, b"late"), 404, "blob_not_found")
    again = ok(declare(api, conv, 1500, abandoned), 201)
    assert again["received"] == [] and again["received_bytes"] == 0
    # What counts is the days without a sign of life, whatever the threshold.
    assert purge_incomplete_blobs(world.db, 7, now=utcnow() + timedelta(days=8)) == Purged(
        blobs=4, chunks=4, bytes=400
    )
    assert held(world.db) == {delivered}
    with pytest.raises(ValueError):
        purge_incomplete_blobs(world.db, 0)


def run_relay_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )


def test_the_operator_purges_abandoned_uploads(make_relay) -> None:
    server, world = make_relay()
    s = scene(world)
    abandoned = upload(s["patient"].api, s["conversation_id"], [os.urandom(700)])
    recent = upload(s["patient"].api, s["conversation_id"], [os.urandom(700)])
    age(world.db, abandoned, 10)
    url = server.app.state.relay.settings.database_url
    proc = run_relay_cli("purge-blobs", "--database", url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "Purged 1 abandoned upload(s), incomplete and idle for more than 7 days: "
        "1 chunk(s), 700 bytes."
    )
    assert held(world.db) == {recent}
    proc = run_relay_cli("purge-blobs", "--database", url, "--days", "0.5")
    assert proc.returncode == 0 and proc.stdout.startswith("Purged 0 "), proc.stdout
    proc = run_relay_cli("purge-blobs", "--database", url, "--days", "0")
    assert proc.returncode == 2 and "above zero" in proc.stderr and "Traceback" not in proc.stderr


def test_a_running_relay_purges_when_it_starts(make_relay) -> None:
    server, world = make_relay()
    s = scene(world)
    abandoned = upload(s["patient"].api, s["conversation_id"], [os.urandom(700)])
    kept = upload(s["patient"].api, s["conversation_id"], [os.urandom(700)])
    age(world.db, abandoned, 3)
    age(world.db, kept, 1)
    url = server.app.state.relay.settings.database_url
    with RelayProcess(url, extra_args=("--incomplete-blob-days", "2")):
        deadline = time.monotonic() + 15
        while abandoned in held(world.db) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert held(world.db) == {kept}


def test_an_older_database_is_brought_up_to_date(backend: str, tmp_path: Any) -> None:
    with new_database(backend, tmp_path) as url:
        first = RelayThread(create_app(Settings(database_url=url)))
        world = World(first.url, first.app.state.relay.db)
        try:
            s = scene(world)
            token, conv = s["patient"].api.token, s["conversation_id"]
            blob_id = new_id()
            ok(declare(s["patient"].api, conv, 3000, blob_id), 201)
            ok(put(s["patient"].api, blob_id, 0, os.urandom(1200)))
            ok(put(s["patient"].api, blob_id, 2, os.urandom(800)))
            delivered = complete_upload(s["patient"].api, conv, [os.urandom(500)])
            empty = upload(s["patient"].api, conv, [])
        finally:
            world.close()
            first.stop()
        # As a relay of schema 1 left it: no running count, no last sign of life.
        db = Database(url)
        with db.write() as conn:
            for column in ("received_bytes", "updated_at"):
                conn.execute(text(f"ALTER TABLE blobs DROP COLUMN {column}"))
            conn.execute(text("UPDATE schema_version SET version = 1"))
        db.dispose()

        second = RelayThread(create_app(Settings(database_url=url)))  # migrates as it starts
        world = World(second.url, second.app.state.relay.db)
        try:
            with world.db.read() as conn:
                assert conn.execute(text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION
                counts = dict(conn.execute(select(blobs.c.id, blobs.c.received_bytes)).all())
                unseen = conn.execute(
                    select(func.count()).select_from(blobs).where(blobs.c.updated_at.is_(None))
                ).scalar_one()
            assert {str(k): v for k, v in counts.items()} == {
                blob_id: 2000,
                delivered: 500,
                empty: 0,
            }
            assert unseen == 0
            # The upload goes on with the right count: 1000 bytes left of the 3000 declared.
            api = world.api(token)
            refused(put(api, blob_id, 1, os.urandom(1001)), 413, "blob_too_large")
            ok(put(api, blob_id, 1, os.urandom(1000)))
            ok(api.post(f"/v1/blobs/{blob_id}/complete", {"chunk_count": 3, "size": 3000}))
        finally:
            world.close()
            second.stop()


def test_a_database_from_a_newer_relay_is_refused(backend: str, tmp_path: Any) -> None:
    with new_database(backend, tmp_path) as url:
        db = Database(url)
        try:
            db.create_schema()
            with db.write() as conn:
                conn.execute(text(f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}"))
            with pytest.raises(SchemaMismatch, match=str(SCHEMA_VERSION + 1)):
                db.create_schema()
        finally:
            db.dispose()
