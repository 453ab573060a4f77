"""Erasing a patient: at once from the store, then from the relay through the outbox.

The local part is one transaction (desktop.store.erasure) that also queues the relay's
part: ``POST /v1/patients/{relay id}/erase`` for an enrolled patient (his account
revoked, everything the relay holds of him deleted), or the revocation of the
invitations it holds for one who never enrolled. Offline, the patient is gone from
this workstation at once and the request waits in the outbox like any other: the next
sync carries it, and retries are safe (the relay answers a repeat "erased"). Until it
has gone, the outbox row holds his relay id and nothing else of him.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.rights import Right, check
from desktop.records.patient_file import our_patient
from desktop.store.erasure import LocalErasure, PatientErasure
from desktop.sync.client import API


@dataclass(frozen=True)
class Erasure:
    """An erasure done here; ``relay_requests``: the outbox rows that carry it to the
    relay (empty when the relay never knew the patient)."""

    local: LocalErasure
    relay_requests: tuple[str, ...]


def erase_patient(store: Any, patient_id: str, actor_id: str | None) -> Erasure:
    """Erase one of this practice's patients (``NotOurPatient`` for any other id)."""
    # An administrator's (desktop.core.rights); the window and the command line pass the
    # person signed in.
    if actor_id is not None:
        check(store.person(actor_id), Right.ERASE_PATIENT)
    patient = our_patient(store, patient_id, "nothing was erased")
    requests: list[str] = []
    with store.transaction():
        local = PatientErasure(store).erase(patient.id, actor_id)
        if local.relay_patient_id:
            requests.append(store.enqueue(
                "POST", f"{API}/patients/{local.relay_patient_id}/erase",
                {"invitation_ids": local.invitation_ids}))
        else:
            for invitation_id in local.invitation_ids:  # a code he may still redeem
                requests.append(store.enqueue(
                    "POST", f"{API}/invitations/{invitation_id}/revoke", {}))
    return Erasure(local, tuple(requests))


def relay_state(store: Any, requests: tuple[str, ...]) -> tuple[str, str]:
    """Where the relay's part stands: ``("done", "")`` once every request was answered,
    ``("waiting", "")`` while one is in the outbox, ``("refused", why)`` if the relay
    refused one for good (kept in the outbox's failures for a person to see)."""
    failures = {f.id: f.last_error or "" for f in store.outbox_failures()}
    for r in requests:
        if r in failures:
            return "refused", failures[r]
    if any(store.outbox_has(r) for r in requests):
        return "waiting", ""
    return "done", ""
