"""What the relay's database holds: ciphertext, ids, hashes, and no name but the practice label."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from relay.app import create_app
from relay.config import Settings
from tests.relay.helpers import World, b64, new_id, ok, send
from tests.support.relay import RelayThread

LABEL = "Cabinet Martin-Durand"
DEVICE = "Poste du Dr Lefebvre"
PASSWORD = "Lefebvre-mot-de-passe-2026"
# Never sent to the relay at all: what a message says is inside the envelope,
# and here the envelope is random bytes. If it showed up, something leaked.
PLAINTEXT = "Renouvellement Levothyrox 75"


def database_bytes(path: Path) -> bytes:
    """The database file with its WAL and shared memory: everything SQLite keeps on disk."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_the_database_holds_no_secret_and_no_name_but_the_label(tmp_path: Path) -> None:
    path = tmp_path / "relay.sqlite3"
    with RelayThread(create_app(Settings(database_url=f"sqlite:///{path}"))) as relay:
        world = World(relay.url, relay.app.state.relay.db)
        enrolment_token = world.enrolment_token(LABEL)
        practice = world.enrol(enrolment_token, device_name=DEVICE)
        ok(practice.api.post("/v1/practice/password", {"password": PASSWORD}))
        login = ok(
            world.api().post(
                "/v1/auth/login",
                {"practice_id": practice.practice_id, "password": PASSWORD, "device_name": DEVICE},
            ),
            201,
        )
        invitation = world.invite(practice)
        patient = world.redeem(invitation)
        conversation = world.open_conversation(practice, patient)
        envelopes = [os.urandom(200) + bytes(range(256)) for _ in range(3)]
        for data in envelopes:
            ok(send(patient, conversation, data), 201)
        tokens = [practice.api.token, login["token"], patient.api.token]
        stored = database_bytes(path)
        world.close()

    assert LABEL.encode() in stored
    for secret in [DEVICE, PASSWORD, PLAINTEXT, enrolment_token, *tokens]:
        assert secret.encode() not in stored, secret
    assert invitation.redeem_token not in stored
    assert b64(invitation.redeem_token).encode() not in stored
    # What the relay keeps instead: hashes, and the ciphertext exactly as given.
    assert hashlib.sha256(enrolment_token.encode()).digest() in stored
    assert all(hashlib.sha256(t.encode()).digest() in stored for t in tokens)
    assert hashlib.sha256(invitation.redeem_token).digest() in stored
    assert b"$argon2id$" in stored
    assert invitation.welcome in stored
    for data in envelopes:
        assert data in stored
    assert new_id().encode() not in stored  # the check can fail: random ids are not there


def test_api_schema_is_published(world: World) -> None:
    schema = ok(world.api().get("/v1/openapi.json"))
    assert schema["info"]["title"] == "Passerelle relay"
    assert {"/v1/practices/enrol", "/v1/mailbox/events", "/v1/conversations"} <= set(
        schema["paths"]
    )
