"""Notices: what was broadcast, to which patients, how far each copy got; the templates.

A notice and its recipients are recorded in one transaction (the audience's
criteria with them, as JSON, never anywhere but this file). Sending moves
recipients from ``queued`` to ``handed_over`` in the transaction that queues
their sealed copies in the outbox; receipts move them on to ``delivered`` and
``read``, never back. Functions of a connection; the caller holds the lock and
the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from desktop.core.errors import InvalidField, StoreError
from desktop.core.model import AuditAction
from desktop.core.notices import (
    Audience,
    Notice,
    NoticeCampaign,
    NoticeKind,
    NoticeState,
    NoticeStatistics,
    NoticeTemplate,
    RecipientState,
    check_notice_text,
    check_title,
)
from desktop.store import audit
from desktop.store.checks import exists, new_id, valid
from desktop.store.replicate_notices import ELSEWHERE, me, sent_elsewhere_sql
from desktop.store.timestamps import from_db, from_db_or_none, now_db, to_db

_NOTICE = (
    "SELECT id, kind, title, body, replies_allowed, audience, author_id, created_at, "
    "prepared_at, send_after, state, sent_at FROM notices"
)
_TEMPLATE = "SELECT id, key, kind, title, body, audience, replies_allowed FROM notice_templates"
# SQLite's limit on bound parameters is 32,766; a batch stays far below it.
_CHUNK = 900


@dataclass(frozen=True, slots=True)
class QueuedRecipient:
    """A patient a notice still has to be sealed for: his relay id and his public key."""

    patient_id: str
    relay_patient_id: str
    enc_pk: bytes


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _audience(raw: str) -> Audience:
    try:
        return Audience.from_dict(json.loads(raw))
    except (ValueError, TypeError, AttributeError):
        return Audience()  # criteria written by a newer Passerelle: shown as "everyone"


def _campaign(r: Any) -> NoticeCampaign:
    notice = Notice(r[0], NoticeKind(r[1]), r[2], r[3], bool(r[4]), from_db(r[7]))
    return NoticeCampaign(
        notice=notice,
        audience=_audience(r[5]),
        state=NoticeState(r[10]),
        author_id=r[6],
        prepared_at=from_db(r[8]),
        send_after=from_db_or_none(r[9]),
        sent_at=from_db_or_none(r[11]),
    )


# -- notices ------------------------------------------------------------------------


def add_notice(
    c: Any,
    notice: Notice,
    audience: Audience,
    patient_ids: Sequence[str],
    author_id: str | None,
    send_after: datetime | None,
) -> int:
    """Record a notice and its recipients (all ``queued``); returns how many.

    Refused: a notice id already used, an unknown author, a recipient who is
    not a patient of this practice or is named twice.
    """
    notice_id = new_id(notice.id)
    with valid():
        title, text = check_title(notice.title), check_notice_text(notice.text)
        kind = NoticeKind(notice.kind)
        audience = audience.checked()
    if exists(c, "notices", notice_id):
        raise StoreError("This notice was already prepared; a new notice needs a new id.")
    if author_id is not None and not exists(c, "practitioners", author_id):
        raise StoreError("No such practitioner in this practice.")
    ids = list(patient_ids)
    if len(set(ids)) != len(ids):
        raise StoreError("A patient is named twice among the recipients.")
    now = now_db()
    c.execute(
        "INSERT INTO notices (id, kind, title, body, replies_allowed, audience, author_id, "
        "created_at, prepared_at, send_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            notice_id,
            str(kind),
            title,
            text,
            int(notice.replies_allowed),
            _json(audience.to_dict()),
            author_id,
            to_db(notice.created_at),
            now,
            None if send_after is None else to_db(send_after),
        ),
    )
    try:
        c.executemany(
            "INSERT INTO notice_recipients (notice_id, patient_id) VALUES (?, ?)",
            ((notice_id, pid) for pid in ids),
        )
    except Exception as exc:  # the foreign key: not a patient here
        if "FOREIGN KEY" in str(exc).upper():
            raise StoreError("A recipient is not a patient of this practice.") from None
        raise
    audit.record(
        c,
        AuditAction.NOTICE_PREPARED,
        author_id,
        detail=f"{title} — {len(ids)} recipients",
    )
    return len(ids)


def notice(c: Any, notice_id: str) -> NoticeCampaign | None:
    row = c.execute(_NOTICE + " WHERE id = ?", (notice_id,)).fetchone()
    return None if row is None else _campaign(row)


def notices(c: Any, limit: int, offset: int) -> list[NoticeCampaign]:
    """Newest first."""
    rows = c.execute(
        _NOTICE + " ORDER BY prepared_at DESC, id LIMIT ? OFFSET ?",
        (max(0, int(limit)), max(0, int(offset))),
    )
    return [_campaign(r) for r in rows]


def due_notices(c: Any, now: datetime) -> list[NoticeCampaign]:
    """Notices whose sending should start or go on at ``now``, oldest first."""
    # Another workstation's notice is its to send (desktop.store.replicate_notices).
    rows = c.execute(
        _NOTICE + " WHERE state IN ('prepared', 'sending') AND "
        f"(send_after IS NULL OR send_after <= :now) AND NOT {sent_elsewhere_sql('notices.id')} "
        "ORDER BY prepared_at, id",
        {"now": to_db(now), "me": me(c)},
    )
    return [_campaign(r) for r in rows]


def set_notice_state(c: Any, notice_id: str, state: NoticeState) -> None:
    sent_at = now_db() if state is NoticeState.SENT else None
    cur = c.execute(
        "UPDATE notices SET state = ?, sent_at = coalesce(?, sent_at) WHERE id = ?",
        (str(state), sent_at, notice_id),
    )
    if cur.rowcount == 0:
        raise StoreError("No such notice.")


def cancel_notice(c: Any, notice_id: str, actor_id: str | None) -> int:
    """Stop a notice: the recipients not yet handed over are dropped (returns how many).
    Copies already in the outbox still go: they may be on the relay already."""
    found = notice(c, notice_id)
    if found is None:
        raise StoreError("No such notice.")
    if found.state is NoticeState.SENT:
        raise StoreError("This notice was already sent to all its recipients.")
    if found.state is NoticeState.CANCELLED:
        return 0
    dropped = c.execute(
        "DELETE FROM notice_recipients WHERE notice_id = ? AND state = 'queued'", (notice_id,)
    ).rowcount
    set_notice_state(c, notice_id, NoticeState.CANCELLED)
    audit.record(
        c,
        AuditAction.NOTICE_CANCELLED,
        actor_id,
        detail=f"{found.notice.title} — {dropped} not sent",
    )
    return int(dropped)


# -- recipients -----------------------------------------------------------------------


def queued_recipients(c: Any, notice_id: str, limit: int) -> list[QueuedRecipient]:
    """The next recipients to seal for, with what sealing needs. A patient whose keys
    are missing (never joined) cannot be in a notice: ``add_notice`` takes enrolled ones."""
    rows = c.execute(
        "SELECT r.patient_id, p.relay_patient_id, p.enc_pk FROM notice_recipients r "
        "INDEXED BY notice_recipients_queued JOIN patients p ON p.id = r.patient_id "
        "WHERE r.notice_id = ? AND r.state = 'queued' ORDER BY r.patient_id LIMIT ?",
        (notice_id, max(0, int(limit))),
    )
    found = []
    for pid, relay_id, enc_pk in rows:
        if relay_id is None or enc_pk is None:
            raise StoreError("A recipient of this notice has no keys on this workstation.")
        found.append(QueuedRecipient(pid, relay_id, bytes(enc_pk)))
    return found


def hand_over(c: Any, notice_id: str, patient_ids: Sequence[str], outbox_id: str) -> int:
    """Mark queued recipients as handed over with the outbox row carrying their copies.
    Refused (nothing changed) unless every one of them was still queued."""
    now = now_db()
    moved = 0
    for start in range(0, len(patient_ids), _CHUNK):
        part = list(patient_ids[start : start + _CHUNK])
        marks = ", ".join("?" * len(part))
        moved += c.execute(
            "UPDATE notice_recipients SET state = 'handed_over', outbox_id = ?, "
            f"handed_over_at = ? WHERE notice_id = ? AND state = 'queued' "
            f"AND patient_id IN ({marks})",
            (outbox_id, now, notice_id, *part),
        ).rowcount
    if moved != len(set(patient_ids)):
        raise StoreError("Some of these recipients were already handed over.")
    return moved


def count_queued(c: Any, notice_id: str) -> int:
    return int(
        c.execute(
            "SELECT count(*) FROM notice_recipients INDEXED BY notice_recipients_queued "
            "WHERE notice_id = ? AND state = 'queued'",
            (notice_id,),
        ).fetchone()[0]
    )


_COLUMN_OF = {RecipientState.DELIVERED: "delivered_at", RecipientState.READ: "read_at"}


def record_receipt(c: Any, notice_id: str, patient_id: str, state: RecipientState) -> bool:
    """A patient's application says it fetched (``delivered``) or opened (``read``) his copy.
    Moves his state forward only; ``False`` when it changed nothing (a repeat, an older
    receipt, a patient who is not a recipient)."""
    if state not in _COLUMN_OF:
        raise StoreError(f"{state!r} is not a receipt.")
    earlier = [str(s) for s in RecipientState if 0 < s.rank() < state.rank()]
    now = now_db()
    # A read receipt overtaking its delivered one (two devices) still says it was delivered.
    also = ", delivered_at = coalesce(delivered_at, :now)" if state is RecipientState.READ else ""
    # A notice another workstation sends: its hand-over of this copy may not be here yet,
    # but the patient has the copy, so it was handed over (counted once, as there).
    cur = c.execute(
        f"UPDATE notice_recipients SET state = :state, {_COLUMN_OF[state]} = :now{also}, "
        "outbox_id = coalesce(outbox_id, :elsewhere), "
        "handed_over_at = coalesce(handed_over_at, :now) "
        "WHERE notice_id = :notice AND patient_id = :patient AND (state IN "
        f"({', '.join(f':s{i}' for i in range(len(earlier)))}) OR (state = 'queued' AND "
        f"{sent_elsewhere_sql(':notice')}))",
        {
            "state": str(state),
            "now": now,
            "notice": notice_id,
            "patient": patient_id,
            "elsewhere": ELSEWHERE,
            "me": me(c),
            **{f"s{i}": s for i, s in enumerate(earlier)},
        },
    )
    return cur.rowcount > 0


def record_reply(c: Any, notice_id: str, patient_id: str, conversation_id: str) -> bool:
    """A recipient answered a notice that allows replies (his request names it); ``False``
    if the notice allows none, he is not a recipient, or it is already recorded."""
    cur = c.execute(
        "UPDATE notice_recipients SET replied_at = ?, reply_conversation_id = ? "
        "WHERE notice_id = ? AND patient_id = ? AND replied_at IS NULL AND state != 'queued' "
        "AND (SELECT replies_allowed FROM notices WHERE id = ?) = 1",
        (now_db(), conversation_id, notice_id, patient_id, notice_id),
    )
    return cur.rowcount > 0


def recipient_state(c: Any, notice_id: str, patient_id: str) -> RecipientState | None:
    row = c.execute(
        "SELECT state FROM notice_recipients WHERE notice_id = ? AND patient_id = ?",
        (notice_id, patient_id),
    ).fetchone()
    return None if row is None else RecipientState(row[0])


def recipients(c: Any, notice_id: str, limit: int, offset: int) -> list[tuple[str, RecipientState]]:
    """Who a notice goes to, by patient name: ``(patient id, state)``."""
    rows = c.execute(
        "SELECT r.patient_id, r.state FROM notice_recipients r "
        "JOIN patients p ON p.id = r.patient_id WHERE r.notice_id = ? "
        "ORDER BY p.search_name, p.id LIMIT ? OFFSET ?",
        (notice_id, max(0, int(limit)), max(0, int(offset))),
    )
    return [(r[0], RecipientState(r[1])) for r in rows]


def statistics(c: Any, notice_id: str) -> NoticeStatistics:
    by_state = dict(
        c.execute(
            "SELECT state, count(*) FROM notice_recipients WHERE notice_id = ? GROUP BY state",
            (notice_id,),
        ).fetchall()
    )
    # Handed over and no longer in the outbox (or failed there): the relay has it.
    sent = c.execute(
        "SELECT count(*) FROM notice_recipients r WHERE r.notice_id = ? AND r.state != 'queued' "
        "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = r.outbox_id)",
        (notice_id,),
    ).fetchone()[0]
    replies = c.execute(
        "SELECT count(*) FROM notice_recipients WHERE notice_id = ? AND replied_at IS NOT NULL",
        (notice_id,),
    ).fetchone()[0]

    def at_least(state: RecipientState) -> int:
        return sum(n for s, n in by_state.items() if RecipientState(s).rank() >= state.rank())

    return NoticeStatistics(
        recipients=at_least(RecipientState.QUEUED),
        queued=by_state.get("queued", 0),
        handed_over=at_least(RecipientState.HANDED_OVER),
        sent=int(sent),
        delivered=at_least(RecipientState.DELIVERED),
        read=at_least(RecipientState.READ),
        replies=int(replies),
    )


# -- templates ---------------------------------------------------------------------------


def _template(r: Any) -> NoticeTemplate:
    return NoticeTemplate(
        kind=NoticeKind(r[2]),
        title=r[3],
        text=r[4],
        audience=_audience(r[5]),
        replies_allowed=bool(r[6]),
        key=r[1],
        id=r[0],
    )


def templates(c: Any) -> list[NoticeTemplate]:
    """In the practice's order."""
    return [_template(r) for r in c.execute(_TEMPLATE + " ORDER BY position, id")]


def save_template(c: Any, template: NoticeTemplate) -> NoticeTemplate:
    """Create (``id`` None: it goes last) or change a template."""
    try:
        kind = NoticeKind(template.kind)
        title = check_title(template.title)
        text = check_notice_text(template.text)
        audience = template.audience.checked()
    except (InvalidField, ValueError) as exc:
        raise StoreError(str(exc)) from None
    values = (str(kind), title, text, _json(audience.to_dict()), int(template.replies_allowed))
    if template.id is None:
        position = c.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM notice_templates"
        ).fetchone()[0]
        cur = c.execute(
            "INSERT INTO notice_templates (kind, title, body, audience, replies_allowed, "
            "position) VALUES (?, ?, ?, ?, ?, ?)",
            (*values, position),
        )
        template_id = cur.lastrowid
    else:
        template_id = template.id
        cur = c.execute(
            "UPDATE notice_templates SET kind = ?, title = ?, body = ?, audience = ?, "
            "replies_allowed = ? WHERE id = ?",
            (*values, template_id),
        )
        if cur.rowcount == 0:
            raise StoreError("No such notice template.")
    row = c.execute(_TEMPLATE + " WHERE id = ?", (template_id,)).fetchone()
    return _template(row)


def delete_template(c: Any, template_id: int) -> None:
    if c.execute("DELETE FROM notice_templates WHERE id = ?", (template_id,)).rowcount == 0:
        raise StoreError("No such notice template.")
