"""Applying a page of mailbox events: patients' messages go in together, with the very
effect they had one by one (exactly once, rejections recorded, page and cursor together).

Pages are built here, sealed the way a patient's app seals them, and applied to a
real store; no relay is needed for what happens between a page and the store.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.errors import DiskFull, StoreError
from desktop.core.model import Sender
from desktop.crypto import Identity
from desktop.crypto.envelope import message_context, seal_envelope
from desktop.store import Store
from desktop.sync.apply import PracticeMailbox
from desktop.sync.client import b64
from desktop.sync.content import encode

PASSPHRASE = "une page après l'autre"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class World:
    """A practice store with one enrolled patient and one open conversation."""

    def __init__(self, path: Path, like: World | None = None) -> None:
        """``like``: the same keys and conversation as another world's, in a store of its own."""
        self.practice = like.practice if like else Identity.generate()
        self.patient = like.patient if like else Identity.generate()
        self.store = Store.create(path, PASSPHRASE)
        self.doctor = self.store.add_practitioner("Dr Claire Dupont", "Médecin", None, True).id
        self.jean = self.store.add_patient("Jean Martin", "1961-04-02").id
        self.store.record_patient_joined(
            self.jean, "relay-jean", self.patient.enc_pk, self.patient.sign_pk
        )
        self.conv = like.conv if like else str(uuid.uuid4())
        self.store.upsert_conversation(self.conv, self.jean, self.doctor, "other", "open", T0)
        self.mailbox = PracticeMailbox(self.store, self.practice)
        self.seq = 0

    def _event(self, kind: str, **fields) -> dict:
        self.seq += 1
        return {"seq": self.seq, "kind": kind, **fields}

    def envelope(self, conv: str, msg: str, doc: dict, signer: Identity | None = None) -> str:
        signer = signer or self.patient
        return b64(
            seal_envelope(
                encode(doc), message_context(conv, msg), signer.sign_key,
                [self.practice.enc_pk, signer.enc_pk],
            )
        )

    def message(self, text: str, msg: str | None = None, conv: str | None = None,
                signer: Identity | None = None, minutes: int = 0) -> dict:
        conv = conv if conv is not None else self.conv
        msg = msg if msg is not None else str(uuid.uuid4())
        doc = {"type": "message", "text": text,
               "sent_at": (T0 + timedelta(minutes=minutes)).isoformat()}
        return self._event("message", conversation_id=conv, message_id=msg, sender="patient",
                           envelope=self.envelope(conv, msg, doc, signer))

    def request(self, conv: str, text: str) -> dict:
        msg = str(uuid.uuid4())
        doc = {"type": "request", "category": "other", "text": text,
               "sent_at": T0.isoformat()}
        return self._event("conversation_requested", conversation_id=conv, message_id=msg,
                           patient_id="relay-jean", practitioner_id=self.doctor,
                           created_at=T0.isoformat(), envelope=self.envelope(conv, msg, doc))

    def texts(self, conv: str | None = None) -> list[str]:
        return [m.text for m in self.store.thread(conv or self.conv, limit=1000)]


@pytest.fixture()
def world(tmp_path):
    w = World(tmp_path / "cabinet.passerelle")
    yield w
    w.store.close()


def test_a_run_of_messages_is_stored_once_each_in_order(world):
    twice = str(uuid.uuid4())
    page = [world.message(f"message {n}", minutes=n) for n in range(5)]
    page.insert(2, world.message("le même id, premier", msg=twice, minutes=10))
    page.append(world.message("le même id, second", msg=twice, minutes=11))

    applied = world.mailbox.apply_page(page, "cursor-1")

    ids = [e["message_id"] for e in page]
    assert applied.new_messages == ids[:-1]  # the second of two with one id is no news
    assert applied.conversations == {world.conv} and applied.rejected == 0
    assert world.texts() == [f"message {n}" for n in range(5)] + ["le même id, premier"]
    assert world.store.cursor("practice") == "cursor-1"
    conv = world.store.conversation(world.conv)
    assert conv.unread == 6 and conv.last_preview == "le même id, premier"

    # The same page again (a retry after a lost answer) changes nothing.
    again = world.mailbox.apply_page(page, "cursor-1")
    assert again.new_messages == [] and world.texts()[-1] == "le même id, premier"
    assert world.store.conversation(world.conv).unread == 6


def test_a_bad_envelope_in_a_run_is_rejected_alone(world):
    stranger = Identity.generate()
    page = [
        world.message("avant"),
        world.message("signé par un autre", signer=stranger),
        {**world.message("base64 cassé"), "envelope": "pas du base64 !"},
        world.message("conversation inconnue", conv=str(uuid.uuid4())),
        {**world.message("sans id"), "message_id": 42},
        world.message("après"),
    ]
    applied = world.mailbox.apply_page(page, "cursor-2")

    assert applied.rejected == 4
    assert applied.new_messages == [page[0]["message_id"], page[-1]["message_id"]]
    assert world.texts() == ["avant", "après"]
    reasons = [r.reason for r in reversed(world.store.rejected())]
    assert "unknown sender" in reasons[0]
    assert "base64" in reasons[1]
    assert "does not know" in reasons[2]
    assert "message_id" in reasons[3]
    assert world.store.cursor("practice") == "cursor-2"


def test_opened_on_threads_or_not_the_page_does_the_same(world, tmp_path):
    other = World(tmp_path / "copie.passerelle", like=world)
    try:
        page = [world.message(f"m{n}", minutes=n) for n in range(200)]
        page[50] = world.message("intrus", signer=Identity.generate())
        with ThreadPoolExecutor(3) as pool:
            opened = world.mailbox.open_ahead(page, pool, 3)
        ahead = world.mailbox.apply_page(page, "c", opened)
        plain = other.mailbox.apply_page(page, "c")

        assert ahead == plain and ahead.rejected == 1 and len(ahead.new_messages) == 199
        assert world.texts() == other.texts()
    finally:
        other.store.close()


def test_what_a_page_creates_is_seen_by_the_rest_of_the_page(world):
    """A conversation requested mid-page: a message before it is rejected, one after is kept
    (nothing looked up earlier in the page is trusted blindly)."""
    conv = str(uuid.uuid4())
    page = [
        world.message("trop tôt", conv=conv),
        world.request(conv, "Bonjour docteur"),
        world.message("à temps", conv=conv, minutes=1),
    ]
    applied = world.mailbox.apply_page(page, "c3")
    assert applied.rejected == 1
    assert world.texts(conv) == ["Bonjour docteur", "à temps"]
    assert applied.new_messages == [page[1]["message_id"], page[2]["message_id"]]


def test_our_own_message_coming_back_in_a_run_is_marked_sent_not_doubled(world):
    ours = str(uuid.uuid4())
    world.store.add_message(ours, world.conv, Sender.PRACTICE, world.doctor, "Notre réponse",
                            T0, "pending")
    echo = world._event("message", conversation_id=world.conv, message_id=ours,
                        sender="practice", envelope="ignoré: déjà chez nous")
    page = [world.message("avant", minutes=1), echo, world.message("après", minutes=2)]
    applied = world.mailbox.apply_page(page, "c4")
    assert applied.rejected == 0
    assert world.texts() == ["Notre réponse", "avant", "après"]
    assert world.store.message(ours).delivery == "sent"
    assert applied.new_messages == [page[0]["message_id"], page[2]["message_id"]]


def test_a_page_that_fails_leaves_nothing_not_even_its_cursor(world, monkeypatch):
    page = [world.message(f"m{n}") for n in range(10)]

    def broken(*args, **kwargs):
        raise StoreError("disque plein")

    monkeypatch.setattr(world.store, "set_cursor", broken)
    with pytest.raises(StoreError):
        world.mailbox.apply_page(page, "c5")
    assert world.texts() == [] and world.store.cursor("practice") is None
    assert world.store.conversation(world.conv).unread == 0


def test_messages_once_refuses_a_bad_row_before_writing_any(world):
    good = (str(uuid.uuid4()), world.conv, "patient", world.jean, "bon", T0, "delivered")
    stray = (str(uuid.uuid4()), "conversation inconnue", "patient", world.jean, "x", T0,
             "delivered")
    with world.store.transaction():
        with pytest.raises(StoreError):
            world.store.add_messages_once([good, stray])
        assert world.texts() == []  # inside the caller's transaction too
    assert world.store.add_messages_once([good, good]) == [good[0]]
    assert world.store.add_messages_once([good]) == []


def test_an_event_the_store_refuses_is_set_aside_and_the_page_goes_on(world):
    """An empty message id passes the envelope's checks (it is sealed to that id) but not
    the store's: that one event is recorded, the rest of the page and its cursor go in."""
    empty_id = world.message("sans identifiant", msg="")
    stray_request = {**world.request("", "Conversation sans identifiant"), "conversation_id": ""}
    page = [world.message(f"avant {n}", minutes=n) for n in range(3)]
    page += [empty_id, stray_request]
    page += [world.message(f"après {n}", minutes=10 + n) for n in range(3)]

    applied = world.mailbox.apply_page(page, "cursor-7")

    assert world.texts() == [f"avant {n}" for n in range(3)] + [f"après {n}" for n in range(3)]
    assert applied.rejected == 2 and len(applied.new_messages) == 6
    assert world.store.cursor("practice") == "cursor-7"
    rejected = {r.seq: r for r in world.store.rejected()}
    assert set(rejected) == {empty_id["seq"], stray_request["seq"]}
    assert "refused by the store" in rejected[empty_id["seq"]].reason
    assert rejected[stray_request["seq"]].kind == "conversation_requested"
    assert world.store.conversation("") is None  # nothing of the refused request is left
    assert world.store.conversation(world.conv).unread == 6


def test_a_run_refused_whole_is_applied_again_one_event_at_a_time(world, monkeypatch):
    """Should the check before the run miss something, the store's refusal of the run does
    not fail the page: it is applied again, each event on its own, and only the culprit goes."""
    from desktop.sync import apply

    monkeypatch.setattr(apply, "check_message_row", lambda row: None)  # a check that misses
    page = [world.message(f"m{n}", minutes=n) for n in range(4)]
    page.insert(2, world.message("sans identifiant", msg=""))
    page.append(world.request(str(uuid.uuid4()), "Une demande sur la même page"))

    applied = world.mailbox.apply_page(page, "cursor-8")

    assert world.texts() == [f"m{n}" for n in range(4)]
    assert applied.rejected == 1 and len(applied.new_messages) == 5
    [rejected] = world.store.rejected()
    assert rejected.seq == page[2]["seq"] and "needs an id" in rejected.reason
    assert world.store.cursor("practice") == "cursor-8"
    assert world.store.conversation(world.conv).unread == 4  # each message counted once


def test_a_failing_store_fails_the_page_rather_than_rejecting_its_events(world, monkeypatch):
    """A full disk is not the event's fault: nothing is set aside, the cursor stays, the
    page is tried again later and then goes in whole."""
    import sqlcipher3

    page = [world.message(f"m{n}", minutes=n) for n in range(5)]
    real = world.store.add_messages_once

    def disk_full(rows):
        error = sqlcipher3.OperationalError("database or disk is full")
        error.sqlite_errorname = "SQLITE_FULL"
        raise StoreError("The store refused the change: database or disk is full.") from error

    monkeypatch.setattr(world.store, "add_messages_once", disk_full)
    with pytest.raises(StoreError):
        world.mailbox.apply_page(page, "cursor-9")
    assert world.store.rejected() == [] and world.store.cursor("practice") is None

    def disk_full_said_plainly(rows):
        raise DiskFull("The disk is full: nothing was saved.")

    monkeypatch.setattr(world.store, "add_messages_once", disk_full_said_plainly)
    with pytest.raises(DiskFull):
        world.mailbox.apply_page(page, "cursor-9")
    assert world.store.rejected() == [] and world.store.cursor("practice") is None

    monkeypatch.setattr(world.store, "add_messages_once", real)
    assert len(world.mailbox.apply_page(page, "cursor-9").new_messages) == 5
