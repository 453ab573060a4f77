"""Invitation codes survive typing by people and keep the relay out of the secret."""

import pytest

from desktop.core.errors import PasserelleError
from desktop.crypto import Identity
from desktop.crypto import invitation as inv


def test_code_is_forgiving_to_type():
    code = inv.new_code()
    assert len(code) == 29 and code.count("-") == 4
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert inv.normalise_code(typed) == inv.normalise_code(code)
    assert inv.redeem_token(typed) == inv.redeem_token(code)


@pytest.mark.parametrize("bad", ["", "ABCDE", "ABCDE-ABCDE-ABCDE-ABCDE-ABCDU", "!" * 25])
def test_malformed_code_says_what_a_code_looks_like(bad):
    with pytest.raises(inv.InvalidInvitationCode, match="25 letters and digits"):
        inv.normalise_code(bad)


def test_derived_keys_are_independent():
    code = inv.new_code()
    keys = {inv.redeem_token(code), inv.welcome_key(code), inv.binding_key(code), inv.lookup_hash(code)}
    assert len(keys) == 4


def test_welcome_opens_only_with_the_code():
    code = inv.new_code()
    sealed = inv.seal_welcome(code, {"practice_name": "Cabinet Dupont"})
    assert b"Dupont" not in sealed
    assert inv.open_welcome(code, sealed) == {"practice_name": "Cabinet Dupont"}
    with pytest.raises(PasserelleError, match="does not match"):
        inv.open_welcome(inv.new_code(), sealed)


def test_binding_detects_substituted_keys():
    code = inv.new_code()
    patient, relay_keys = Identity.generate(), Identity.generate()
    mac = inv.binding(code, patient.enc_pk, patient.sign_pk)
    assert inv.binding_is_valid(code, patient.enc_pk, patient.sign_pk, mac)
    assert not inv.binding_is_valid(code, relay_keys.enc_pk, relay_keys.sign_pk, mac)
    assert not inv.binding_is_valid(inv.new_code(), patient.enc_pk, patient.sign_pk, mac)
