"""All-or-nothing changes, and one store shared by threads."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.core.errors import StoreError
from desktop.core.model import DeliveryState, Sender
from tests.store.conftest import Practice, at


class Boom(Exception):
    pass


def test_a_failed_transaction_leaves_nothing(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    with pytest.raises(Boom), store.transaction():
        practice.from_patient("c-1", "m-1", "Bonjour", 1)
        store.enqueue("POST", "/v1/conversations/c-1/receipts", {"message_ids": ["m-1"]})
        store.set_cursor("practice", "10")
        raise Boom()
    assert store.thread("c-1") == []
    assert store.conversation("c-1").unread == 0 and store.conversation("c-1").last_preview == ""
    assert store.outbox_count() == 0 and store.cursor("practice") is None
    assert store.search("Bonjour") == []


def test_a_page_of_events_and_its_cursor_land_together(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    with store.transaction():
        for i in range(20):
            practice.from_patient("c-1", f"m-{i}", f"message {i}", i)
        with store.transaction():  # a nested use joins the same transaction
            store.set_cursor("practice", "20")
    assert store.cursor("practice") == "20" and len(store.thread("c-1")) == 20


def test_a_failing_call_inside_a_transaction_undoes_only_itself(practice: Practice):
    """The sync records a bad event and carries on with the page."""
    store = practice.store
    practice.conversation("c-1")
    with store.transaction():
        practice.from_patient("c-1", "m-1", "premier", 1)
        with pytest.raises(StoreError):
            store.add_message(
                "m-2",
                "unknown",
                Sender.PATIENT,
                practice.jean,
                "perdu",
                at(2),
                DeliveryState.DELIVERED,
            )
        store.record_rejected(2, "message", "unknown conversation")
        practice.from_patient("c-1", "m-3", "troisième", 3)
    assert [m.id for m in store.thread("c-1")] == ["m-1", "m-3"]
    assert len(store.rejected()) == 1


def test_two_threads_writing_at_once_lose_nothing(practice: Practice):
    store = practice.store
    for name in ("a", "b"):
        practice.conversation(f"c-{name}")
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            for i in range(150):
                with store.transaction():
                    practice.from_patient(f"c-{name}", f"{name}-{i}", f"{name} {i}", i)
                    store.enqueue("POST", "/v1/x", {"who": name, "i": i})
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(150):
                store.inbox("all")
                store.search("a")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
    threads.append(threading.Thread(target=read))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert store.conversation("c-a").unread == store.conversation("c-b").unread == 150
    assert store.outbox_count() == 300
    order = [item.body for item in store.outbox_pending(limit=1000, now=at(10**7))]
    for name in ("a", "b"):  # each thread's requests stay in its own order
        assert [b["i"] for b in order if b["who"] == name] == list(range(150))


def test_another_thread_waits_for_a_transaction_to_finish(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    inside = threading.Event()

    def long_change() -> None:
        with store.transaction():
            practice.from_patient("c-1", "m-1", "un", 1)
            inside.set()
            time.sleep(0.2)
            practice.from_patient("c-1", "m-2", "deux", 2)

    t = threading.Thread(target=long_change)
    t.start()
    inside.wait(5)
    practice.from_patient("c-1", "m-3", "trois", 0)  # blocks until the other commits
    t.join(5)
    rows = store._conn.execute("SELECT id FROM messages ORDER BY rowid").fetchall()
    assert [r[0] for r in rows] == ["m-1", "m-2", "m-3"]  # never interleaved


def test_a_reader_does_not_see_a_change_before_it_is_committed(practice: Practice):
    store = practice.store
    practice.conversation("c-1")
    with store.reader() as reader:
        inside, release = threading.Event(), threading.Event()

        def change() -> None:
            with store.transaction():
                practice.from_patient("c-1", "m-1", "pas encore", 1)
                inside.set()
                release.wait(5)

        t = threading.Thread(target=change)
        t.start()
        inside.wait(5)
        assert reader.thread("c-1") == []  # and it did not wait for the writer
        release.set()
        t.join(5)
        assert [m.id for m in reader.thread("c-1")] == ["m-1"]
