"""A patient's sync cut between two pages: what came is acknowledged, whatever comes next.

The relay is a real process, killed (SIGKILL) right after it handed out the
first page of the patient's mailbox; the patient's state is saved as the
command line saves it when a command fails, then loaded again, as the next
command would.
"""

from __future__ import annotations

from collections import Counter

import pytest

from desktop.core.errors import RelayError
from desktop.core.model import Category, DeliveryState, Sender
from desktop.patient import PatientClient
from desktop.sync.client import RelayClient
from tests.support.world import PASSPHRASE

REPLIES = 600  # more than one page of the patient's mailbox (500)


def test_delivered_receipts_survive_a_sync_cut_between_two_pages(
    relay, practice, tmp_path, monkeypatch
):
    state_file = tmp_path / "jean.patient"
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Mes résultats ?")
    practice.sync()
    for i in range(REPLIES):
        practice.workstation.reply(conv, f"réponse {i}", practice.practitioner_id)
    practice.sync()
    assert practice.store.outbox_count() == 0

    pages = []
    real_events = jean._client.events

    def events(*args, **kwargs):
        page = real_events(*args, **kwargs)
        pages.append(page)
        if len(pages) == 1:
            relay.kill()  # the first page is in the patient's hands; the second never comes
        return page

    monkeypatch.setattr(jean._client, "events", events)
    with pytest.raises(RelayError) as info:
        jean.sync()
    assert info.value.retryable
    assert not pages[0].done, "the mailbox must span two pages for the cut to fall between"
    jean.save(state_file, PASSPHRASE)  # what `python -m desktop.patient sync` does on failure
    jean.close()
    monkeypatch.undo()

    relay.start()
    jean = PatientClient.load(state_file, PASSPHRASE)
    try:
        jean.sync()
        texts = [m["text"] for m in jean.thread(conv) if m["sender"] == "practice"]
        assert texts == [f"réponse {i}" for i in range(REPLIES)]
    finally:
        jean.close()

    practice.sync()
    replies = [m for m in practice.store.thread(conv, limit=1000) if m.sender == Sender.PRACTICE]
    assert len(replies) == REPLIES
    still_sent = [m.text for m in replies if m.delivery != DeliveryState.DELIVERED]
    assert still_sent == [], f"{len(still_sent)} of {REPLIES} replies never shown as delivered"


def _receipts_for(relay_url: str, token: str) -> Counter:
    """How many times the relay holds each (receipt, message) in this account's mailbox."""
    client = RelayClient(relay_url, token)
    said: Counter = Counter()
    cursor = None
    try:
        while True:
            page = client.events(cursor, limit=500)
            for event in page.items:
                if event.get("kind") == "receipt":
                    said.update((event["receipt"], i) for i in event["message_ids"])
            cursor = page.cursor
            if page.done:
                return said
    finally:
        client.close()


def test_a_patient_killed_after_sending_receipts_sends_each_once(relay, practice, tmp_path):
    state_file = tmp_path / "jean.patient"
    jean = practice.enrol(relay.url, "Jean Martin")
    conv = jean.request(practice.practitioner_id, Category.OTHER, "Mes résultats ?")
    jean.save(state_file, PASSPHRASE)
    jean.close()
    practice.sync()
    for i in range(3):
        practice.workstation.reply(conv, f"réponse {i}", practice.practitioner_id)
    practice.sync()

    # A run that syncs (its receipts reach the relay) and is killed before its last save.
    killed = PatientClient.load(state_file, PASSPHRASE)
    killed.sync()
    killed.close()
    practice.workstation.reply(conv, "réponse 3", practice.practitioner_id)
    practice.sync()

    # The next run starts from the file as the killed one left it.
    jean = PatientClient.load(state_file, PASSPHRASE)
    try:
        jean.sync()
        assert [m["text"] for m in jean.thread(conv) if m["sender"] == "practice"] == [
            f"réponse {i}" for i in range(4)
        ]
    finally:
        jean.close()
    said = _receipts_for(relay.url, practice.workstation.token.decode())
    delivered = {i: n for (kind, i), n in said.items() if kind == "delivered"}
    assert len(delivered) == 4
    assert sorted(delivered.values()) == [1, 1, 1, 1], "a receipt reached the relay twice"
