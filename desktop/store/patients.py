"""Patients: their details, finding them, importing a list, joining and leaving the relay.

Functions of a DB-API connection: the caller (``Store``) holds the lock and
the transaction. The field rules are the core's (``desktop.core.patient_fields``),
shared with the CSV import's preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from desktop.core.errors import InvalidField, StoreError
from desktop.core.model import AuditAction, Patient
from desktop.core.patient_csv import ImportRow
from desktop.core.patient_fields import (
    check_birth_date,
    check_email,
    check_external_id,
    check_last_visit,
    check_name,
    check_phone,
    check_sex,
    check_tags,
    fold,
    read_date,
    tags_text,
)
from desktop.store import audit
from desktop.store.checks import new_id, valid
from desktop.store.records import ImportReport, SkippedRow
from desktop.store.timestamps import now_db

PUBLIC_KEY_BYTES = 32
MAX_SEARCH_TERMS = 8

_COLUMNS = (
    "id, name, born, relay_patient_id, enrolled, sex, phone, email, external_id, last_visit, "
    "tags, notices_opt_out"
)
_PATIENT = f"SELECT {_COLUMNS} FROM patients"

# What a person may change on a patient, in the order an edit reports them.
EDITABLE = (
    "name",
    "born",
    "sex",
    "phone",
    "email",
    "external_id",
    "last_visit",
    "tags",
    "notices_opt_out",
)

# What a line of an import carries (see desktop.core.patient_csv.ImportRow).
_IMPORTED = ("name", "born", "sex", "phone", "email", "external_id", "last_visit")


def _patient(row: Any) -> Patient:
    return Patient(
        id=row[0],
        name=row[1],
        born=row[2],
        relay_patient_id=row[3],
        enrolled=bool(row[4]),
        sex=row[5],
        phone=row[6],
        email=row[7],
        external_id=row[8],
        last_visit=row[9],
        tags=row[10],
        notices_opt_out=bool(row[11]),
    )


def check_born(born: str | date) -> str:
    """A date of birth as YYYY-MM-DD, not in the future."""
    with valid():
        return check_birth_date(born)


def _flag(value: Any) -> int:
    if value in (True, False, 0, 1):
        return int(value)
    raise InvalidField("Opting out of notices is yes or no.")


_RULES = {
    "name": check_name,
    "born": check_birth_date,
    "sex": check_sex,
    "phone": check_phone,
    "email": check_email,
    "external_id": check_external_id,
    "last_visit": check_last_visit,
    "tags": lambda v: tags_text(check_tags(v)),
    "notices_opt_out": _flag,
}


def _columns(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Checked column values for ``fields``; ``search_name`` follows ``name``."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise StoreError(
            f"A patient has no field {', '.join(unknown)}; the fields are {', '.join(EDITABLE)}."
        )
    with valid():
        columns = {name: _RULES[name](value) for name, value in fields.items()}
    if "name" in columns:
        columns["search_name"] = fold(str(columns["name"]))
    return columns


def _check_consistent(c: Any, patient_id: str | None, columns: dict[str, Any]) -> None:
    born, visit = columns.get("born"), columns.get("last_visit")
    if patient_id is not None and (born is None or visit is None):
        row = c.execute("SELECT born, last_visit FROM patients WHERE id = ?", (patient_id,))
        old_born, old_visit = row.fetchone()
        born = columns.get("born", old_born)
        visit = columns.get("last_visit", old_visit)
    if born and visit and visit < born:
        raise StoreError("The last visit cannot be before the date of birth.")
    external_id = columns.get("external_id")
    if external_id is not None:
        other = patient_by_external_id(c, external_id)
        if other is not None and other.id != patient_id:
            raise StoreError(f"Patient number {external_id!r} already belongs to {other.name}.")


def add_patient(
    c: Any,
    name: str,
    born: str | date,
    id: str | None,
    details: Mapping[str, Any] | None = None,
) -> Patient:
    """A new patient; ``details``: any of the other editable fields (phone, tags…)."""
    columns = _columns({**(details or {}), "name": name, "born": born})
    pid = new_id(id)
    if patient(c, pid) is not None:
        raise StoreError("A patient with this id already exists.")
    _check_consistent(c, None, columns)
    names = ", ".join(columns)
    c.execute(
        f"INSERT INTO patients (id, created_at, {names}) "
        f"VALUES (?, ?, {', '.join('?' * len(columns))})",
        (pid, now_db(), *columns.values()),
    )
    found = patient(c, pid)
    assert found is not None
    return found


def update_patient(c: Any, patient_id: str, fields: Mapping[str, Any]) -> tuple[Patient, list[str]]:
    """Change some of a patient's details; returns the patient and the fields that changed."""
    before = patient(c, patient_id)
    if before is None:
        raise StoreError("No such patient in this practice.")
    columns = _columns(fields)
    _check_consistent(c, patient_id, columns)
    if columns:
        c.execute(
            f"UPDATE patients SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
            (*columns.values(), patient_id),
        )
    after = patient(c, patient_id)
    assert after is not None
    changed = [f for f in EDITABLE if getattr(before, f) != getattr(after, f)]
    return after, changed


def patient(c: Any, patient_id: str) -> Patient | None:
    row = c.execute(_PATIENT + " WHERE id = ?", (patient_id,)).fetchone()
    return None if row is None else _patient(row)


def patients(c: Any) -> list[Patient]:
    return [_patient(r) for r in c.execute(_PATIENT + " ORDER BY name COLLATE NOCASE, id")]


def patient_by_relay_id(c: Any, relay_patient_id: str) -> Patient | None:
    row = c.execute(_PATIENT + " WHERE relay_patient_id = ?", (relay_patient_id,)).fetchone()
    return None if row is None else _patient(row)


def patient_by_external_id(c: Any, external_id: str) -> Patient | None:
    row = c.execute(_PATIENT + " WHERE external_id = ?", (external_id,)).fetchone()
    return None if row is None else _patient(row)


# -- finding patients ---------------------------------------------------------


def _like(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def _search_where(query: str) -> tuple[str, list[Any]]:
    """Every word of ``query`` must match: a name word's beginning (accents and case
    ignored), the start of the patient number, a date of birth in any usual
    form, or a year of birth."""
    clauses: list[str] = []
    params: list[Any] = []
    for term in str(query or "").split()[:MAX_SEARCH_TERMS]:
        try:
            born = read_date(term).isoformat()
        except InvalidField:
            pass
        else:
            clauses.append("born = ?")
            params.append(born)
            continue
        either: list[str] = []
        words = fold(term).split()
        if words:
            # ' ' || search_name: so that '% mar%' also finds a name's first word.
            either.append(
                "(" + " AND ".join("(' ' || search_name) LIKE ? ESCAPE '\\'" for _ in words) + ")"
            )
            params += [f"% {_like(w)}%" for w in words]
        either.append("external_id LIKE ? ESCAPE '\\'")
        params.append(_like(term) + "%")
        if re.fullmatch(r"\d{4}", term):
            either.append("born LIKE ?")
            params.append(term + "-%")
        clauses.append("(" + " OR ".join(either) + ")")
    return (" AND ".join(clauses) or "1"), params


def patients_page(c: Any, query: str, limit: int, offset: int) -> list[Patient]:
    """Patients matching ``query`` (all of them when empty), by name, a page at a time."""
    where, params = _search_where(query)
    rows = c.execute(
        f"{_PATIENT} WHERE {where} ORDER BY search_name, born, id LIMIT ? OFFSET ?",
        (*params, max(0, int(limit)), max(0, int(offset))),
    )
    return [_patient(r) for r in rows]


def count_patients(c: Any, query: str) -> int:
    where, params = _search_where(query)
    return int(c.execute(f"SELECT count(*) FROM patients WHERE {where}", params).fetchone()[0])


# -- importing a list -----------------------------------------------------------


def _already_here(c: Any, row: ImportRow, columns: dict[str, Any]) -> SkippedRow | None:
    """The patient this line would duplicate, if any, and why it is one."""
    external_id = columns.get("external_id")
    if external_id is not None:
        other = patient_by_external_id(c, external_id)
        if other is not None:
            reason = f"Patient number {external_id!r} already belongs to {other.name}."
            return SkippedRow(row.line, columns["name"], reason, other.id)
    # Same name and date of birth is the same person, unless both carry
    # different numbers from the practice software.
    for other_id, other_external in c.execute(
        "SELECT id, external_id FROM patients WHERE search_name = ? AND born = ?",
        (columns["search_name"], columns["born"]),
    ).fetchall():
        if external_id is None or other_external is None:
            reason = "A patient with this name and date of birth is already in the store."
            return SkippedRow(row.line, columns["name"], reason, other_id)
    return None


def import_patients(c: Any, rows: Iterable[ImportRow], actor_id: str | None) -> ImportReport:
    """Add the patients of an import; see ``Store.import_patients``."""
    imported = 0
    skipped: list[SkippedRow] = []
    for row in rows:
        line = getattr(row, "line", "?")
        try:
            columns = _columns({f: getattr(row, f, None) for f in _IMPORTED})
            duplicate = _already_here(c, row, columns)
            if duplicate is not None:
                skipped.append(duplicate)
                continue
            _check_consistent(c, None, columns)
        except StoreError as exc:
            raise StoreError(f"Line {line}: {exc} Nothing was imported.") from None
        pid = new_id()
        c.execute(
            f"INSERT INTO patients (id, created_at, {', '.join(columns)}) "
            f"VALUES (?, ?, {', '.join('?' * len(columns))})",
            (pid, now_db(), *columns.values()),
        )
        audit.record(c, AuditAction.PATIENT_IMPORTED, actor_id, pid, detail=f"line {line}")
        imported += 1
    return ImportReport(imported, tuple(skipped))


# -- the relay side ---------------------------------------------------------------


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
