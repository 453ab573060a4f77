"""The practice's keys in the store: a rotation keeps the older ones, newest first."""

from __future__ import annotations

import os

from desktop.store import Store


def test_a_rotation_keeps_the_replaced_identity_in_the_ring(store: Store) -> None:
    first, second, third = os.urandom(64), os.urandom(64), os.urandom(64)
    assert store.practice_keys() == (None, [])
    store.set_secret("practice_identity", first)
    assert store.switch_practice_keys(second) is True
    assert store.practice_keys() == (second, [first])
    # The journal brings a rotation already applied: nothing moves.
    assert store.switch_practice_keys(second, [first]) is False
    assert store.switch_practice_keys(third) is True
    assert store.practice_keys() == (third, [second, first])
    # An older rotation reaching us late (an offline workstation's) does not go back.
    assert store.switch_practice_keys(second, [first]) is False
    assert store.practice_keys() == (third, [second, first])


def test_a_pairing_bundle_brings_the_keys_as_they_are(store: Store) -> None:
    current, older = os.urandom(64), [os.urandom(64), os.urandom(64)]
    store.adopt_practice_keys(current, older)
    assert store.practice_keys() == (current, older)
