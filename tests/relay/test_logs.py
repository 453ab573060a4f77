"""What the relay writes to its log during a whole scenario names no secret.

The relay runs as an operator would run it with ``--access-log`` (one line per request,
uvicorn's access log), and everything it prints is searched for every token, the
invitation's redeem token, the password and every envelope and chunk, in each form a
careless log line would write them (text, base64, hex, repr of bytes).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from relay.db import Database
from tests.relay.helpers import Api, World, b64, new_id, ok, refused, send
from tests.relay.test_blobs import declare, put
from tests.support.relay import RelayProcess

PASSWORD = "Lefebvre-mot-de-passe-2026"


def forms(secret: bytes | str) -> list[str]:
    """The ways a secret could show up in a line of text."""
    raw = secret.encode() if isinstance(secret, str) else secret
    found = [
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
        repr(raw)[2:-1][:60],
    ]
    if isinstance(secret, str):
        found.append(secret)
    # A part long enough to be the secret's and not a coincidence.
    return [f[:40] if len(f) > 40 else f for f in found if len(f) >= 16]


def test_a_whole_scenario_leaves_no_secret_in_the_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    db = Database(url)
    secrets: list[bytes | str] = [PASSWORD]
    args = ("--access-log", "--rate-limit", "redeem.address=4/600")
    with RelayProcess(url, extra_args=args) as relay:
        world = World(relay.url, db)
        try:
            enrolment = world.enrolment_token()
            practice = world.enrol(enrolment)
            ok(practice.api.post("/v1/practice/password", {"password": PASSWORD}))
            login = {"practice_id": practice.practice_id, "password": PASSWORD, "device_name": "b"}
            second = ok(world.api().post("/v1/auth/login", login), 201)
            refused(
                world.api().post("/v1/auth/login", {**login, "password": PASSWORD + "x"}),
                401,
                "invalid_credentials",
            )
            invitation = world.invite(practice)
            patient = world.redeem(invitation)
            conversation = world.open_conversation(practice, patient)
            envelopes = [b"ENVELOPE:" + os.urandom(64) for _ in range(3)]
            for data in envelopes:
                ok(send(patient, conversation, data), 201)
            ok(send(practice, conversation, envelopes[0]), 201)  # the same again: a conflict
            chunk = os.urandom(3000)
            blob_id = new_id()
            ok(declare(patient.api, conversation, len(chunk), blob_id), 201)
            ok(put(patient.api, blob_id, 0, chunk))
            complete = {"chunk_count": 1, "size": len(chunk)}
            ok(patient.api.post(f"/v1/blobs/{blob_id}/complete", complete))
            assert (
                practice.api.http.get(
                    f"/v1/blobs/{blob_id}/chunks/0", headers=practice.api.headers("no-key")
                ).content
                == chunk
            )
            cursor = practice.api.events()["cursor"]
            # Whatever a client puts in a query string stays out of the access log.
            practice.api.get("/v1/mailbox/events", after=cursor, wait=0.2, leak=practice.api.token)
            refused(
                Api(relay.url, "not-a-real-token-" + "x" * 26).get("/v1/me"), 401, "invalid_token"
            )
            guess = world.redeem_body(invitation) | {"redeem_token": b64(os.urandom(32))}
            for _ in range(4):
                world.api().post("/v1/invitations/redeem", guess)  # up to 429
            secrets += [
                enrolment,
                practice.api.token or "",
                second["token"],
                patient.api.token or "",
                invitation.redeem_token,
                invitation.welcome,
                chunk,
                *envelopes,
            ]
        finally:
            world.close()
    db.dispose()
    log = relay.output
    assert '"POST /v1/invitations/redeem HTTP/1.1" 429' in log  # the access log was on
    assert '"GET /v1/mailbox/events HTTP/1.1" 200' in log  # without its query string
    for secret in secrets:
        for form in forms(secret):
            assert form not in log, f"{form!r} is in the relay's log"
