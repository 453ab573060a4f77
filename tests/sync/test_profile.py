"""The practice profile end to end: a workstation publishes, its patients read, the relay cannot."""

from __future__ import annotations

import copy
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests

from desktop.core.errors import EnvelopeRejected
from desktop.patient.__main__ import main as patient_cli
from desktop.sync.client import unb64
from desktop.sync.profile import (
    ProfileInvalid,
    profile_key,
    publish_profile,
    published_profile,
)
from tests.support.relay import create_practice
from tests.support.world import make_practice

ADDRESS = "12 rue des Tilleuls, 69003 Lyon"
PHONE = "04 78 95 12 34"
ABSENCE = "En congés : le Dr Morel assure le suivi des renouvellements"
PATIENT_PASSPHRASE = "a patient's own passphrase"


def profile_of(practice) -> dict:
    return {
        "practice": {"name": "Maison de santé des Tilleuls", "address": ADDRESS, "phone": PHONE},
        "practitioners": [
            {
                "id": practice.practitioner_id,
                "name": "Dr Claire Dupont",
                "profession": "Médecin généraliste",
                "response_days": 2,
                "absence": {"from": "2026-08-01", "until": "2026-08-21", "message": ABSENCE},
            }
        ],
    }


def relay_file(relay) -> Path:
    return Path(relay.database_url.removeprefix("sqlite:///"))


def relay_bytes(relay) -> bytes:
    """The relay's SQLite file with its WAL: everything it keeps on disk."""
    path = relay_file(relay)
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def rewrite_profile_row(relay, **values) -> None:
    """What a hostile or restored relay could do to the stored profile."""
    with sqlite3.connect(relay_file(relay), timeout=30) as db:
        assignments = ", ".join(f"{name} = ?" for name in values)
        db.execute(f"UPDATE practice_profiles SET {assignments}", tuple(values.values()))


def profile_row(relay) -> tuple[int, bytes]:
    with sqlite3.connect(relay_file(relay), timeout=30) as db:
        return db.execute("SELECT version, blob FROM practice_profiles").fetchone()


def publish(practice, profile: dict) -> None:
    publish_profile(practice.workstation, profile)
    practice.sync()
    assert practice.store.outbox_count() == 0, practice.store.outbox_failures()


def test_the_welcome_hands_the_profile_key_to_the_patient(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    assert jean.has_profile_key
    assert unb64(jean.state["profile_key"]) == practice.store.get_secret("profile_key")
    assert profile_key(practice.store) == practice.store.get_secret("profile_key")
    assert "profile_key" not in jean.state["welcome"]
    assert jean.practice_profile() is None  # nothing published yet


def test_the_patient_reads_what_the_practice_published(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    profile = profile_of(practice)
    publish(practice, profile)
    assert jean.practice_profile() == profile
    assert published_profile(practice.store) == profile
    # A patient enrolled later reads it as well; a new version replaces it for both.
    anne = practice.enrol(relay.url, "Anne Petit")
    assert anne.practice_profile() == profile
    back = copy.deepcopy(profile)
    back["practitioners"][0]["absence"] = None
    publish(practice, back)
    assert jean.practice_profile() == back == anne.practice_profile()


def test_the_relay_keeps_no_name_and_no_absence_message(relay, practice):
    practice.enrol(relay.url, "Jean Martin")
    publish(practice, profile_of(practice))
    stored = relay_bytes(relay)
    assert profile_row(relay)[1] in stored  # the check can fail: the blob is in those bytes
    for clear in ["Claire Dupont", "Tilleuls", ABSENCE, "Morel", PHONE, "2026-08-21"]:
        assert clear.encode() not in stored, clear


def test_a_patient_of_another_practice_never_gets_it(relay, practice, tmp_path):
    practice.enrol(relay.url, "Jean Martin")
    publish(practice, profile_of(practice))
    other = make_practice(
        relay.url,
        create_practice(relay.database_url, "Cabinet Voisin"),
        tmp_path / "voisin.passerelle",
        practitioner="Dr Paul Voisin",
    )
    try:
        lea = other.enrol(relay.url, "Léa Bernard")
        assert lea.practice_profile() is None  # her practice published none
        answer = requests.get(
            f"{relay.url}/v1/practice/profile",
            params={"practice_id": practice.workstation.practice_id},
            headers={"Authorization": f"Bearer {lea.state['token']}"},
            timeout=10,
        )
        assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")
        # Her practice's own profile, once published, is the one she reads.
        theirs = {"practice": {"phone": "01 02 03 04 05"}}
        publish(other, theirs)
        assert lea.practice_profile() == theirs
    finally:
        other.store.close()


def test_a_tampered_profile_is_rejected(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    publish(practice, profile_of(practice))
    version, blob = profile_row(relay)

    flipped = bytearray(blob)
    flipped[len(flipped) // 2] ^= 0x01
    rewrite_profile_row(relay, blob=bytes(flipped))
    with pytest.raises(EnvelopeRejected, match="integrity"):
        jean.practice_profile()

    # The genuine blob under another version number: bound to its version.
    rewrite_profile_row(relay, blob=blob, version=version + 1)
    with pytest.raises(EnvelopeRejected):
        jean.practice_profile()

    rewrite_profile_row(relay, version=version)
    assert jean.practice_profile() == profile_of(practice)


def test_an_older_profile_served_again_is_rejected(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    publish(practice, profile_of(practice))
    old_version, old_blob = profile_row(relay)
    newer = {"practice": {"phone": PHONE}}
    publish(practice, newer)
    assert jean.practice_profile() == newer
    # A relay restored from an old backup (or lying) serves the older, genuine profile.
    rewrite_profile_row(relay, version=old_version, blob=old_blob)
    with pytest.raises(EnvelopeRejected, match="older"):
        jean.practice_profile()


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"practitioners": {}},
        {"practice": {"phone": 12}},
        {"practice": {"fax": "01"}},  # unknown field: a typo is not published silently
        {"practitioners": [{"id": "not-a-uuid"}]},
        {"practitioners": [{"id": "PID", "response_days": -1}]},
        {"practitioners": [{"id": "PID", "response_days": True}]},
        {
            "practitioners": [
                {"id": "PID", "absence": {"from": "2026-08-21", "until": "2026-08-01"}}
            ]
        },
        {
            "practitioners": [
                {"id": "PID", "absence": {"from": "01/08/2026", "until": "2026-08-21"}}
            ]
        },
        {"practitioners": [{"id": "PID"}, {"id": "PID"}]},
    ],
)
def test_bad_profiles_are_refused_and_queue_nothing(relay, practice, bad):
    bad = json.loads(json.dumps(bad).replace("PID", practice.practitioner_id))
    before = practice.store.outbox_count()
    with pytest.raises(ProfileInvalid):
        publish_profile(practice.workstation, bad)
    assert practice.store.outbox_count() == before
    assert published_profile(practice.store) is None


def test_a_profile_too_large_for_the_relay_is_refused_before_queuing(relay, practice):
    entries = [
        {
            "id": str(uuid.uuid4()),
            "absence": {"from": "2026-08-01", "until": "2026-08-21", "message": "é" * 1000},
        }
        for _ in range(40)
    ]
    before = practice.store.outbox_count()
    with pytest.raises(ProfileInvalid, match="too long"):
        publish_profile(practice.workstation, {"practitioners": entries})
    assert practice.store.outbox_count() == before


def test_published_offline_goes_out_when_the_relay_returns(relay, practice):
    jean = practice.enrol(relay.url, "Jean Martin")
    relay.kill()
    publish_profile(practice.workstation, profile_of(practice))
    assert practice.store.outbox_count() == 1
    relay.start()
    publish(practice, profile_of(practice))  # a second version, queued behind the first
    assert jean.practice_profile() == profile_of(practice)


def test_the_patient_command_line_prints_the_profile(
    relay, practice, tmp_path, capsys, monkeypatch
):
    jean = practice.enrol(relay.url, "Jean Martin")
    state = tmp_path / "jean.patient"
    jean.save(state, PATIENT_PASSPHRASE)
    monkeypatch.setenv("PASSERELLE_PATIENT_PASSPHRASE", PATIENT_PASSPHRASE)

    assert patient_cli(["profile", "--state", str(state)]) == 0
    assert "not published" in capsys.readouterr().out

    publish(practice, profile_of(practice))
    assert patient_cli(["profile", "--state", str(state)]) == 0
    out = capsys.readouterr().out
    for shown in [
        "Tilleuls",
        ADDRESS,
        PHONE,
        "Dr Claire Dupont",
        "2 working day",
        "2026-08-21",
        ABSENCE,
    ]:
        assert shown in out, shown
    assert patient_cli(["profile", "--state", str(state), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == profile_of(practice)

    rewrite_profile_row(relay, blob=b"PSF1" + bytes(200))
    assert patient_cli(["profile", "--state", str(state)]) == 2
    assert "integrity" in capsys.readouterr().err
