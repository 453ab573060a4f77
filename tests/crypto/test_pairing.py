"""Pairing a workstation: the code vouches for the keys both ways; the relay cannot swap them."""

from __future__ import annotations

import uuid

import pytest

from desktop.core.errors import EnvelopeRejected
from desktop.core.hlc import Stamp
from desktop.core.journal import JournalEvent
from desktop.crypto import Identity
from desktop.crypto.journal import entry_decision_key, open_entry, seal_entry
from desktop.crypto.pairing import (
    JoinRequest,
    PairingRejected,
    check_offer,
    fingerprint,
    normalise_code,
    seal_practice_keys,
)

PRACTICE = Identity.generate()


def bundle() -> dict[str, str]:
    return {"practice_id": "p-1", "identity": PRACTICE.to_bytes().hex()}


def test_a_new_workstation_gets_the_practice_keys_and_both_screens_show_one_fingerprint() -> None:
    join = JoinRequest.start("Laptop de Dr Martin")
    typed = join.code.lower().replace("-", " ")  # as a person types it
    newcomer = check_offer(typed, join.offer())
    assert newcomer.name == "Laptop de Dr Martin"
    assert newcomer.fingerprint == join.fingerprint
    assert len(join.fingerprint.replace(" ", "")) == 20
    desk = Identity.generate()
    sealed, mac = seal_practice_keys(typed, newcomer, desk, bundle())
    assert join.open_practice_keys(sealed, mac) == bundle()
    # What travels through the relay holds neither the name nor the practice's secret key.
    offer = join.offer()
    assert b"Martin" not in b"".join(v for v in offer.values() if isinstance(v, bytes))
    assert PRACTICE.to_bytes().hex().encode() not in sealed and PRACTICE.to_bytes() not in sealed


def test_a_relay_swapping_the_new_workstations_keys_is_caught_before_anything_is_sealed() -> None:
    join = JoinRequest.start("Accueil")
    offer = join.offer()
    mallory = Identity.generate()
    swapped = {**offer, "enc_pk": mallory.enc_pk, "sign_pk": mallory.sign_pk}
    with pytest.raises(PairingRejected, match="do not pair"):
        check_offer(join.code, swapped)
    # Even with the keys left alone, the fingerprint of the relay's own keys differs.
    assert fingerprint(mallory.enc_pk, mallory.sign_pk) != join.fingerprint


def test_practice_keys_not_sealed_by_the_holder_of_the_code_are_refused() -> None:
    join = JoinRequest.start("Accueil")
    # The relay, without the code, seals keys of its own to the new workstation.
    other = JoinRequest.start("Accueil")  # another code: another bind key
    newcomer = check_offer(join.code, join.offer())
    sealed, _ = seal_practice_keys(join.code, newcomer, Identity.generate(), {"practice_id": "x"})
    _, forged_mac = seal_practice_keys(
        other.code, check_offer(other.code, other.offer()), Identity.generate(), {}
    )
    with pytest.raises(PairingRejected, match="did not come from"):
        join.open_practice_keys(sealed, forged_mac)


def test_a_mistyped_code_says_what_a_code_looks_like() -> None:
    with pytest.raises(PairingRejected, match="10 letters and digits"):
        normalise_code("K7QF2-9XHR")
    join = JoinRequest.start("Accueil")
    wrong = ("0" if join.code[0] != "0" else "1") + join.code[1:]
    with pytest.raises(PairingRejected):
        check_offer(wrong, join.offer())


def event(kind: str, fields: dict, ws: str = "desk") -> JournalEvent:
    return JournalEvent(kind, "r-1", fields, Stamp(1_000, 0, ws), str(uuid.uuid4()), ws)


def test_a_journal_entry_opens_with_the_practice_key_and_only_from_a_known_workstation() -> None:
    desk = Identity.generate()
    e = event("note", {"text": "rappeler Mme Durand"})
    sealed = seal_entry(e, "p-1", PRACTICE.enc_pk, desk.sign_key)
    assert b"Durand" not in sealed
    known = {desk.sign_pk: "desk"}
    assert open_entry(sealed, "p-1", e.client_id, [PRACTICE.enc_key], known) == e
    with pytest.raises(EnvelopeRejected, match="not in the practice"):
        open_entry(sealed, "p-1", e.client_id, [PRACTICE.enc_key], {})
    with pytest.raises(EnvelopeRejected):  # replayed under another id or practice
        open_entry(sealed, "p-1", str(uuid.uuid4()), [PRACTICE.enc_key], known)
    with pytest.raises(EnvelopeRejected):
        open_entry(sealed, "p-2", e.client_id, [PRACTICE.enc_key], known)
    # Signed by the desk but claiming the laptop wrote it.
    liar = event("note", {"text": "x"}, ws="laptop")
    forged = seal_entry(liar, "p-1", PRACTICE.enc_pk, desk.sign_key)
    with pytest.raises(EnvelopeRejected, match="another id or workstation"):
        open_entry(forged, "p-1", liar.client_id, [PRACTICE.enc_key], known)


def test_after_a_rotation_old_entries_still_open_and_new_ones_need_the_new_key() -> None:
    desk, rotated = Identity.generate(), Identity.generate()
    old, new = event("note", {"text": "avant"}), event("note", {"text": "après"})
    old_sealed = seal_entry(old, "p-1", PRACTICE.enc_pk, desk.sign_key)
    new_sealed = seal_entry(new, "p-1", rotated.enc_pk, desk.sign_key)
    ring = [rotated.enc_key, PRACTICE.enc_key]
    known = {desk.sign_pk: "desk"}
    assert open_entry(old_sealed, "p-1", old.client_id, ring, known) == old
    assert open_entry(new_sealed, "p-1", new.client_id, ring, known) == new
    # The stolen laptop holds only the old key: what is written after the rotation is closed.
    with pytest.raises(EnvelopeRejected, match="does not hold"):
        open_entry(new_sealed, "p-1", new.client_id, [PRACTICE.enc_key], known)


def test_two_workstations_deciding_one_renewal_compute_one_decision_key() -> None:
    secret = b"s" * 32
    approve = event("renewal_decision", {"decision": "approved"}, "desk")
    refuse = event("renewal_decision", {"decision": "refused"}, "laptop")
    assert entry_decision_key(approve, secret) == entry_decision_key(refuse, secret)
    assert "r-1" not in (entry_decision_key(approve, secret) or "")
    assert entry_decision_key(approve, b"t" * 32) != entry_decision_key(approve, secret)
    assert entry_decision_key(event("note", {}), secret) is None
