"""Patients and their invitations, in step across the practice's workstations.

``patient`` (FIELDS, entity: the patient's id): what a person of the practice typed or
imported — the editable details (desktop.store.patients.EDITABLE) and when the patient
was added. Not his relay id nor his keys: those come to every workstation from the
mailbox (``patient_joined``), which needs the invitation he redeemed to check them —
hence ``invitation`` (FIELDS, entity: the patient's id, as for everything about him, so
that erasing him erases it; one field per invitation, named by its id): the code, its
expiry, and whether it was withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlcipher3

from desktop.core.patient_fields import fold
from desktop.store import journal_projection
from desktop.store.patients import EDITABLE
from desktop.store.replicate import changes, publish, row

PATIENT = "patient"
INVITATION = "invitation"

_PATIENT_FIELDS = (*EDITABLE, "created_at")
_SELECT_PATIENT = f"SELECT {', '.join(_PATIENT_FIELDS)} FROM patients WHERE id = ?"
_INVITATION_FIELDS = ("code", "expires_at", "created_at", "revoked_at")
_SELECT_INVITATION = (
    f"SELECT patient_id, {', '.join(_INVITATION_FIELDS)} FROM invitations WHERE id = ?")


def patient_fields(c: Any, patient_id: str) -> dict[str, Any] | None:
    return row(c, _SELECT_PATIENT, (patient_id,), _PATIENT_FIELDS)


def publish_patient(c: Any, patient_id: str, before: Mapping[str, Any] | None) -> None:
    """After adding (``before`` None) or editing a patient: what changed."""
    after = patient_fields(c, patient_id)
    if after is not None:
        publish(c, PATIENT, patient_id, changes(before, after))


def publish_new_patients(c: Any, after_rowid: int) -> int:
    """Every patient added since ``after_rowid`` (an import): one event each, in one go."""
    rows = c.execute(
        f"SELECT id, {', '.join(_PATIENT_FIELDS)} FROM patients WHERE rowid > ? ORDER BY rowid",
        (after_rowid,),
    ).fetchall()
    for found in rows:
        publish(c, PATIENT, found[0], dict(zip(_PATIENT_FIELDS, found[1:], strict=True)))
    return len(rows)


def last_rowid(c: Any) -> int:
    return int(c.execute("SELECT coalesce(max(rowid), 0) FROM patients").fetchone()[0])


def publish_invitation(c: Any, invitation_id: str, before: Mapping[str, Any] | None) -> None:
    after = invitation_fields(c, invitation_id)
    if after is not None and after != before:
        patient_id = after.pop("patient_id")
        publish(c, INVITATION, patient_id, {invitation_id: after})


def invitation_fields(c: Any, invitation_id: str) -> dict[str, Any] | None:
    return row(c, _SELECT_INVITATION, (invitation_id,), ("patient_id", *_INVITATION_FIELDS))


# -- projecting the others' --------------------------------------------------------------


def project_patient(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    columns = {k: values[k] for k in _PATIENT_FIELDS if k in values}
    if "name" in columns:
        columns["search_name"] = fold(str(columns["name"] or ""))
    here = c.execute("SELECT 1 FROM patients WHERE id = ?", (entity,)).fetchone() is not None
    if not here and not {"name", "born"} <= set(columns):
        return  # nothing to show yet: the event that added him is still on its way
    columns.setdefault("created_at", _now())
    if columns.get("tags") is None:
        columns["tags"] = ""
    columns["notices_opt_out"] = int(bool(columns.get("notices_opt_out", 0)))
    try:
        _write_patient(c, entity, columns, here)
    except sqlcipher3.IntegrityError:
        # The same patient number given to two patients on two offline workstations: the
        # one arriving second keeps his file without the number (nothing else is lost).
        columns["external_id"] = None
        _write_patient(c, entity, columns, here)


def _write_patient(c: Any, entity: str, columns: dict[str, Any], here: bool) -> None:
    if here:
        columns.pop("created_at", None)
        c.execute(
            f"UPDATE patients SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
            (*columns.values(), entity),
        )
    else:
        c.execute(
            f"INSERT INTO patients (id, {', '.join(columns)}) "
            f"VALUES (?, {', '.join('?' * len(columns))})",
            (entity, *columns.values()),
        )


def project_invitation(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    """``entity``: the patient; each field, one of his invitations."""
    if c.execute("SELECT 1 FROM patients WHERE id = ?", (entity,)).fetchone() is None:
        return
    for invitation_id, fields in values.items():
        if not isinstance(fields, dict) or not {"code", "expires_at"} <= set(fields):
            continue
        c.execute(
            "INSERT INTO invitations (id, patient_id, code, expires_at, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (invitation_id, entity, fields["code"], fields["expires_at"],
             fields.get("created_at") or fields["expires_at"]),
        )
        if fields.get("revoked_at"):
            c.execute(
                "UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                (fields["revoked_at"], invitation_id),
            )


def _now() -> str:
    from desktop.store.timestamps import now_db

    return now_db()


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every patient and invitation as events, for a store's first publication."""
    names = ("id", *_PATIENT_FIELDS)
    for found in c.execute(f"SELECT {', '.join(names)} FROM patients ORDER BY rowid"):
        yield PATIENT, found[0], dict(zip(_PATIENT_FIELDS, found[1:], strict=True))
    columns = ", ".join(("id", "patient_id", *_INVITATION_FIELDS))
    for found in c.execute(f"SELECT {columns} FROM invitations ORDER BY created_at"):
        yield INVITATION, found[1], {found[0]: dict(zip(_INVITATION_FIELDS, found[2:],
                                                        strict=True))}


journal_projection.register(PATIENT, project_patient)
journal_projection.register(INVITATION, project_invitation)
