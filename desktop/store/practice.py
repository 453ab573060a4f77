"""The practice itself: settings and secrets, practitioners and their absences, invitations.

Functions of a DB-API connection: the caller (``Store``) holds the lock and
the transaction. They validate what a person typed and raise ``StoreError``
with a sentence that person can act on. Patients live in ``patients``
(re-exported here for the code that found them here first).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from desktop.core.errors import StoreError
from desktop.core.model import Practitioner
from desktop.core.patient_fields import check_day
from desktop.store.checks import new_id, required_text, valid
from desktop.store.patients import (  # noqa: F401 - re-exported
    PUBLIC_KEY_BYTES,
    add_patient,
    check_born,
    patient,
    patient_by_relay_id,
    patient_keys,
    patients,
    record_patient_joined,
    revoke_patient,
)
from desktop.store.records import Invitation
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

# As the practice profile allows (desktop.sync.profile), so that what the
# store accepts can always be published to patients.
MAX_ABSENCE_MESSAGE = 1000
MAX_RESPONSE_DAYS = 60
MAX_NAME = 200
MAX_PROFESSION = 100

_required_text = required_text


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

_PRACTITIONER = (
    "SELECT id, name, profession, rpps, accepts_messaging, absent_from, absent_until, "
    "absence_message, response_days, role, administrator, active, secret IS NOT NULL "
    "FROM practitioners"
)


def _practitioner(row: Any) -> Practitioner:
    return Practitioner(
        row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6], row[7], row[8],
        row[9], bool(row[10]), bool(row[11]), bool(row[12]),
    )


def _rpps(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def add_practitioner(
    c: Any, name: str, profession: str, rpps: str | None, accepts_messaging: bool, id: str | None
) -> Practitioner:
    name = _required_text(name, "practitioner's name")
    profession = _required_text(profession, "profession")
    rpps = _rpps(rpps)
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
    """The practitioners (assistants are people of the practice, not practitioners: see
    ``desktop.store.people``)."""
    return [_practitioner(r) for r in c.execute(
        _PRACTITIONER + " WHERE role = 'practitioner' ORDER BY name, id")]


def update_practitioner(
    c: Any,
    practitioner_id: str,
    name: str,
    profession: str,
    rpps: str | None,
    response_days: int | None,
) -> Practitioner:
    """Correct a practitioner's name, profession, RPPS number (and response time if given)."""
    name = _required_text(name, "practitioner's name", MAX_NAME)
    profession = _required_text(profession, "profession", MAX_PROFESSION)
    cur = c.execute(
        "UPDATE practitioners SET name = ?, profession = ?, rpps = ? WHERE id = ?",
        (name, profession, _rpps(rpps), practitioner_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such practitioner in this practice.")
    if response_days is not None:
        set_response_days(c, practitioner_id, response_days)
    found = practitioner(c, practitioner_id)
    assert found is not None
    return found


def set_response_days(c: Any, practitioner_id: str, days: int) -> None:
    """The answer time promised to patients, in working days (0 to 60)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_RESPONSE_DAYS:
        raise StoreError(f"The response time is a number of days from 0 to {MAX_RESPONSE_DAYS}.")
    cur = c.execute(
        "UPDATE practitioners SET response_days = ? WHERE id = ?", (days, practitioner_id)
    )
    if cur.rowcount == 0:
        raise StoreError("No such practitioner in this practice.")


def set_absence(
    c: Any,
    practitioner_id: str,
    absent_from: str | date | None,
    absent_until: str | date | None,
    message: str | None,
    today: date | None = None,
) -> Practitioner:
    """Set an absence (first and last day included) and its automatic reply; all ``None``
    (or empty) clears it."""
    with valid():
        first = check_day(absent_from, "first day of absence")
        last = check_day(absent_until, "last day of absence")
    text = (message or "").strip() if isinstance(message, str | None) else None
    if text is None:
        raise StoreError("The absence message must be text.")
    if first is None and last is None and not text:
        changes: tuple[Any, ...] = (None, None, "")
    else:
        if first is None or last is None:
            raise StoreError("Give both the first and the last day of the absence.")
        if last < first:
            raise StoreError("The absence cannot end before it starts.")
        if last < (today or date.today()).isoformat():
            raise StoreError("This absence is already over: check the dates.")
        if not text:
            raise StoreError("Write the message patients will receive during the absence.")
        if len(text) > MAX_ABSENCE_MESSAGE:
            raise StoreError(
                f"The absence message is longer than {MAX_ABSENCE_MESSAGE} characters."
            )
        changes = (first, last, text)
    cur = c.execute(
        "UPDATE practitioners SET absent_from = ?, absent_until = ?, absence_message = ? "
        "WHERE id = ?",
        (*changes, practitioner_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such practitioner in this practice.")
    found = practitioner(c, practitioner_id)
    assert found is not None
    return found


def claim_absence_reply(
    c: Any, conversation_id: str, practitioner_id: str, absent_from: str, message_id: str
) -> bool:
    """Note that this absence's reply goes to this conversation; ``False`` if it already has."""
    cur = c.execute(
        "INSERT INTO absence_replies (conversation_id, practitioner_id, absent_from, message_id, "
        "sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (conversation_id, practitioner_id, absent_from, message_id, now_db()),
    )
    return bool(cur.rowcount == 1)


def set_accepts_messaging(c: Any, practitioner_id: str, accepts: bool) -> None:
    cur = c.execute(
        "UPDATE practitioners SET accepts_messaging = ? WHERE id = ?",
        (int(bool(accepts)), practitioner_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such practitioner in this practice.")


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
