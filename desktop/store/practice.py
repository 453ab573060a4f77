"""The practice itself: settings and secrets, practitioners, patients, invitations.

Functions of a DB-API connection: the caller (``Store``) holds the lock and
the transaction. They validate what a person typed and raise ``StoreError``
with a sentence that person can act on.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import Patient, Practitioner
from desktop.store.records import Invitation
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

PUBLIC_KEY_BYTES = 32
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def new_id(given: str | None = None) -> str:
    """A canonical lowercase UUID: the relay compares ids as text."""
    if given is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(given)))
    except ValueError:
        raise StoreError(f"{given!r} is not a valid id (a UUID is expected).") from None


def _required_text(value: Any, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise StoreError(f"The {what} cannot be empty.")
    return text


# -- settings and secrets ----------------------------------------------------


def get_setting(c: Any, key: str) -> str | None:
    row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_setting(c: Any, key: str, value: str | None) -> None:
    """``None`` removes the setting."""
    if value is None:
        c.execute("DELETE FROM settings WHERE key = ?", (key,))
    elif not isinstance(value, str):
        raise StoreError(f"Setting {key!r} takes text; secrets (bytes) go through set_secret.")
    else:
        c.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def get_secret(c: Any, key: str) -> bytes | None:
    row = c.execute("SELECT value FROM secrets WHERE key = ?", (key,)).fetchone()
    return None if row is None else bytes(row[0])


def set_secret(c: Any, key: str, value: bytes | None) -> None:
    if value is None:
        c.execute("DELETE FROM secrets WHERE key = ?", (key,))
    elif not isinstance(value, bytes | bytearray | memoryview):
        raise StoreError(f"Secret {key!r} takes bytes.")
    else:
        c.execute(
            "INSERT INTO secrets (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, bytes(value)),
        )


# -- practitioners -----------------------------------------------------------

_PRACTITIONER = "SELECT id, name, profession, rpps, accepts_messaging FROM practitioners"


def _practitioner(row: Any) -> Practitioner:
    return Practitioner(row[0], row[1], row[2], row[3], bool(row[4]))


def add_practitioner(
    c: Any, name: str, profession: str, rpps: str | None, accepts_messaging: bool, id: str | None
) -> Practitioner:
    name = _required_text(name, "practitioner's name")
    profession = _required_text(profession, "profession")
    rpps = (rpps.strip() or None) if isinstance(rpps, str) else None
    pid = new_id(id)
    if practitioner(c, pid) is not None:
        raise StoreError("A practitioner with this id already exists.")
    c.execute(
        "INSERT INTO practitioners (id, name, profession, rpps, accepts_messaging, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (pid, name, profession, rpps, int(bool(accepts_messaging)), now_db()),
    )
    return Practitioner(pid, name, profession, rpps, bool(accepts_messaging))


def practitioner(c: Any, practitioner_id: str) -> Practitioner | None:
    row = c.execute(_PRACTITIONER + " WHERE id = ?", (practitioner_id,)).fetchone()
    return None if row is None else _practitioner(row)


def practitioners(c: Any) -> list[Practitioner]:
    return [_practitioner(r) for r in c.execute(_PRACTITIONER + " ORDER BY name, id")]


def set_accepts_messaging(c: Any, practitioner_id: str, accepts: bool) -> None:
    cur = c.execute(
        "UPDATE practitioners SET accepts_messaging = ? WHERE id = ?",
        (int(bool(accepts)), practitioner_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such practitioner in this practice.")


# -- patients ----------------------------------------------------------------

_PATIENT = "SELECT id, name, born, relay_patient_id, enrolled FROM patients"


def _patient(row: Any) -> Patient:
    return Patient(row[0], row[1], row[2], row[3], bool(row[4]))


def check_born(born: str | date) -> str:
    """A date of birth as YYYY-MM-DD, not in the future."""
    if isinstance(born, datetime):
        born = born.date()
    if isinstance(born, date):
        day = born
    else:
        text = born.strip() if isinstance(born, str) else ""
        # fromisoformat alone would also take "19610402" or "1961-W14-1".
        if not _ISO_DATE.fullmatch(text):
            raise StoreError(f"{born!r} is not a date of birth: write it as YYYY-MM-DD.")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise StoreError(f"{born!r} is not a date that exists.") from None
    if day > date.today():
        raise StoreError("A date of birth cannot be in the future.")
    if day.year < 1880:
        raise StoreError(f"{day.isoformat()} is too far in the past for a date of birth.")
    return day.isoformat()


def add_patient(c: Any, name: str, born: str | date, id: str | None) -> Patient:
    name = _required_text(name, "patient's name")
    born_text = check_born(born)
    pid = new_id(id)
    if patient(c, pid) is not None:
        raise StoreError("A patient with this id already exists.")
    c.execute(
        "INSERT INTO patients (id, name, born, created_at) VALUES (?, ?, ?, ?)",
        (pid, name, born_text, now_db()),
    )
    return Patient(pid, name, born_text, None, False)


def patient(c: Any, patient_id: str) -> Patient | None:
    row = c.execute(_PATIENT + " WHERE id = ?", (patient_id,)).fetchone()
    return None if row is None else _patient(row)


def patients(c: Any) -> list[Patient]:
    return [_patient(r) for r in c.execute(_PATIENT + " ORDER BY name COLLATE NOCASE, id")]


def patient_by_relay_id(c: Any, relay_patient_id: str) -> Patient | None:
    row = c.execute(_PATIENT + " WHERE relay_patient_id = ?", (relay_patient_id,)).fetchone()
    return None if row is None else _patient(row)


def record_patient_joined(
    c: Any, patient_id: str, relay_patient_id: str, enc_pk: bytes, sign_pk: bytes
) -> None:
    """The patient redeemed an invitation: his relay id and public keys are now known."""
    if len(enc_pk) != PUBLIC_KEY_BYTES or len(sign_pk) != PUBLIC_KEY_BYTES:
        raise StoreError("A patient's public keys are 32 bytes each.")
    row = c.execute(
        "SELECT relay_patient_id, enrolled FROM patients WHERE id = ?", (patient_id,)
    ).fetchone()
    if row is None:
        raise StoreError("No such patient in this practice.")
    if row[1] and row[0] not in (None, relay_patient_id):
        raise StoreError("This patient is already enrolled under another relay id.")
    other = patient_by_relay_id(c, relay_patient_id)
    if other is not None and other.id != patient_id:
        raise StoreError("This relay id already belongs to another patient.")
    c.execute(
        "UPDATE patients SET relay_patient_id = ?, enc_pk = ?, sign_pk = ?, enrolled = 1, "
        "revoked_at = NULL WHERE id = ?",
        (relay_patient_id, bytes(enc_pk), bytes(sign_pk), patient_id),
    )


def revoke_patient(c: Any, patient_id: str) -> None:
    """End the enrolment. The keys stay: they still verify what he wrote before."""
    cur = c.execute(
        "UPDATE patients SET enrolled = 0, revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
        (now_db(), patient_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such patient in this practice.")


def patient_keys(c: Any, patient_id: str) -> tuple[bytes, bytes] | None:
    row = c.execute("SELECT enc_pk, sign_pk FROM patients WHERE id = ?", (patient_id,)).fetchone()
    if row is None or row[0] is None or row[1] is None:
        return None
    return bytes(row[0]), bytes(row[1])


# -- invitations -------------------------------------------------------------

_INVITATION = (
    "SELECT id, patient_id, code, expires_at, created_at, redeemed_at, revoked_at FROM invitations"
)


def _invitation(row: Any) -> Invitation:
    return Invitation(
        row[0],
        row[1],
        row[2],
        from_db(row[3]),
        from_db(row[4]),
        from_db_or_none(row[5]),
        from_db_or_none(row[6]),
    )


def add_invitation(c: Any, id: str, patient_id: str, code: str, expires_at: datetime) -> None:
    iid = new_id(id)
    code = _required_text(code, "invitation code")
    if patient(c, patient_id) is None:
        raise StoreError("No such patient in this practice.")
    c.execute(
        "INSERT INTO invitations (id, patient_id, code, expires_at, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (iid, patient_id, code, to_db(expires_at), now_db()),
    )


def invitation(c: Any, invitation_id: str) -> Invitation | None:
    row = c.execute(_INVITATION + " WHERE id = ?", (invitation_id,)).fetchone()
    return None if row is None else _invitation(row)


def invitations_of(c: Any, patient_id: str) -> list[Invitation]:
    rows = c.execute(_INVITATION + " WHERE patient_id = ? ORDER BY created_at", (patient_id,))
    return [_invitation(r) for r in rows]


def mark_invitation_redeemed(c: Any, invitation_id: str) -> None:
    cur = c.execute(
        "UPDATE invitations SET redeemed_at = coalesce(redeemed_at, ?) WHERE id = ?",
        (now_db(), invitation_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such invitation.")


def revoke_invitation(c: Any, invitation_id: str) -> None:
    cur = c.execute(
        "UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
        (now_db(), invitation_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such invitation.")
