"""Key statements: a patient follows the practice's new keys only when the key he trusts
named them and the new key signed too."""

from __future__ import annotations

import pytest

from desktop.core.errors import EnvelopeRejected
from desktop.crypto import Identity
from desktop.crypto.practice_keys import check_statement, follow, make_statement

PRACTICE = "2b1f0c7e-8d57-4a53-9a3c-5b2b8f1f1e11"


def test_a_patient_follows_two_rotations_from_the_key_of_his_welcome() -> None:
    first, second, third = Identity.generate(), Identity.generate(), Identity.generate()
    one, two = make_statement(PRACTICE, first, second), make_statement(PRACTICE, second, third)
    # In any order: each link is found from the key the one before named.
    for statements in ([one, two], [two, one]):
        assert follow(PRACTICE, first.sign_pk, statements) == [
            (second.enc_pk, second.sign_pk), (third.enc_pk, third.sign_pk)]
    # A patient already on the second key moves one step; on the last, none.
    assert follow(PRACTICE, second.sign_pk, [one, two]) == [(third.enc_pk, third.sign_pk)]
    assert follow(PRACTICE, third.sign_pk, [one, two]) == []


def test_a_statement_not_signed_by_both_keys_or_for_another_practice_is_refused() -> None:
    old, new, thief = Identity.generate(), Identity.generate(), Identity.generate()
    good = make_statement(PRACTICE, old, new)
    # The thief's keys named in the old key's statement, but the thief cannot sign as new.
    forged = dict(good, enc_pk=make_statement(PRACTICE, old, thief)["enc_pk"])
    with pytest.raises(EnvelopeRejected, match="both"):
        follow(PRACTICE, old.sign_pk, [forged])
    # Someone naming a key as the practice's without the old key's word.
    self_made = make_statement(PRACTICE, thief, new)
    assert follow(PRACTICE, old.sign_pk, [self_made]) == []
    with pytest.raises(EnvelopeRejected):
        check_statement("another-practice", good)
    with pytest.raises(EnvelopeRejected, match="malformed"):
        check_statement(PRACTICE, {"enc_pk": good["enc_pk"]})
