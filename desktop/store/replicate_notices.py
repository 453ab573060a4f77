"""Notice campaigns on every workstation, sent by one.

``notice_campaign`` (FIELDS, entity: the notice's id): what was prepared (text, audience,
author, schedule), its state (prepared, sending, sent, cancelled), ``sender`` — the
workstation that prepared it — and who it goes to, in parts (``recipients:<n>``, up to
:data:`RECIPIENTS_PER_PART` patient ids each, then ``recipient_parts``: ten thousand
recipients do not fit one journal entry). **Only the sender seals and hands copies over**
(desktop.store.notices.due_notices leaves the others' notices alone), so no patient gets
a notice twice; it publishes each batch it hands over (``handed:<outbox id>``), so every
workstation counts the same recipients handed over. Receipts come to every workstation
from the mailbox, as they always did: a receipt for a recipient whose hand-over has not
reached this workstation yet counts as handed over too (desktop.store.notices.record_receipt).
Statistics are therefore counted once, the same on all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from desktop.store import journal_projection
from desktop.store.replicate import publish, row, this_workstation

NOTICE = "notice_campaign"
RECIPIENTS_PER_PART = 4000
HANDED = "handed:"
ELSEWHERE = "elsewhere"  # the outbox id of a copy another workstation handed over

_FIELDS = (
    "kind", "title", "body", "replies_allowed", "audience", "author_id", "created_at",
    "prepared_at", "send_after", "state", "sent_at",
)


def _fields(c: Any, notice_id: str) -> dict[str, Any] | None:
    found = row(c, f"SELECT {', '.join(_FIELDS)} FROM notices WHERE id = ?", (notice_id,),
                _FIELDS)
    if found is not None:
        found["replies_allowed"] = bool(found["replies_allowed"])
    return found


def _prepared(c: Any, notice_id: str, sender: str) -> Iterable[dict[str, Any]]:
    """A prepared notice as the events that carry it: the recipients' parts, then the rest."""
    fields = _fields(c, notice_id)
    if fields is None:
        return
    ids = [r[0] for r in c.execute(
        "SELECT patient_id FROM notice_recipients WHERE notice_id = ? ORDER BY patient_id",
        (notice_id,))]
    parts = [ids[i : i + RECIPIENTS_PER_PART] for i in range(0, len(ids), RECIPIENTS_PER_PART)]
    for n, part in enumerate(parts):
        yield {f"recipients:{n}": part}
    yield {**fields, "sender": sender, "recipient_parts": len(parts)}


def publish_prepared(c: Any, notice_id: str) -> None:
    for fields in _prepared(c, notice_id, this_workstation(c)):
        publish(c, NOTICE, notice_id, fields)


def publish_state(c: Any, notice_id: str, before: str | None) -> None:
    found = c.execute("SELECT state, sent_at FROM notices WHERE id = ?", (notice_id,)).fetchone()
    if found is not None and found[0] != before:
        publish(c, NOTICE, notice_id, {"state": found[0], "sent_at": found[1]})


def publish_handed(c: Any, notice_id: str, patient_ids: Sequence[str], outbox_id: str) -> None:
    publish(c, NOTICE, notice_id, {HANDED + outbox_id: sorted(set(patient_ids))})


def state(c: Any, notice_id: str) -> str | None:
    found = c.execute("SELECT state FROM notices WHERE id = ?", (notice_id,)).fetchone()
    return None if found is None else str(found[0])


def sent_elsewhere_sql(notice: str) -> str:
    """SQL: whether the notice whose id is ``notice`` (an expression) is another
    workstation's to send. ``:me`` is this workstation's account id, as JSON."""
    return (
        "EXISTS (SELECT 1 FROM journal_fields WHERE kind = 'notice_campaign' "
        f"AND entity = {notice} AND name = 'sender' AND value != :me)"
    )


def me(c: Any) -> str:
    return json.dumps(this_workstation(c))


# -- projecting the others' --------------------------------------------------------------


def project(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    here = state(c, entity)
    if here is None and not _insert(c, entity, values):
        return
    if here is not None and "state" in values:
        c.execute("UPDATE notices SET state = ?, sent_at = coalesce(?, sent_at) WHERE id = ?",
                  (values["state"], values.get("sent_at"), entity))
    for name, ids in values.items():
        if name.startswith(HANDED):
            _handed(c, entity, name[len(HANDED):], ids)
    if values.get("state") == "cancelled":
        c.execute("DELETE FROM notice_recipients WHERE notice_id = ? AND state = 'queued'",
                  (entity,))


def _insert(c: Any, entity: str, values: Mapping[str, Any]) -> bool:
    if "recipient_parts" not in values:
        return False  # the event naming the notice comes after its recipients
    parts = int(values["recipient_parts"])
    if any(f"recipients:{n}" not in values for n in range(parts)):
        return False
    author = values.get("author_id")
    if author is not None and c.execute(
        "SELECT 1 FROM practitioners WHERE id = ?", (author,)
    ).fetchone() is None:
        author = None
    c.execute(
        "INSERT INTO notices (id, kind, title, body, replies_allowed, audience, author_id, "
        "created_at, prepared_at, send_after, state, sent_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entity, values["kind"], values["title"], values["body"],
         int(bool(values["replies_allowed"])), values["audience"], author,
         values["created_at"], values["prepared_at"], values.get("send_after"),
         values.get("state") or "prepared", values.get("sent_at")),
    )
    ids = [pid for n in range(parts) for pid in values[f"recipients:{n}"]]
    c.executemany(
        "INSERT INTO notice_recipients (notice_id, patient_id) "
        "SELECT ?, id FROM patients WHERE id = ? ON CONFLICT DO NOTHING",
        ((entity, pid) for pid in ids),
    )
    return True


def _handed(c: Any, notice_id: str, outbox_id: str, patient_ids: Iterable[str]) -> None:
    c.executemany(
        "UPDATE notice_recipients SET state = 'handed_over', outbox_id = ?, "
        "handed_over_at = coalesce(handed_over_at, ?) "
        "WHERE notice_id = ? AND patient_id = ? AND state = 'queued'",
        ((outbox_id, _now(), notice_id, pid) for pid in patient_ids),
    )
    # A notice stopped here before its hand-over arrived dropped these recipients: they did
    # get their copy, so they are back, as handed over.
    c.executemany(
        "INSERT INTO notice_recipients (notice_id, patient_id, state, outbox_id, "
        "handed_over_at) SELECT ?, id, 'handed_over', ?, ? FROM patients WHERE id = ? "
        "ON CONFLICT DO NOTHING",
        ((notice_id, outbox_id, _now(), pid) for pid in patient_ids),
    )


def _now() -> str:
    from desktop.store.timestamps import now_db

    return now_db()


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every notice as this workstation knows it, for a store's first publication: it
    prepared them all, so it is their sender; what it handed over is one batch."""
    sender = this_workstation(c)
    for (notice_id,) in c.execute("SELECT id FROM notices ORDER BY prepared_at").fetchall():
        for fields in _prepared(c, notice_id, sender):
            yield NOTICE, notice_id, fields
        handed = [r[0] for r in c.execute(
            "SELECT patient_id FROM notice_recipients WHERE notice_id = ? AND state != 'queued' "
            "ORDER BY patient_id", (notice_id,))]
        for n in range(0, len(handed), RECIPIENTS_PER_PART):
            yield NOTICE, notice_id, {
                f"{HANDED}history-{n}": handed[n : n + RECIPIENTS_PER_PART]}


journal_projection.register(NOTICE, project)


def forget_patient(c: Any, patient_id: str) -> None:
    """Erasing a patient (desktop.store.erasure): his id leaves the notices' recipient and
    hand-over lists this journal holds, as it leaves their recipients."""
    needle = json.dumps(patient_id)
    for table, column, key_columns in (
        ("journal_fields", "value", ("kind", "entity", "name")),
        ("journal_events", "fields", ("client_id",)),
    ):
        keys = ", ".join(key_columns)
        rows = c.execute(
            f"SELECT {keys}, {column} FROM {table} WHERE kind = ? AND instr({column}, ?) > 0",
            (NOTICE, needle)).fetchall()
        for found in rows:
            value = _without(json.loads(found[-1]), patient_id)
            c.execute(
                f"UPDATE {table} SET {column} = ? WHERE "
                + " AND ".join(f"{k} = ?" for k in key_columns),
                (json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                 *found[:-1]))


def _without(value: Any, patient_id: str) -> Any:
    if isinstance(value, list):
        return [_without(v, patient_id) for v in value if v != patient_id]
    if isinstance(value, dict):
        return {k: _without(v, patient_id) for k, v in value.items()}
    return value
