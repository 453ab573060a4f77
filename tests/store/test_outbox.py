"""The outbox (sent in order, retried, set aside), mailbox cursors, rejected envelopes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.core.errors import StoreError
from tests.store.conftest import at


def _queue(store, n: int) -> list[str]:
    return [store.enqueue("POST", "/v1/conversations/c/messages", {"n": i}) for i in range(n)]


def test_requests_leave_in_the_order_they_were_made(store):
    ids = _queue(store, 5)
    items = store.outbox_pending(limit=10, now=at(0))
    assert [i.id for i in items] == ids
    assert [i.body for i in items] == [{"n": n} for n in range(5)]
    assert items[0].method == "POST" and items[0].attempts == 0 and items[0].state == "pending"
    assert [i.id for i in store.outbox_pending(limit=2, now=at(0))] == ids[:2]
    assert store.outbox_count() == 5


def test_a_sent_request_is_gone_and_the_next_one_is_first(store):
    ids = _queue(store, 3)
    store.outbox_done(ids[0])
    store.outbox_done(ids[0])  # a repeat after a lost answer is harmless
    assert [i.id for i in store.outbox_pending(now=at(0))] == ids[1:]
    assert store.outbox_count() == 2


def test_a_request_to_retry_holds_back_the_ones_behind_it_until_it_is_due(store):
    ids = _queue(store, 3)
    store.outbox_retry_later(ids[0], "relay unreachable", at(5))
    # An acceptance must not be overtaken by the reply queued after it.
    assert store.outbox_pending(now=at(4)) == []
    due = store.outbox_pending(now=at(5))
    assert [i.id for i in due] == ids
    assert due[0].attempts == 1 and due[0].last_error == "relay unreachable"
    assert due[0].next_attempt_at == at(5)
    store.outbox_retry_later(ids[1], "timeout", at(10))
    assert [i.id for i in store.outbox_pending(now=at(6))] == [ids[0]]


def test_a_refused_request_is_set_aside_and_kept_for_a_person(store):
    ids = _queue(store, 3)
    store.outbox_failed(ids[1], "invalid_state: the conversation is closed")
    assert [i.id for i in store.outbox_pending(now=at(0))] == [ids[0], ids[2]]
    assert store.outbox_count() == 2
    [failure] = store.outbox_failures()
    assert failure.id == ids[1] and failure.state == "failed"
    assert failure.last_error == "invalid_state: the conversation is closed"


def test_the_outbox_id_is_the_idempotency_key(store):
    key = "0b6f6a3e-2f4c-4b8e-9d3a-5b1f7e6c2a10"
    assert (
        store.enqueue("post", "/v1/practitioners", {"id": "p", "accepts_messaging": True}, id=key)
        == key
    )
    # The same request again (a retried action) is not queued twice…
    assert (
        store.enqueue("POST", "/v1/practitioners", {"accepts_messaging": True, "id": "p"}, id=key)
        == key
    )
    assert store.outbox_count() == 1
    # …but another request under the same key would be a bug.
    with pytest.raises(StoreError):
        store.enqueue("POST", "/v1/practitioners", {"id": "q"}, id=key)
    with pytest.raises(StoreError):
        store.enqueue("POST", "/v1/x", {}, id="not-a-uuid")


def test_unknown_outbox_rows_are_reported(store):
    with pytest.raises(StoreError):
        store.outbox_retry_later("0b6f6a3e-2f4c-4b8e-9d3a-5b1f7e6c2a10", "x", at(1))
    with pytest.raises(StoreError):
        store.outbox_failed("0b6f6a3e-2f4c-4b8e-9d3a-5b1f7e6c2a10", "x")


def test_outbox_survives_a_restart(store_path, store):
    ids = _queue(store, 2)
    store.outbox_retry_later(ids[0], "offline", at(1))
    store.close()
    from desktop.store import Store
    from tests.store.conftest import PASSPHRASE

    with Store.open(store_path, PASSPHRASE) as reopened:
        items = reopened.outbox_pending(now=at(1) + timedelta(seconds=1))
        assert [i.id for i in items] == ids and items[0].attempts == 1


def test_cursors_per_mailbox(store):
    assert store.cursor("practice") is None
    store.set_cursor("practice", "41")
    store.set_cursor("practice", "42")
    store.set_cursor("other", "7")
    assert store.cursor("practice") == "42" and store.cursor("other") == "7"


def test_rejected_envelopes_are_kept_most_recent_first(store):
    store.record_rejected(12, "message", "signature does not match")
    store.record_rejected(15, "conversation_requested", "unknown patient")
    rows = store.rejected()
    assert [(r.seq, r.kind, r.reason) for r in rows] == [
        (15, "conversation_requested", "unknown patient"),
        (12, "message", "signature does not match"),
    ]
    assert rows[0].received_at.tzinfo is not None
