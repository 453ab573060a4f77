"""Revoking a stolen laptop rotates the practice's keys (docs/PROTOCOL.md, "Revoking a
workstation"): three workstations of one practice and a patient, over a real relay.

What a person would notice: the laptop is locked out at once; what the practice writes
afterwards cannot be opened with the laptop's keys (read straight off the relay); the
other workstations and the patient carry on both ways, and what came before still reads.
"""

from __future__ import annotations

import base64
import threading
import time

import pytest

from desktop.core.errors import EnvelopeRejected, RelayError
from desktop.core.rights import NotAllowed
from desktop.crypto import open_envelope
from desktop.crypto.envelope import envelope_signer, journal_context, message_context
from desktop.patient import PatientClient
from desktop.store import journal_projection
from desktop.sync.engine import SyncEngine
from desktop.sync.journal import JournalChange
from desktop.sync.rotation import CannotRevoke, RevocationNeedsRelay, revoke_workstation
from desktop.sync.workstation import Workstation
from tests.support.workstations import office  # noqa: F401  (the fixture)
from tests.support.world import Practice, patient_request


def texts(practice: Practice, conversation_id: str) -> list[str]:
    return [m.text for m in practice.store.thread(conversation_id)]


def relay_envelope(practice: Practice, message_id: str) -> tuple[str, bytes]:
    """The envelope of a message as the relay holds it (the practice mailbox's copy)."""
    client = practice.workstation.client()
    try:
        events = client.events(None, limit=1000).items
    finally:
        client.close()
    event = next(e for e in events if e.get("message_id") == message_id)
    return event["conversation_id"], base64.b64decode(event["envelope"])


def test_a_revoked_laptop_is_locked_out_and_cannot_read_what_follows(office) -> None:  # noqa: F811
    desk, cabinet, laptop = office(3)
    url = desk.workstation.relay_url
    jeanne = desk.enrol(url, "Jeanne Martin")
    conv = patient_request(jeanne, desk.practitioner_id, "Avant le vol : ma tension")
    first = jeanne.thread(conv)[0]["id"]
    desk.sync()
    desk.workstation.reply(conv, "Réponse d'avant", desk.practitioner_id)
    desk.sync()
    jeanne.sync()
    stolen = laptop.workstation.identity.current  # what the thief walks away with
    laptop_id = laptop.store.get_setting("account_id") or ""

    revoked = revoke_workstation(desk.workstation, laptop_id)
    assert (revoked.account_id, revoked.workstations, revoked.patients) == (laptop_id, 2, 1)

    # The laptop's token is refused at once.
    with pytest.raises(RelayError) as refused:
        laptop.workstation.client().get("/v1/me")
    assert refused.value.code == "invalid_token"

    # The practice writes after the revocation: the stolen keys open none of it.
    new_keys = desk.workstation.identity.current
    assert new_keys.enc_pk != stolen.enc_pk
    after = desk.workstation.reply(conv, "Après le vol : tout va bien", desk.practitioner_id)
    desk.sync()
    conv_id, envelope = relay_envelope(desk, after)
    context = message_context(conv_id, after)
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(envelope, context, stolen.enc_key, [new_keys.sign_pk])
    assert open_envelope(envelope, context, new_keys.enc_key, [new_keys.sign_pk])

    # The other workstation switched to the new keys, still opens what came before with
    # the replaced one it keeps, and no longer believes the laptop.
    cabinet.sync()
    assert cabinet.workstation.identity.enc_pk == new_keys.enc_pk
    # Every entry opened at once: the laptop's revocation came sealed to the new key.
    assert [r for r in cabinet.store.rejected() if r.kind == "journal"] == []
    for message_id, signer in ((first, jeanne.identity.sign_pk), (after, new_keys.sign_pk)):
        conv_id, envelope = relay_envelope(cabinet, message_id)
        assert open_envelope(envelope, message_context(conv_id, message_id),
                             cabinet.workstation.identity.enc_key, [signer])
    trusted = {w.account_id: w for w in cabinet.store.journal_workstations()}
    assert trusted[laptop_id].revoked_at is not None
    # With the patient replicated through the journal, it shows the whole conversation.
    assert texts(cabinet, conv) == [
        "Avant le vol : ma tension", "Réponse d'avant", "Après le vol : tout va bien"]

    # The patient picks up the new keys, reads both replies and writes back, sealed to
    # the new key only.
    jeanne.sync()
    assert jeanne.practice_enc_pk == new_keys.enc_pk
    assert [m["text"] for m in jeanne.thread(conv)][-2:] == [
        "Réponse d'avant", "Après le vol : tout va bien"]
    thanks = jeanne.write(conv, "Merci, bien reçu")
    jeanne.sync()
    _, envelope = relay_envelope(desk, thanks)
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(envelope, message_context(conv, thanks), stolen.enc_key,
                      [jeanne.identity.sign_pk])
    desk.sync()
    cabinet.sync()
    for ws in (desk, cabinet):
        assert texts(ws, conv) == ["Avant le vol : ma tension", "Réponse d'avant",
                                   "Après le vol : tout va bien", "Merci, bien reçu"]
    # The other workstation answers; the patient reads it.
    cabinet.workstation.reply(conv, "Le cabinet a bien noté", desk.practitioner_id)
    cabinet.sync()
    jeanne.sync()
    assert jeanne.thread(conv)[-1]["text"] == "Le cabinet a bien noté"
    # The practice answers again; the patient reads it. The profile opens with the new
    # profile key and carries the statement the patient followed.
    desk.workstation.reply(conv, "Le cabinet vous rappelle", desk.practitioner_id)
    desk.sync()
    jeanne.sync()
    assert jeanne.thread(conv)[-1]["text"] == "Le cabinet vous rappelle"
    profile = jeanne.practice_profile()
    assert profile is not None and len(profile["keys"]) == 1
    # The relay serves the new public keys; the revocation is in the audit trail.
    assert desk.workstation.client().get("/v1/practice")["enc_pk"] == base64.b64encode(
        new_keys.enc_pk).decode()
    assert any(e.action == "workstation_revoked" for e in desk.store.audit())


def test_revoking_needs_the_relay_the_administrator_and_another_workstation(
    office,  # noqa: F811
) -> None:
    desk, laptop = office(2)
    before = desk.workstation.identity.enc_pk
    laptop_id = laptop.store.get_setting("account_id") or ""
    # Offline: refused with a sentence, nothing changed.
    offline = Workstation(desk.store)
    offline.person = desk.workstation.person
    offline.relay_url = "http://127.0.0.1:9"
    with pytest.raises(RevocationNeedsRelay, match="needs the relay"):
        revoke_workstation(offline, laptop_id)
    # Not the administrator.
    assistant = desk.add_person("Paul Accueil")
    desk.sign_in(assistant.id)
    with pytest.raises(NotAllowed):
        revoke_workstation(desk.workstation, laptop_id)
    desk.sign_in(desk.practitioner_id)
    with pytest.raises(CannotRevoke):
        revoke_workstation(desk.workstation, desk.store.get_setting("account_id") or "")
    assert desk.workstation.identity.enc_pk == before
    laptop.workstation.client().get("/v1/me")  # still in: nothing was revoked


def test_a_patient_invited_before_the_rotation_and_joining_after_carries_on(
    office,  # noqa: F811
) -> None:
    """His printed welcome holds the replaced keys: the practice sends him the change
    when he joins, signed by its new key, which the statements inside vouch for."""
    desk, laptop = office(2)
    patient = desk.store.add_patient("Louis Bernard", "1950-01-01")
    code = desk.workstation.invite(patient.id)
    desk.sync()
    revoke_workstation(desk.workstation, laptop.store.get_setting("account_id") or "")
    desk.sync()
    louis = PatientClient.redeem(desk.workstation.relay_url, code)
    desk.sync()  # his arrival, and his copy of the change
    louis.sync()
    assert louis.practice_enc_pk == desk.workstation.identity.enc_pk
    assert louis.state["rejected"] == []
    conv = patient_request(louis, desk.practitioner_id, "Bonjour, première demande")
    desk.sync()
    desk.workstation.reply(conv, "Bonjour Monsieur Bernard", desk.practitioner_id)
    desk.sync()
    louis.sync()
    assert [m["text"] for m in louis.thread(conv)] == [
        "Bonjour, première demande", "Bonjour Monsieur Bernard"]
    assert louis.practice_profile() is not None


def test_running_workstations_switch_keys_without_a_restart(office, monkeypatch) -> None:  # noqa: F811
    """The window's sync engines keep running through a revocation: the other workstation
    takes the new keys as its journal thread reads them, and what it writes next is sealed
    to the new key; the patient follows once the revoking one's outbox went out."""
    desk, cabinet, laptop = office(3)
    jeanne = desk.enrol(desk.workstation.relay_url, "Jeanne Martin")
    stolen = laptop.workstation.identity.current
    shown: list[str] = []
    monkeypatch.setitem(journal_projection._projectors, "canned_reply",
                        lambda c, entity, values, e: shown.append(entity))
    switched, arrived = threading.Event(), threading.Event()

    def on_cabinet(change: JournalChange) -> None:
        if any(e.kind == "practice_keys" for e in change.events):
            switched.set()

    def on_desk(change: JournalChange) -> None:
        if any(e.kind == "canned_reply" for e in change.events):
            arrived.set()

    engines = [SyncEngine(desk.workstation, long_poll=5, on_journal=on_desk),
               SyncEngine(cabinet.workstation, long_poll=5, on_journal=on_cabinet)]
    for engine in engines:
        engine.start()
    try:
        time.sleep(0.5)  # the long-polls are held
        revoke_workstation(desk.workstation, laptop.store.get_setting("account_id") or "")
        engines[0].wake()
        assert switched.wait(20)
        new_keys = desk.workstation.identity.current
        assert cabinet.workstation.identity.enc_pk == new_keys.enc_pk
        cabinet.store.journal_record("canned_reply", "cr-1", {"title": "Vacances"})
        engines[1].wake()
        assert arrived.wait(20) and shown == ["cr-1"]
        deadline = time.monotonic() + 20
        while desk.store.outbox_count() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert desk.store.outbox_count() == 0
    finally:
        for engine in engines:
            engine.stop()
    # The cabinet's entry, read off the relay: the laptop's key opens nothing of it.
    client = desk.workstation.client()
    try:
        entries = client.get("/v1/journal/entries", limit=500)["items"]
    finally:
        client.close()
    last = base64.b64decode(entries[-1]["envelope"])
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(last, journal_context(desk.workstation.practice_id, entries[-1]["id"]),
                      stolen.enc_key, [envelope_signer(last)])
    jeanne.sync()
    assert jeanne.practice_enc_pk == new_keys.enc_pk
