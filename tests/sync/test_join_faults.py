"""A workstation killed (SIGKILL) at random points while it joins the practice and while it
takes in the practice's history: it leaves either no store or a whole one, and once started
again (or joined again, when no store was made) it holds what the desk holds — every
message once, patients, notes, the journal — with nothing lost or doubled.

A real relay, real stores, the joining workstation in a process of its own, killed for real;
the desk approves it from this process, as a person at the desk would.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.crypto.envelope import message_context, seal_envelope
from desktop.store import Store
from desktop.sync import pairing
from desktop.sync.content import encode
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation
from tests.support.stepped import Stepped
from tests.support.workstations import Office
from tests.support.world import PASSPHRASE, Practice

MAILBOX_PAGE = 100
JOURNAL_PAGE = 20
CONVERSATIONS = 24
MESSAGES_EACH = 40

# The new workstation: offers its keys, says its code, waits for the approval, makes its
# store, then its first sync (mailbox and journal in small pages, each step said once
# stored, with one page of mailbox in each save).
JOINING = f"""
import time
from desktop.sync import engine, journal, pairing
from desktop.sync.workstation import Workstation
engine.PAGE = {MAILBOX_PAGE}
engine.SAVE_EVENTS = {MAILBOX_PAGE}
journal.PAGE = {JOURNAL_PAGE}
relay_url, path, passphrase = _sys.argv[1:4]
session = pairing.JoinSession.start(relay_url, "Portable visites")
step("code " + session.code)
while session.poll() != "done":  # each ask counts against the relay's pairing limit
    time.sleep(0.5)
step("approved")
store = session.finish(path, passphrase)
step("made")
apply_journal = store.journal_apply_page
def journal_page(*args, **kwargs):
    applied = apply_journal(*args, **kwargs)
    step("journal")
    return applied
store.journal_apply_page = journal_page
sync = engine.Sync(Workstation(store))
apply_mailbox = sync.mailbox.apply_pages
def mailbox_pages(*args, **kwargs):
    applied = apply_mailbox(*args, **kwargs)
    step("mailbox")
    return applied
sync.mailbox.apply_pages = mailbox_pages
sync.once()
step("done")
"""


# What the desk and a workstation in step with it hold alike (each workstation's own
# settings, cursors and times of applying are left out).
SHARED = {
    "practitioners": "SELECT id, name, role, administrator, active FROM practitioners",
    "patients": "SELECT id, name, born, phone, email, tags, relay_patient_id FROM patients",
    "invitations": "SELECT id, patient_id, code FROM invitations",
    "conversations": "SELECT id, patient_id, practitioner_id, assigned_to, category, state "
                     "FROM conversations",
    "messages": "SELECT id, conversation_id, sender, body, read_at IS NOT NULL FROM messages",
    "notes": "SELECT id, conversation_id, author_id, body FROM notes",
}


def shared(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store._reading() as c:
        return {name: sorted((tuple(r) for r in c.execute(sql)), key=repr)
                for name, sql in SHARED.items()}


def _history(office: Office, desk: Practice) -> None:
    """Two patients with the app and their conversations, many messages each, patients'
    files, and what the practice did with them: all of it through the features."""
    from relay.testing import SeededConversation, seed_conversations

    store = desk.store
    patients = [desk.enrol(office.relay.url, name) for name in ("Jean Martin", "Lucie Bernard")]
    desk.sync()
    opened = []
    for n in range(CONVERSATIONS):
        patient = patients[n % 2]
        conv_id = str(uuid.uuid4())
        sealed = []
        for m in range(MESSAGES_EACH):
            message_id = str(uuid.uuid4())
            doc = {"type": "request" if m == 0 else "message", "category": "other",
                   "text": f"Conversation {n}, message m{n}x{m}",
                   "sent_at": f"2026-0{1 + n % 9}-1{m % 10}T0{m % 10}:{m % 60:02d}:00+00:00"}
            sealed.append((message_id, seal_envelope(
                encode(doc), message_context(conv_id, message_id), patient.identity.sign_key,
                [patient.practice_enc_pk, patient.identity.enc_pk])))
        opened.append(SeededConversation(conv_id, patient.patient_id, desk.practitioner_id,
                                         sealed[0], sealed[1:]))
    seed_conversations(office.relay.database_url, desk.workstation.practice_id, opened)
    desk.sync()
    with store.transaction():
        files = [store.add_patient(f"Dossier {n} Lefèvre", f"19{50 + n}-03-0{1 + n % 9}",
                                   phone=f"06{n:08d}") for n in range(30)]
    for n, patient in enumerate(files[::3]):
        store.update_patient(patient.id, actor_id=desk.practitioner_id, phone=f"07{n:08d}")
    for n, conv in enumerate(store.inbox(limit=100)):
        if n % 2:
            store.mark_conversation_read(conv.id)
        if n % 3 == 0:
            store.assign(conv.id, desk.practitioner_id)
        store.add_note(conv.id, desk.practitioner_id, f"Note {n}: rappeler demain.")
    desk.sync()


def _join_in_a_process(office: Office, desk: Practice, path: Path, kill_after: str,
                       pages: int, pause: float) -> str:
    """Run JOINING, approve it from the desk when it shows its code, SIGKILL it ``pause``
    seconds after the ``pages``-th step saying ``kill_after`` (no further than its next
    step); returns the last step it said ("done" if it finished first)."""
    with Stepped(JOINING, office.relay.url, str(path), PASSPHRASE) as joining:
        seen = 0
        while line := joining.next():
            said = line.split()[0]
            if said == kill_after:
                seen += 1
                if seen >= pages:
                    joining.kill(after=pause)
                    return said
            if said == "code":
                newcomer = pairing.claim(desk.workstation, line.split()[1])
                pairing.approve(desk.workstation, newcomer)
            if said == "done":
                return said
            joining.go()
    return "ended"


def _join_again(office: Office, desk: Practice, path: Path) -> Store:
    """No store was made: the person starts the join again, with a new code."""
    session = pairing.JoinSession.start(office.relay.url, "Portable visites")
    try:
        pairing.approve(desk.workstation, pairing.claim(desk.workstation, session.code))
        assert session.poll() == "done"
        return session.finish(path, PASSPHRASE)
    finally:
        session.close()


def _whole_or_nothing(path: Path) -> Store | None:
    """What a kill during the join may leave: no store, or one that opens with the
    practice's keys and this workstation's account (never a practice without keys)."""
    if not path.exists():
        return None
    store = Store.open(path, PASSPHRASE)
    assert store.get_setting("account_id")
    assert store.practice_keys()[0] is not None
    assert store.get_secret("relay_token") and store.get_secret("workstation_identity")
    assert store.journal_workstations(), "it trusts the practice's workstations"
    return store


# (what the killed process last said, how many of those lines, up to how long after)
KILLS = [
    ("code", 1, 0.0),  # before anyone approved
    ("approved", 1, 0.6),  # while it makes its store from the keys
    ("made", 1, 0.05),  # the store made, nothing synced
    ("mailbox", 3, 0.1),  # within the mailbox's history
    ("journal", 2, 0.05),  # within the journal's
    ("journal", 5, 0.05),
]


@pytest.mark.parametrize("seed", [12])
def test_a_workstation_killed_while_joining_converges_with_nothing_lost_or_doubled(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    with Office.start(tmp_path / "office") as office:
        desk = office.join(1)[0]
        _history(office, desk)
        messages = len(shared(desk.store)["messages"])
        assert messages == CONVERSATIONS * MESSAGES_EACH
        for n, (point, pages, pause) in enumerate(KILLS):
            path = tmp_path / f"laptop-{n}.passerelle"
            said = _join_in_a_process(office, desk, path, point, pages, rng.uniform(0, pause))
            assert said == point, f"killed at {point}: it had said {said}"
            pairing.settle(desk.workstation)
            store = _whole_or_nothing(path)
            if store is None:
                assert point in ("code", "approved"), "a store made is never lost"
                store = _join_again(office, desk, path)
                pairing.settle(desk.workstation)
            try:
                assert not list(tmp_path.glob(f".{path.name}.joining*")), "nothing half-made"
                ws = Workstation(store)
                Sync(ws).once()
                desk.sync()  # the desk has read every workstation's arrival
                Sync(ws).once()
                mine, desks = shared(store), shared(desk.store)
                assert len(mine["messages"]) == messages, f"killed at {point}"
                for table in SHARED:
                    assert mine[table] == desks[table], f"killed at {point}: {table} differ"
                assert store.journal_state() == desk.store.journal_state(), f"killed at {point}"
                assert store.journal_unread() == [], f"killed at {point}"
                assert store.rejected() == [], f"killed at {point}: something was refused"
            finally:
                store.close()
