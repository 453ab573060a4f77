"""Envelopes: only their recipients read them; any change or wrong signer is rejected."""

import pytest

from desktop.core.errors import EnvelopeRejected
from desktop.crypto import Identity, open_envelope, seal_envelope
from desktop.crypto.envelope import message_context

CTX = message_context("c0", "m0")


@pytest.fixture()
def parties():
    return Identity.generate(), Identity.generate(), Identity.generate()


def test_each_recipient_reads_the_same_text(parties):
    patient, practice, _ = parties
    env = seal_envelope(b"Renouvellement Levothyrox", CTX, patient.sign_key,
                        [practice.enc_pk, patient.enc_pk])
    for reader in (patient, practice):
        assert open_envelope(env, CTX, reader.enc_key, [patient.sign_pk]) == b"Renouvellement Levothyrox"
    assert b"Levothyrox" not in env


def test_a_stranger_cannot_read(parties):
    patient, practice, stranger = parties
    env = seal_envelope(b"secret", CTX, patient.sign_key, [practice.enc_pk])
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(env, CTX, stranger.enc_key, [patient.sign_pk])


def test_every_flipped_byte_is_rejected(parties):
    patient, practice, _ = parties
    env = seal_envelope(b"Bonjour docteur", CTX, patient.sign_key, [practice.enc_pk])
    for i in range(len(env)):
        tampered = bytearray(env)
        tampered[i] ^= 0x01
        with pytest.raises(EnvelopeRejected):
            open_envelope(bytes(tampered), CTX, practice.enc_key, [patient.sign_pk])


def test_wrong_signer_is_rejected(parties):
    patient, practice, stranger = parties
    forged = seal_envelope(b"forged", CTX, stranger.sign_key, [practice.enc_pk])
    with pytest.raises(EnvelopeRejected, match="unknown sender"):
        open_envelope(forged, CTX, practice.enc_key, [patient.sign_pk])


def test_envelope_moved_to_another_conversation_is_rejected(parties):
    patient, practice, _ = parties
    env = seal_envelope(b"hello", CTX, patient.sign_key, [practice.enc_pk])
    with pytest.raises(EnvelopeRejected):
        open_envelope(env, message_context("c1", "m0"), practice.enc_key, [patient.sign_pk])


def test_truncated_and_garbage_inputs_are_rejected(parties):
    patient, practice, _ = parties
    env = seal_envelope(b"hello", CTX, patient.sign_key, [practice.enc_pk])
    for bad in (b"", b"PSE1", env[:50], env[:-1], b"x" * 300):
        with pytest.raises(EnvelopeRejected):
            open_envelope(bad, CTX, practice.enc_key, [patient.sign_pk])


def test_identity_round_trips(parties):
    patient, _, _ = parties
    again = Identity.from_bytes(patient.to_bytes())
    assert again.enc_pk == patient.enc_pk and again.sign_pk == patient.sign_pk


def test_a_key_ring_opens_what_was_sealed_to_any_of_its_keys(parties):
    """After a rotation the practice holds its new key and the older ones: a patient's
    message sealed to the old key still opens, a stranger's key in no ring does not."""
    from desktop.crypto.keys import KeyRing

    patient, old, stranger = parties
    new = Identity.generate()
    ring = KeyRing([new.enc_key, old.enc_key])
    before = seal_envelope(b"avant", CTX, patient.sign_key, [old.enc_pk, patient.enc_pk])
    after = seal_envelope(b"apres", CTX, patient.sign_key, [new.enc_pk, patient.enc_pk])
    assert open_envelope(before, CTX, ring, [patient.sign_pk]) == b"avant"
    assert open_envelope(after, CTX, ring, [patient.sign_pk]) == b"apres"
    # The old key alone (the stolen laptop's) cannot open what is sealed after.
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(after, CTX, old.enc_key, [patient.sign_pk])
    with pytest.raises(EnvelopeRejected, match="not addressed"):
        open_envelope(after, CTX, KeyRing([stranger.enc_key]), [patient.sign_pk])
