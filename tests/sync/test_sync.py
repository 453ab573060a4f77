"""Sync against a real relay: tampering, a relay killed mid-sync, offline work, the engine."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from desktop.core.errors import RelayError
from desktop.core.model import Category, ConversationState, DeliveryState
from desktop.crypto.envelope import message_context, seal_envelope
from desktop.sync.client import b64
from desktop.sync.content import encode
from desktop.sync.engine import Sync, SyncEngine, SyncState, backoff_delay


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_flipped_byte_is_rejected_and_never_shown(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv_id, msg_id = str(uuid.uuid4()), str(uuid.uuid4())
    doc = {"type": "request", "category": "renewal", "text": "Texte falsifié",
           "sent_at": "2026-11-22T10:00:00+00:00"}
    envelope = bytearray(seal_envelope(encode(doc), message_context(conv_id, msg_id),
                                       jean.identity.sign_key,
                                       [jean.practice_enc_pk, jean.identity.enc_pk]))
    envelope[len(envelope) // 2] ^= 0x40
    r = requests.post(f"{relay.url}/v1/conversations",
                      json={"id": conv_id, "practitioner_id": practice.practitioner_id,
                            "message_id": msg_id, "envelope": b64(bytes(envelope))},
                      headers={"Authorization": f"Bearer {jean.state['token']}",
                               "Idempotency-Key": str(uuid.uuid4())}, timeout=10)
    assert r.status_code == 201

    _, applied = practice.sync()
    assert applied.rejected == 1 and applied.new_messages == []
    assert practice.store.inbox("all") == []
    assert practice.store.search("falsifié") == []
    [rejected] = practice.store.rejected()
    assert rejected.kind == "conversation_requested" and "integrity" in rejected.reason

    # The next, honest message still goes through: one bad envelope blocks nothing.
    jean.request(practice.practitioner_id, Category.RENEWAL, "Vrai message")
    _, applied = practice.sync()
    assert len(applied.new_messages) == 1


def test_an_event_the_store_refuses_is_set_aside_once_and_sync_goes_on(relay, practice):
    """A relay (buggy, or not ours) hands out a message whose id is empty; its envelope is
    sealed to that empty id, so it opens, and only the store refuses it. The messages
    around it arrive, the refused one is recorded once, and the next sync moves on."""
    from relay.testing import seed_messages

    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Première question")
    practice.sync()

    texts = ["avant 1", "avant 2", "sans identifiant", "après 1", "après 2"]
    now = datetime.now(UTC)
    ids = [str(uuid.uuid4()) for _ in texts]
    sealed_to = [*ids[:2], "", *ids[3:]]
    envelopes = [
        seal_envelope(encode({"type": "message", "text": text,
                              "sent_at": (now + timedelta(minutes=n)).isoformat()}),
                      message_context(conv, sealed_to[n]), jean.identity.sign_key,
                      [jean.practice_enc_pk, jean.identity.enc_pk])
        for n, text in enumerate(texts)
    ]
    seed_messages(relay.database_url, practice.workstation.practice_id, jean.patient_id, conv,
                  envelopes, message_ids=ids)
    with sqlite3.connect(relay.database_url.removeprefix("sqlite:///")) as relay_db:
        changed = relay_db.execute(
            "UPDATE events SET payload = replace(payload, ?, '') WHERE payload LIKE ?",
            (ids[2], f"%{ids[2]}%"),
        ).rowcount
    assert changed == 2  # the practice's mailbox and the patient's

    _, applied = practice.sync()
    assert applied.rejected == 1 and len(applied.new_messages) == 4
    thread = [m.text for m in practice.store.thread(conv, limit=100)]
    assert thread == ["Première question", "avant 1", "avant 2", "après 1", "après 2"]
    [rejected] = practice.store.rejected()
    assert rejected.kind == "message" and "refused by the store" in rejected.reason

    _, again = practice.sync()  # the cursor moved past it: not fetched, not refused again
    assert again.rejected == 0 and again.new_messages == []
    assert len(practice.store.rejected()) == 1
    jean.write(conv, "Et une suite")
    _, later = practice.sync()
    assert len(later.new_messages) == 1 and later.rejected == 0


def test_relay_killed_mid_sync_converges_with_nothing_lost_or_doubled(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Première question")
    for i in range(300):
        jean.write(conv, f"message patient {i}")
    practice.sync()
    ws = practice.workstation
    ws.change_state(conv, ConversationState.OPEN, practice.practitioner_id)
    for i in range(300):
        ws.reply(conv, f"réponse cabinet {i}", practice.practitioner_id)
    assert practice.store.outbox_count() == 301

    sync = Sync(ws)
    errors: list[Exception] = []

    def run():
        try:
            sync.once()
        except RelayError as exc:
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    assert _wait_for(lambda: practice.store.outbox_count() < 250, timeout=30)
    relay.kill()  # SIGKILL: no clean shutdown, requests in flight are cut
    t.join(30)
    assert errors and errors[0].retryable, "the sync must notice the relay vanished"
    assert practice.store.outbox_count() > 0, "the kill came too late to test anything"

    relay.start()
    for _ in range(3):
        sync.once()
    assert practice.store.outbox_count() == 0

    thread = practice.store.thread(conv, limit=1000)
    texts = [m.text for m in thread]
    assert len(texts) == len(set(texts)) == 601
    assert all(m.delivery != DeliveryState.PENDING for m in thread)

    jean.sync()
    patient_texts = [m["text"] for m in jean.thread(conv)]
    assert len(patient_texts) == len(set(patient_texts)) == 601
    assert patient_texts[-1] == "réponse cabinet 299"


def test_work_done_offline_goes_out_when_the_relay_returns(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.ADMINISTRATIVE, "Attestation ?")
    practice.sync()
    relay.kill()
    practice.workstation.reply(conv, "Je vous la prépare.", practice.practitioner_id)
    with pytest.raises(RelayError) as info:
        practice.sync()
    assert info.value.code == "offline"
    [message] = [m for m in practice.store.thread(conv) if m.text == "Je vous la prépare."]
    assert message.delivery == DeliveryState.PENDING
    relay.start()
    practice.sync()
    jean.sync()
    assert [m["text"] for m in jean.thread(conv)][-1] == "Je vous la prépare."


def test_engine_brings_a_new_message_without_being_asked(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    statuses = []
    engine = SyncEngine(practice.workstation, on_status=statuses.append, long_poll=10)
    engine.start()
    try:
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED)
        jean.request(practice.practitioner_id, Category.OTHER, "Message pendant la veille")
        assert _wait_for(lambda: practice.store.count_inbox("all") == 1)
        [conv] = practice.store.inbox("all")
        practice.workstation.reply(conv.id, "Bien reçu", practice.practitioner_id)
        engine.wake()
        assert _wait_for(lambda: practice.store.outbox_count() == 0)
        jean.sync()
        assert jean.thread(conv.id)[-1]["text"] == "Bien reçu"

        relay.kill()
        assert _wait_for(lambda: engine.status.state == SyncState.OFFLINE)
        relay.start()
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED, timeout=90)
    finally:
        engine.stop()
    assert statuses[-1].state == SyncState.STOPPED


def test_a_change_for_the_other_workstations_counts_as_waiting_until_sent(relay, practice):
    """A patient's file edited offline goes to the practice's journal only (no outbox
    request): the status bar still says it waits, and "Synced" once it left."""
    engine = SyncEngine(practice.workstation, long_poll=10)
    engine.start()
    try:
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED)
        relay.kill()
        assert _wait_for(lambda: engine.status.state == SyncState.OFFLINE)
        practice.store.add_patient("Paul Durand", "1948-07-14")
        assert practice.store.outbox_count() == 0
        engine.wake()
        assert _wait_for(lambda: engine.status.pending == 1)
        assert engine.status.state == SyncState.OFFLINE
        relay.start()
        assert _wait_for(lambda: engine.status.state == SyncState.SYNCED, timeout=90)
        assert practice.store.journal_pending_count() == 0
    finally:
        engine.stop()


def test_backoff_grows_and_is_capped():
    delays = [backoff_delay(n) for n in range(1, 12)]
    assert delays[0] <= 1.0 and delays[3] > 4.0 * 0.79
    assert max(delays) <= 60.0 and delays[-1] >= 48.0
