"""Decisions taken once, in the store: a colleague's decision projected here, and ours
taken back when the practice's journal refused it (another workstation decided first).

A renewal decision and a conversation's change of state are journal events of the
FIRST_DECISION rule (desktop/core/decisions.py says what one decides). The workstation
that decides records its event in the transaction of its action, and what the patient
will read waits in the outbox until the relay has accepted the event. Here:

- :func:`project_renewal` / :func:`project_conversation_state`: the decision that stands,
  written into this store's tables (the request shows decided, by whom, when; the
  conversation takes its state). Called by the journal when a colleague's decision
  becomes the standing one, and by our own undo when the standing one was already here.
- :func:`undo_renewal` / :func:`undo_conversation_state`: our decision taken back — the
  request waits again (its prescription and unsent reply gone), the conversation goes
  back to the state before — then the standing decision, if it has arrived, is applied.

Functions of a connection, inside the journal's transaction (the caller holds the lock).
Both undo and project are safe to repeat: each looks at what the row holds first.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from desktop.core.decisions import CONVERSATION, RENEWAL, reopenings, round_rank
from desktop.core.journal import ROUND
from desktop.core.model import AuditAction, ConversationState
from desktop.core.renewal import PrescriptionLine, RenewalState
from desktop.store import audit
from desktop.store import conversations as conv
from desktop.store import journal_projection as projection
from desktop.store import renewals as ren
from desktop.store.checks import exists
from desktop.store.timestamps import from_db, now_db

log = logging.getLogger(__name__)

_REQUEST_COLUMNS = (
    "id, conversation_id, patient_id, practitioner_id, treatments, message, received_at, flags"
)


# -- what the journal holds -----------------------------------------------------------


def _fields(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw) if isinstance(raw, str | bytes) else dict(raw or {})
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def standing(c: Any, kind: str, entity: str, round_: str, but: str = "") -> dict[str, Any] | None:
    """The fields of the decision the relay kept for this kind, entity and round, if it is
    here: the first one in the journal's order (never one of ours still waiting)."""
    rows = c.execute(
        "SELECT client_id, fields FROM journal_events WHERE kind = ? AND entity = ? "
        "AND state != 'pending' AND client_id != ? ORDER BY seq IS NULL, seq",
        (kind, entity, but),
    ).fetchall()
    for _, raw in rows:
        fields = _fields(raw)
        if str(fields.get(ROUND, "")) == round_:
            return fields
    return None


def conversation_rounds(c: Any, conversation_id: str) -> list[str]:
    """The rounds decided for a conversation as this workstation knows them (ours waiting
    included: a close then a reopen offline are two rounds)."""
    rows = c.execute(
        "SELECT fields FROM journal_events WHERE kind = ? AND entity = ?",
        (CONVERSATION, conversation_id),
    ).fetchall()
    return [str(_fields(r[0]).get(ROUND, "")) for r in rows]


def conversation_reopenings(c: Any, conversation_id: str) -> int:
    return reopenings(conversation_rounds(c, conversation_id))


def decided_after(c: Any, conversation_id: str, event_id: str) -> bool:
    """Whether the journal knows a later round of this conversation than the one whose
    change has relay id ``event_id`` (False when that change is not in the journal).

    The relay echoes each change into the practice's mailbox; an echo that arrives after
    the practice has already decided again here (an accept whose echo comes once the
    conversation is closed) must not put the older state back: the later change's own
    echo follows, or its refusal undoes it (``undo_conversation_state``)."""
    rounds = []
    own = None
    for (raw,) in c.execute(
        "SELECT fields FROM journal_events WHERE kind = ? AND entity = ?",
        (CONVERSATION, conversation_id),
    ):
        fields = _fields(raw)
        rounds.append(round_rank(str(fields.get(ROUND, ""))))
        if fields.get("event_id") == event_id:
            own = rounds[-1]
    return own is not None and max(rounds) > own


# -- renewal requests -----------------------------------------------------------------


def _request_row(c: Any, request_id: str) -> Any:
    return c.execute(
        "SELECT state, decided_by, decision_message_id, conversation_id FROM renewal_requests "
        "WHERE id = ?",
        (request_id,),
    ).fetchone()


def _is(row: Any, fields: Mapping[str, Any]) -> bool:
    """Whether the request's recorded decision is the one these fields describe."""
    return bool(
        row is not None
        and row[0] == fields.get("decision")
        and row[1] == fields.get("author_id")
        and row[2] == fields.get("message_id")
    )


def _back_to_waiting(c: Any, request_id: str) -> None:
    """The request waits again. A decision is taken once, and a trigger says so to any code
    that would UPDATE it (migrations V3); a decision the practice's journal refused was
    never taken — the one exception — so the row is written again as it came."""
    kept = c.execute(
        f"SELECT {_REQUEST_COLUMNS} FROM renewal_requests WHERE id = ?", (request_id,)
    ).fetchone()
    if kept is None:
        return
    c.execute("DELETE FROM prescriptions WHERE renewal_request_id = ?", (request_id,))
    c.execute("DELETE FROM renewal_requests WHERE id = ?", (request_id,))
    c.execute(
        f"INSERT INTO renewal_requests ({_REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        tuple(kept),
    )


def _drop_waiting(c: Any, client_id: str) -> None:
    """The messages that waited on a decision taken back (a reply that accepted a request,
    a renewal's answer) go from the thread with their requests and documents: they never
    left, and the patient must not get them."""
    rows = c.execute(
        "SELECT id, path FROM outbox WHERE after_journal = ?", (client_id,)
    ).fetchall()
    for outbox_id, path in rows:
        if str(path).endswith("/messages"):
            for (upload,) in c.execute(
                "SELECT id FROM outbox WHERE json_extract(body, '$.message_id') = ?",
                (outbox_id,),
            ).fetchall():
                c.execute("DELETE FROM outbox WHERE id = ?", (upload,))
            _remove_unsent(c, outbox_id)
        c.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))


def _remove_unsent(c: Any, message_id: Any) -> None:
    """Our reply that carried a decision taken back: it never left, it goes from the thread."""
    if not isinstance(message_id, str):
        return
    row = c.execute("SELECT sender, delivery FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is not None and tuple(row) == ("practice", "pending"):
        c.execute("DELETE FROM documents WHERE message_id = ?", (message_id,))
        conv.remove_unsent(c, message_id)


def project_renewal(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    """The standing decision on a renewal request, recorded here: the request leaves the
    queue, decided by the colleague named, at the moment of the decision. Ours, if we had
    decided it too and are still waiting for the relay's answer, is taken back first (the
    relay will refuse it: the decision key is taken)."""
    row = _request_row(c, entity)
    if row is None:
        return  # the request itself has not come yet: recorded on arrival (request_arrived)
    if _is(row, values):
        _complete(c, entity, values)
        return
    author = str(values.get("author_id") or "")
    try:
        state = RenewalState(str(values.get("decision")))
    except ValueError:
        log.warning("renewal decision %s of an unknown kind, not applied", entity)
        return
    if not state.decided or not exists(c, "practitioners", author):
        log.warning("renewal decision %s by a person not here yet, not applied", entity)
        return
    if row[0] != str(RenewalState.RECEIVED):
        _take_back_request(c, entity, row)
    c.execute(
        "UPDATE renewal_requests SET state = ?, decided_by = ?, decided_at = ?, "
        "decision_text = ?, override_reason = ?, flags = ?, decision_message_id = ? "
        "WHERE id = ?",
        (
            str(state), author, str(values.get("decided_at") or now_db()),
            str(values.get("text") or ""), values.get("override_reason"),
            _flags_json(values),
            values.get("message_id"), entity,
        ),
    )


def _complete(c: Any, entity: str, values: Mapping[str, Any]) -> None:
    """The decision is recorded (from the patient's message); what only the journal says is
    filled in: the flags as they stood, and the reason to set them aside."""
    c.execute(
        "UPDATE renewal_requests SET override_reason = ?, flags = ? WHERE id = ?",
        (values.get("override_reason"), _flags_json(values), entity),
    )


def _flags_json(values: Mapping[str, Any]) -> str:
    return json.dumps(values.get("flags") or [], ensure_ascii=False, separators=(",", ":"))


def _take_back_request(c: Any, entity: str, row: Any) -> None:
    _remove_unsent(c, row[2])
    _back_to_waiting(c, entity)


def undo_renewal(c: Any, entity: str, event: Any) -> None:
    """Our decision on a renewal request, refused by the relay: taken back (prescription,
    unsent reply), audited, and the colleague's decision applied if it is here."""
    fields = dict(event.fields)
    _drop_waiting(c, event.client_id)
    row = _request_row(c, entity)
    if _is(row, fields):
        _take_back_request(c, entity, row)
        audit.record(
            c, AuditAction.DECISION_TAKEN_BACK, _person(c, fields.get("author_id")),
            conversation_id=row[3], detail=f"renewal {fields.get('decision')}",
        )
    winner = standing(c, RENEWAL, entity, str(fields.get(ROUND, "")), but=event.client_id)
    if winner is not None:
        project_renewal(c, entity, winner)


def request_arrived(c: Any, request_id: str) -> None:
    """A patient's request has just been stored: a decision on it that came through the
    journal first (a new workstation's first sync) is applied now."""
    winner = standing(c, RENEWAL, request_id, "")
    if winner is not None:
        project_renewal(c, request_id, winner)


def colleague_decision(
    c: Any, request_id: str, message_id: str, state: RenewalState, author_id: str, text: str,
    decided_at: str, lines: tuple[PrescriptionLine, ...], pdf: bytes | None,
    prescription_id: str,
) -> bool:
    """A colleague's decision reaching this workstation as the message the patient got (the
    relay's mailbox; it left only once the journal kept the decision): recorded here if the
    journal has not brought it yet, and an approval's PDF kept as the prescription. The
    journal's event completes it when it comes (the override's reason). ``False`` when the
    request is not here, or shows another decision (ours, waiting for the relay's answer)."""
    row = _request_row(c, request_id)
    if row is None or not exists(c, "practitioners", author_id):
        return False
    if row[0] == str(RenewalState.RECEIVED):
        c.execute(
            "UPDATE renewal_requests SET state = ?, decided_by = ?, decided_at = ?, "
            "decision_text = ?, decision_message_id = ? WHERE id = ?",
            (str(state), author_id, decided_at, text, message_id, request_id),
        )
    elif row[2] != message_id:
        return False
    if state is not RenewalState.APPROVED or pdf is None or c.execute(
        "SELECT 1 FROM prescriptions WHERE renewal_request_id = ?", (request_id,)
    ).fetchone():
        return True
    patient, decided_by, decided = c.execute(
        "SELECT patient_id, decided_by, decided_at FROM renewal_requests WHERE id = ?",
        (request_id,),
    ).fetchone()
    ren.add_prescription(
        c, patient, decided_by, lines, pdf, renewal_request_id=request_id,
        message_id=message_id, id=prescription_id, issued_at=from_db(decided),
    )
    return True


# -- conversations ----------------------------------------------------------------------


def _latest_round(c: Any, conversation_id: str) -> int:
    return max((round_rank(r) for r in conversation_rounds(c, conversation_id)), default=-1)


def _state_of(c: Any, conversation_id: str) -> str | None:
    row = c.execute("SELECT state FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return None if row is None else str(row[0])


def project_conversation_state(
    c: Any, entity: str, values: Mapping[str, Any], event: Any = None
) -> None:
    """The standing decision of a round, applied: the conversation takes its state, unless
    this workstation already knows a later round (a close that arrives after the reopen
    that followed it changes nothing). The relay's mailbox brings the same state to every
    workstation; this is what settles it when the mailbox came first and our own change,
    now refused, had put something else."""
    current = _state_of(c, entity)
    if current is None:
        return  # the conversation has not come yet: the mailbox brings it with its state
    try:
        target = ConversationState(str(values.get("state")))
    except ValueError:
        return
    if round_rank(str(values.get(ROUND, ""))) < _latest_round(c, entity):
        return
    if current != str(target):
        conv.set_conversation_state(c, entity, target)


def undo_conversation_state(c: Any, entity: str, event: Any) -> None:
    """Our accept / decline / close / reopen, refused by the relay: the reason we wrote for
    a decline goes from the thread (it never left), the conversation goes back to the state
    before — or takes the colleague's decision, if it has arrived."""
    fields = dict(event.fields)
    current = _state_of(c, entity)
    if current is None:
        return
    if fields.get("state") == ConversationState.OPEN and fields.get("from") == "requested":
        # Our acceptance came second: a reply written with it is not a decision (two people
        # may answer one patient), so it is not taken back — it leaves now, and the relay
        # takes it if the colleague accepted too, or refuses it if they declined, which
        # the window shows on the reply ("not sent") with its text kept.
        c.execute(
            "UPDATE outbox SET after_journal = NULL WHERE after_journal = ? "
            "AND method = 'POST' AND path LIKE '%/messages'", (event.client_id,))
    _drop_waiting(c, event.client_id)
    _remove_unsent(c, fields.get("event_id"))
    round_ = str(fields.get(ROUND, ""))
    later = [
        r for r in conversation_rounds(c, entity)
        if round_rank(r) > round_rank(round_)
    ]
    audit.record(
        c, AuditAction.DECISION_TAKEN_BACK, _person(c, fields.get("author_id")),
        conversation_id=entity, detail=f"conversation {fields.get('state')}",
    )
    winner = standing(c, CONVERSATION, entity, round_, but=event.client_id)
    if winner is not None:
        project_conversation_state(c, entity, winner)
    elif not later and current == fields.get("state"):
        before = fields.get("from")
        if isinstance(before, str) and before in {s.value for s in ConversationState}:
            conv.set_conversation_state(c, entity, before)


def _person(c: Any, person_id: Any) -> str | None:
    return person_id if isinstance(person_id, str) and exists(c, "practitioners", person_id) \
        else None


projection.register(RENEWAL, project_renewal)
projection.register_undo(RENEWAL, undo_renewal)
projection.register(CONVERSATION, project_conversation_state)
projection.register_undo(CONVERSATION, undo_conversation_state)
