"""The audit trail as Settings → Audit reads it: filtered pages and a CSV export.

Filters: the person who acted, the patient, the action, a range of days (UTC
dates as stored; the window passes the practice's days). The CSV holds the rows'
fields — time, person, workstation, action, patient, detail — and never a
message's text: the trail never stored one (``detail`` is a few words of context,
capped by ``desktop.store.audit.MAX_DETAIL``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from desktop.core.model import AuditAction
from desktop.store import audit
from desktop.store.records import AuditEntry
from desktop.store.timestamps import from_db


@dataclass(frozen=True)
class AuditFilter:
    """What Settings → Audit shows; ``None`` is "any"."""

    person_id: str | None = None
    patient_id: str | None = None
    action: str | None = None
    first_day: date | None = None
    last_day: date | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if self.person_id:
            clauses.append("a.actor_id = ?")
            params.append(self.person_id)
        if self.patient_id:
            clauses.append("a.patient_id = ?")
            params.append(self.patient_id)
        if self.action:
            clauses.append("a.action = ?")
            params.append(self.action)
        if self.first_day:
            clauses.append("a.at >= ?")
            params.append(self.first_day.isoformat())
        if self.last_day:
            clauses.append("a.at < ?")
            params.append((self.last_day + timedelta(days=1)).isoformat())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def page(c: Any, f: AuditFilter, limit: int, offset: int = 0) -> list[AuditEntry]:
    """Newest first."""
    where, params = f.where()
    rows = c.execute(f"{audit._ENTRY}{where} ORDER BY a.id DESC LIMIT ? OFFSET ?",
                     (*params, max(0, int(limit)), max(0, int(offset))))
    return [audit._entry(r) for r in rows]


def count(c: Any, f: AuditFilter) -> int:
    where, params = f.where()
    return int(c.execute(f"SELECT count(*) FROM audit a{where}", params).fetchone()[0])


CSV_HEADER = ("id", "at_utc", "person", "workstation", "action", "patient", "detail")


def to_csv(c: Any, f: AuditFilter) -> str:
    """Every row the filter keeps, oldest first, as CSV text (UTF-8, comma-separated)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_HEADER)
    where, params = f.where()
    for r in c.execute(f"{audit._ENTRY}{where} ORDER BY a.id", params):
        e = audit._entry(r)
        w.writerow((e.id, e.at.isoformat(), e.actor_name, e.workstation, str(e.action),
                    e.patient_name, e.detail))
    return out.getvalue()


def failed_sign_ins(c: Any, person_id: str) -> tuple[int, datetime | None]:
    """Wrong secrets for ``person_id`` since their last sign-in, and when the last was."""
    failures, last = 0, None
    # Newest first; stops at the last success (or after enough failures to reach the
    # longest delay), so a busy practice's long trail is not read for each sign-in.
    rows = c.execute(
        "SELECT action, at FROM audit WHERE actor_id = ? AND action IN (?, ?) "
        "ORDER BY id DESC LIMIT 64",
        (person_id, str(AuditAction.SIGNED_IN), str(AuditAction.SIGN_IN_FAILED)),
    )
    for action, at in rows:
        if action == str(AuditAction.SIGNED_IN):
            break
        failures += 1
        if last is None:
            last = from_db(at)
    return failures, last


class AuditReader:
    """The audit's part of :class:`desktop.store.Store` (a mixin)."""

    _reading: Any

    def audit_page(self, f: AuditFilter, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        with self._reading() as c:
            return page(c, f, limit, offset)

    def audit_count(self, f: AuditFilter) -> int:
        with self._reading() as c:
            return count(c, f)

    def audit_csv(self, f: AuditFilter) -> str:
        with self._reading() as c:
            return to_csv(c, f)

    def failed_sign_ins(self, person_id: str) -> tuple[int, datetime | None]:
        """Wrong secrets in a row for a person (since their last sign-in), the last one's time."""
        with self._reading() as c:
            return failed_sign_ins(c, person_id)
