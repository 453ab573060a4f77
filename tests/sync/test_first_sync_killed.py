"""A first sync killed (SIGKILL) between two pages: what was stored is whole — messages,
their conversations' summaries, the search index — and the next sync brings the rest,
each message once.

A real relay, a real store, the practice's sync in a process of its own, killed for real.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.core.model import Category
from desktop.crypto.envelope import message_context, seal_envelope
from desktop.store import Store
from desktop.sync.content import encode
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation
from tests.support.stepped import Stepped
from tests.support.world import PASSPHRASE

PAGE = 200  # small pages, so that the kill falls between two of many
SAVE = 2 * PAGE  # and two pages in a save, when the second is fetched already

# The practice's first sync, saying after each save how many messages it brought.
SYNCING = f"""
from desktop.store import Store
from desktop.sync import engine
from desktop.sync.workstation import Workstation
engine.PAGE = {PAGE}
engine.SAVE_EVENTS = {SAVE}
store = Store.open(_sys.argv[1], _sys.argv[2])
sync = engine.Sync(Workstation(store))
apply_pages = sync.mailbox.apply_pages
def said(*args, **kwargs):
    applied = apply_pages(*args, **kwargs)
    step(str(len(applied.new_messages)))
    return applied
sync.mailbox.apply_pages = said
sync.pull(sync.workstation.client())
step("done")
"""


def _seed(relay, practice, patient, conversation_id: str, start: int, count: int) -> None:
    from relay.testing import seed_messages

    ids = [str(uuid.uuid4()) for _ in range(count)]
    t0 = datetime.now(UTC) + timedelta(minutes=start)
    envelopes = [
        seal_envelope(
            encode({"type": "message", "text": f"Question numéro q{start + n} sur l'ordonnance",
                    "sent_at": (t0 + timedelta(seconds=n)).isoformat()}),
            message_context(conversation_id, ids[n]), patient.identity.sign_key,
            [patient.practice_enc_pk, patient.identity.enc_pk],
        )
        for n in range(count)
    ]
    seed_messages(relay.database_url, practice.workstation.practice_id, patient.patient_id,
                  conversation_id, envelopes, message_ids=ids)


def _whole(store: Store, conversations: list[str]) -> int:
    """Checks that what is stored holds together; returns how many messages were synced."""
    c = store._conn
    c.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
    assert c.execute("SELECT count(*) FROM message_runs").fetchone()[0] == 0
    synced = 0
    for conv in conversations:
        thread = store.thread(conv, limit=10_000)
        ids = [m.id for m in thread]
        assert len(ids) == len(set(ids))
        assert store.conversation(conv).unread == len(thread)  # all from the patient, unread
        assert store.conversation(conv).last_preview == thread[-1].text
        synced += len(thread) - 1  # the request that opened it came before
    found = store.search("ordonnance", limit=10_000)
    assert len(found) == synced  # every message stored is found, none that is not
    return synced


def test_a_first_sync_killed_between_pages_keeps_what_it_stored_whole(relay, practice, tmp_path):
    jean = practice.enrol(relay.url, "Jean Martin")
    lucie = practice.enrol(relay.url, "Lucie Bernard")
    convs = [p.request(practice.practitioner_id, Category.OTHER, "Bonjour docteur")
             for p in (jean, lucie)]
    practice.sync()
    for n in range(6):  # the two conversations' messages interleaved on the relay
        _seed(relay, practice, (jean, lucie)[n % 2], convs[n % 2], n * 1000, 500)
    path = Path(practice.store.path)
    practice.store.close()

    said = 0
    with Stepped(SYNCING, str(path), PASSPHRASE) as syncing:
        for pages in range(4):
            line = syncing.next()
            assert line and line != "done", "the sync ended before it could be killed"
            said += int(line)
            if pages < 3:
                syncing.go()
        syncing.kill(after=0.05)  # within the save after the fourth, at most

    store = Store.open(path, PASSPHRASE)
    try:
        synced = _whole(store, convs)
        # What it said it stored is there; at most the save it was making when killed more.
        assert said <= synced <= said + SAVE
        assert synced < 3000, "the kill came too late to test anything"

        Sync(Workstation(store)).once()
        assert _whole(store, convs) == 3000
        assert len(store.search("q2499", limit=10)) == 1
    finally:
        store.close()
