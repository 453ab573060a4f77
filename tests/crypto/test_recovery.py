"""Recovery keys: what people type from the sheet is accepted, a typo is caught early."""

from __future__ import annotations

import pytest

from desktop.crypto.recovery import (
    InvalidRecoveryKey,
    backup_key,
    file_key,
    format_recovery_key,
    key_id,
    new_recovery_key,
    normalise_recovery_key,
)


def test_a_key_is_six_groups_of_five_and_typed_loosely_it_is_the_same_key():
    key = new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 6 and all(len(g) == 5 for g in groups)
    loose = " ".join(groups).lower().replace("0", "o").replace("1", "l")
    assert normalise_recovery_key(loose) == key.replace("-", "")
    assert backup_key(loose) == backup_key(key)
    assert format_recovery_key(loose) == key


def _typos(key: str) -> list[str]:
    """Every key one character off ``key`` (one letter typed for another)."""
    body = key.replace("-", "")
    return [body[:i] + ch + body[i + 1:] for i in range(len(body))
            for ch in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" if ch != body[i]]


def test_a_typo_or_a_wrong_length_is_refused_with_a_reason():
    key = new_recovery_key()
    # One check character of 32: a typo slips through once in 32, by design (the backup's
    # own check then refuses the wrong key). A random key and a random typo would make
    # this test fail once in 32 runs; every typo of this key is tried instead.
    caught = missed = 0
    for wrong in _typos(key):
        try:
            normalise_recovery_key(wrong)
            missed += 1
        except InvalidRecoveryKey as exc:
            assert "typing mistake" in str(exc)
            caught += 1
    assert caught / (caught + missed) > 0.9  # 31 in 32 expected, over 930 typos
    with pytest.raises(InvalidRecoveryKey, match="30 letters"):
        normalise_recovery_key(key[:-3])
    with pytest.raises(InvalidRecoveryKey, match="30 letters"):
        normalise_recovery_key(key.replace(key[2], "U", 1))


def test_each_backup_file_has_its_own_key_and_keys_have_short_ids():
    one, two = backup_key(new_recovery_key()), backup_key(new_recovery_key())
    assert one != two and len(one) == 32
    assert file_key(one, b"a" * 16) != file_key(one, b"b" * 16)
    assert file_key(one, b"a" * 16) != file_key(two, b"a" * 16)
    assert key_id(one) != key_id(two) and len(key_id(one)) == 9
