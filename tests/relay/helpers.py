"""Clients and fixtures-in-code for the relay suite: everything goes over HTTP.

Only creating a practice (an operator action, not an HTTP route) calls the
relay's code directly; the CLI's own test covers that path.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import httpx

from relay.db import Database
from relay.operator import create_practice

NO_KEY = "no-key"
# Plain HTTP on loopback needs no TLS, but httpx builds a context per client
# unless given one (70 ms each, and the suite makes hundreds of clients).
_TLS = ssl.create_default_context()  # pass as key= to send a POST without an Idempotency-Key


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_id() -> str:
    return str(uuid.uuid4())


def envelope(label: str = "") -> bytes:
    """Opaque bytes standing for a sealed envelope (the relay cannot tell the difference)."""
    return b"ENVELOPE:" + label.encode() + os.urandom(48)


class Api:
    """One account's view of the relay: JSON in, httpx responses out, a fresh key per POST."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.token = token
        # TCP_NODELAY as requests/urllib3 do: without it a POST's body waits
        # for the delayed ACK of its headers, 40 ms per request on loopback.
        transport = httpx.HTTPTransport(
            verify=_TLS, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        self.http = httpx.Client(base_url=url, timeout=40, transport=transport, verify=_TLS)

    def headers(self, key: str | None) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key != NO_KEY:
            headers["Idempotency-Key"] = new_id() if key is None else key
        return headers

    def post(self, path: str, body: Any = None, *, key: str | None = None) -> httpx.Response:
        return self.http.post(path, json=body, headers=self.headers(key))

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers(NO_KEY))

    def events(
        self, after: str | None = None, limit: int = 1000, wait: float = 0
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit, "wait": wait}
        if after is not None:
            params["after"] = after
        response = self.get("/v1/mailbox/events", **params)
        assert response.status_code == 200, response.text
        return response.json()

    def all_events(self) -> list[dict[str, Any]]:
        return self.events()["items"]

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    return response.json()


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json().get("code")) == (status, code), response.text


@dataclass
class PracticeSide:
    """A practice with one enrolled workstation."""

    api: Api
    practice_id: str
    account_id: str
    enc_pk: bytes
    sign_pk: bytes


@dataclass
class PatientSide:
    """An enrolled patient of a practice."""

    api: Api
    patient_id: str
    practice_id: str
    account_id: str
    invitation_id: str


@dataclass
class Invitation:
    """An invitation as the practice made it, with the redeem token only the patient would have."""

    id: str
    redeem_token: bytes
    welcome: bytes


class World:
    """Builds practices, practitioners, patients and conversations on a running relay."""

    def __init__(self, url: str, db: Database) -> None:
        self.url = url
        self.db = db
        self._apis: list[Api] = []

    def api(self, token: str | None = None) -> Api:
        api = Api(self.url, token)
        self._apis.append(api)
        return api

    def close(self) -> None:
        for api in self._apis:
            api.close()

    def enrolment_token(self, label: str = "Cabinet Test") -> str:
        return create_practice(self.db, label).enrolment_token

    def practice(self, label: str = "Cabinet Test") -> PracticeSide:
        return self.enrol(self.enrolment_token(label))

    def enrol(self, enrolment_token: str, device_name: str = "desk") -> PracticeSide:
        enc_pk, sign_pk = os.urandom(32), os.urandom(32)
        body = {
            "enrolment_token": enrolment_token,
            "enc_pk": b64(enc_pk),
            "sign_pk": b64(sign_pk),
            "device_name": device_name,
        }
        result = ok(self.api().post("/v1/practices/enrol", body), 201)
        return PracticeSide(
            self.api(result["token"]), result["practice_id"], result["account_id"], enc_pk, sign_pk
        )

    def practitioner(self, practice: PracticeSide, accepts: bool = True) -> str:
        practitioner_id = new_id()
        ok(
            practice.api.post(
                "/v1/practitioners", {"id": practitioner_id, "accepts_messaging": accepts}
            )
        )
        return practitioner_id

    def invite(
        self, practice: PracticeSide, expires_in: timedelta = timedelta(days=30)
    ) -> Invitation:
        invitation = Invitation(new_id(), os.urandom(32), b"WELCOME" + os.urandom(40))
        body = {
            "id": invitation.id,
            "lookup": b64(hashlib.sha256(invitation.redeem_token).digest()),
            "welcome": b64(invitation.welcome),
            "expires_at": (datetime.now(UTC) + expires_in).isoformat(),
        }
        ok(practice.api.post("/v1/invitations", body), 201)
        return invitation

    @staticmethod
    def redeem_body(invitation: Invitation) -> dict[str, str]:
        return {
            "redeem_token": b64(invitation.redeem_token),
            "enc_pk": b64(os.urandom(32)),
            "sign_pk": b64(os.urandom(32)),
            "binding": b64(os.urandom(32)),
        }

    def patient(self, practice: PracticeSide) -> PatientSide:
        return self.redeem(self.invite(practice))

    def redeem(self, invitation: Invitation) -> PatientSide:
        result = ok(self.api().post("/v1/invitations/redeem", self.redeem_body(invitation)), 201)
        return PatientSide(
            self.api(result["token"]),
            result["patient_id"],
            result["practice_id"],
            result["account_id"],
            invitation.id,
        )

    def request(
        self, patient: PatientSide, practitioner_id: str, label: str = "request"
    ) -> tuple[str, str]:
        """A patient's conversation request; returns (conversation id, first message id)."""
        conversation_id, message_id = new_id(), new_id()
        body = {
            "id": conversation_id,
            "practitioner_id": practitioner_id,
            "message_id": message_id,
            "envelope": b64(envelope(label)),
        }
        ok(patient.api.post("/v1/conversations", body), 201)
        return conversation_id, message_id

    def open_conversation(self, practice: PracticeSide, patient: PatientSide) -> str:
        """A conversation the practice has accepted (state ``open``)."""
        conversation_id, _ = self.request(patient, self.practitioner(practice))
        set_state(practice, conversation_id, "open")
        return conversation_id


def set_state(
    practice: PracticeSide, conversation_id: str, state: str, note: bytes | None = None
) -> httpx.Response:
    body = {"state": state, "event_id": new_id(), "envelope": b64(note) if note else None}
    return practice.api.post(f"/v1/conversations/{conversation_id}/state", body)


def send(
    side: PracticeSide | PatientSide, conversation_id: str, data: bytes | None = None
) -> httpx.Response:
    body = {"id": new_id(), "envelope": b64(data or envelope())}
    return side.api.post(f"/v1/conversations/{conversation_id}/messages", body)
