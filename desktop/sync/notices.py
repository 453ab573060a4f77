"""Broadcasting a notice from the workstation, and what comes back from the patients.

Preparing records the notice and its recipients (chosen here, from the
practice's own records) in one local transaction. Sending seals one copy per
recipient on this workstation and hands them to the outbox in batches: each
batch is sealed first (outside any transaction, so the store is not held
while the CPU works), then queued in the outbox and its recipients marked
``handed_over`` in ONE transaction. Killed at any point, the workstation
resumes with exactly the recipients still ``queued``: nobody is sealed for
twice into the outbox, and the relay's once-per-(notice, patient) rule makes
an outbox row sent twice harmless.

Scheduling: a notice prepared with ``send_after`` waits. Nothing sends it by
itself: the window calls :func:`send_due` (``Workstation.send_due_notices``)
on its worker, at start-up (which also resumes a send the workstation was
closed in the middle of) and then every minute or so. Sealing needs the
practice's private keys, which only a running workstation has.

Receipts, the patients' preferences and their replies come back through the
practice mailbox; :mod:`desktop.sync.apply` hands those events to the
``apply_*`` functions here.

The workstation's methods (``Workstation.prepare_notice`` and the others) call
these functions; they live here to keep ``workstation`` readable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from desktop.core.errors import EnvelopeRejected, PasserelleError
from desktop.core.model import Patient
from desktop.core.notices import (
    Audience,
    Notice,
    NoticeCampaign,
    NoticeKind,
    NoticeState,
    NoticeStatistics,
    RecipientState,
    select,
    unfilled,
)
from desktop.core.rights import Right
from desktop.crypto import open_envelope, seal_envelope
from desktop.store import Store
from desktop.store.notices import QueuedRecipient
from desktop.sync.client import API, b64, unb64
from desktop.sync.content import MAX_BODY_BYTES, now_utc
from desktop.sync.notice_content import (
    notice_content,
    notice_context,
    preferences_context,
    read_preferences,
)

if TYPE_CHECKING:
    from desktop.crypto import Identity
    from desktop.sync.practice_keys import PracticeKeys
    from desktop.sync.workstation import Workstation

BATCH = 500  # the relay's limit on copies per request
# A request must fit the relay's body limit: room is kept for the JSON around the copies.
MAX_REQUEST_BYTES = MAX_BODY_BYTES - 16 * 1024
_ITEM_OVERHEAD = len('{"envelope":"","patient_id":"00000000-0000-0000-0000-000000000000"},')

Cancel = Callable[[], bool] | threading.Event


class NoticeRefused(PasserelleError):
    """A notice that cannot be prepared or sent as asked; nothing was stored or sent."""


@dataclass(frozen=True, slots=True)
class NoticeProgress:
    """How far the sending of a notice got: for a progress bar, and to resume."""

    notice_id: str
    recipients: int
    handed_over: int
    #: Outbox requests this call queued (one per batch, more when copies are large).
    requests: int = 0
    cancelled: bool = False

    @property
    def remaining(self) -> int:
        return self.recipients - self.handed_over

    @property
    def done(self) -> bool:
        return self.remaining == 0


# -- preparing ------------------------------------------------------------------------------


def audience_of(
    ws: Workstation, audience: Audience, kind: NoticeKind | str, today: date | None = None
) -> list[Patient]:
    """Who a notice of ``kind`` for ``audience`` would go to today: the live count and the
    preview before sending. Nothing is stored."""
    try:
        return select(ws.store.patients(), audience, today or date.today(), kind)
    except ValueError as exc:  # InvalidField: an absurd criterion
        raise NoticeRefused(str(exc)) from None


def _reply_author(ws: Workstation, notice: Notice, author_id: str | None) -> str | None:
    """Who a reply to the notice goes to: its author, who must accept messaging."""
    if author_id is not None and ws.store.practitioner(author_id) is None:
        raise NoticeRefused("No such practitioner in this practice.")
    if not notice.replies_allowed:
        return None
    author = ws.store.practitioner(author_id) if author_id else None
    if author is None or not author.accepts_messaging:
        raise NoticeRefused(
            "Replies go to the notice's author, who must accept messaging: choose one who "
            "does, or send the notice without replies."
        )
    return author.id


def prepare(
    ws: Workstation,
    notice: Notice,
    audience: Audience,
    author_id: str | None = None,
    send_after: datetime | None = None,
    today: date | None = None,
) -> int:
    """See :meth:`desktop.sync.workstation.Workstation.prepare_notice`."""
    # Anyone of the practice may prepare one; its author_id is who replies go to.
    ws.acting(Right.NOTICES)
    if not isinstance(notice, Notice):
        raise NoticeRefused("Build the notice with Notice.new() or from a template.")
    blanks = unfilled(notice.title + "\n" + notice.text)
    if blanks:
        raise NoticeRefused(f"Fill in the template's blanks first: {', '.join(blanks)}.")
    if send_after is not None and (send_after.tzinfo is None or send_after.utcoffset() is None):
        raise NoticeRefused("A scheduled time needs its time zone.")
    _reply_author(ws, notice, author_id)
    chosen = audience_of(ws, audience, notice.kind, today)
    if not chosen:
        raise NoticeRefused("No enrolled patient matches this audience: nothing to send.")
    try:
        return ws.store.add_notice(notice, audience, [p.id for p in chosen], author_id, send_after)
    except PasserelleError as exc:
        raise NoticeRefused(str(exc)) from None


# -- sending ----------------------------------------------------------------------------------


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _campaign(ws: Workstation, notice_id: str) -> NoticeCampaign:
    found = ws.store.notice(notice_id)
    if found is None:
        raise NoticeRefused("No such notice.")
    if found.state is NoticeState.CANCELLED:
        raise NoticeRefused("This notice was cancelled: it is not sent any further.")
    return found


def _progress(ws: Workstation, notice_id: str, requests: int, cancelled: bool) -> NoticeProgress:
    stats = ws.store.notice_statistics(notice_id)
    return NoticeProgress(notice_id, stats.recipients, stats.handed_over, requests, cancelled)


def seal_copies(
    identity: Identity | PracticeKeys,
    notice_id: str,
    content: bytes,
    recipients: Sequence[QueuedRecipient],
) -> list[dict[str, str]]:
    """One sealed copy per recipient, to him and the practice, signed by the practice."""
    practice_pk, sign_key = identity.enc_pk, identity.sign_key
    return [
        {
            "patient_id": r.relay_patient_id,
            "envelope": b64(
                seal_envelope(
                    content,
                    notice_context(notice_id, r.relay_patient_id),
                    sign_key,
                    [r.enc_pk, practice_pk],
                )
            ),
        }
        for r in recipients
    ]


def split_by_size(
    copies: Sequence[dict[str, str]], limit: int = MAX_REQUEST_BYTES
) -> list[list[int]]:
    """Indexes of ``copies`` in runs whose request fits ``limit`` bytes."""
    runs: list[list[int]] = [[]]
    size = 0
    for n, copy in enumerate(copies):
        item = len(copy["envelope"]) + _ITEM_OVERHEAD
        if item > limit:
            raise NoticeRefused("This notice is too large for the relay: shorten it.")
        if runs[-1] and size + item > limit:
            runs.append([])
            size = 0
        runs[-1].append(n)
        size += item
    return [run for run in runs if run]


def send_batches(
    ws: Workstation,
    notice_id: str,
    batch: int = BATCH,
    cancel: Cancel | None = None,
    on_progress: Callable[[NoticeProgress], None] | None = None,
    timings: dict[str, float] | None = None,
) -> NoticeProgress:
    """See :meth:`desktop.sync.workstation.Workstation.send_notice_batch`."""
    if not 1 <= batch <= BATCH:
        raise NoticeRefused(f"A batch holds 1 to {BATCH} recipients.")
    campaign = _campaign(ws, notice_id)
    if campaign.state is NoticeState.SENT:
        return _progress(ws, notice_id, 0, False)
    reply_to = _reply_author(ws, campaign.notice, campaign.author_id)
    # The same document for every batch, resumed or not: sent "at" the notice's time.
    sent_at = max(campaign.prepared_at, campaign.send_after or campaign.prepared_at)
    content = notice_content(campaign.notice, reply_to, sent_at)
    path = f"{API}/notices/{notice_id}/deliveries"
    requests = 0
    while True:
        if _cancelled(cancel):
            progress = _progress(ws, notice_id, requests, True)
            if on_progress is not None:
                on_progress(progress)
            return progress
        recipients = ws.store.queued_notice_recipients(notice_id, batch)
        if not recipients:
            break
        with _timed(timings, "encrypting"):
            copies = seal_copies(ws.identity, notice_id, content, recipients)
        with _timed(timings, "outbox"), ws.store.transaction():
            if ws.store.notice(notice_id).state is NoticeState.CANCELLED:  # type: ignore[union-attr]
                raise NoticeRefused("This notice was cancelled while it was being sent.")
            for run in split_by_size(copies):
                outbox_id = ws.store.enqueue("POST", path, {"items": [copies[n] for n in run]})
                ws.store.hand_over_notice(
                    notice_id, [recipients[n].patient_id for n in run], outbox_id
                )
                requests += 1
            ws.store.set_notice_state(notice_id, NoticeState.SENDING)
        if on_progress is not None:
            on_progress(_progress(ws, notice_id, requests, False))
    ws.store.set_notice_state(notice_id, NoticeState.SENT)
    progress = _progress(ws, notice_id, requests, False)
    if on_progress is not None:
        on_progress(progress)
    return progress


def send_due(
    ws: Workstation,
    now: datetime | None = None,
    cancel: Cancel | None = None,
    on_progress: Callable[[NoticeProgress], None] | None = None,
) -> list[NoticeProgress]:
    """See :meth:`desktop.sync.workstation.Workstation.send_due_notices`."""
    done = []
    for campaign in ws.store.due_notices(now or now_utc()):
        progress = send_batches(ws, campaign.id, cancel=cancel, on_progress=on_progress)
        done.append(progress)
        if progress.cancelled:
            break
    return done


@contextmanager
def _timed(totals: dict[str, float] | None, step: str) -> Iterator[None]:
    """Add the time spent in ``step`` to ``totals``, when given (the benchmark gives it)."""
    if totals is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        totals[step] = totals.get(step, 0.0) + time.perf_counter() - started


# -- what comes back ----------------------------------------------------------------------------


def _field(event: dict[str, Any], name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str):
        raise EnvelopeRejected(f"event without a valid {name}")
    return value


def _patient(store: Store, event: dict[str, Any]) -> Patient:
    patient = store.patient_by_relay_id(_field(event, "patient_id"))
    if patient is None:
        raise EnvelopeRejected("a notice event about a patient this practice has not enrolled")
    return patient


def apply_receipt(store: Store, event: dict[str, Any]) -> str | None:
    """A ``notice_receipt`` event: the recipient moves forward. Returns the notice's id if
    its statistics changed."""
    patient = _patient(store, event)
    notice_id = _field(event, "notice_id")
    try:
        state = RecipientState(_field(event, "receipt"))
    except ValueError:
        raise EnvelopeRejected("an unknown notice receipt") from None
    if state not in (RecipientState.DELIVERED, RecipientState.READ):
        raise EnvelopeRejected("an unknown notice receipt")
    return notice_id if store.record_notice_receipt(notice_id, patient.id, state) else None


def apply_preferences(store: Store, recipient: Any, event: dict[str, Any]) -> str | None:
    """A ``notice_preferences`` event: the patient's sealed choice, opened with the
    practice's key and checked against his own signing key, goes onto his record (audited
    as an edit by nobody of the practice). Returns the patient's id if it changed."""
    patient = _patient(store, event)
    keys = store.patient_keys(patient.id)
    if keys is None:
        raise EnvelopeRejected("notice preferences from a patient without keys")
    raw = open_envelope(
        unb64(_field(event, "envelope")),
        preferences_context(_field(event, "patient_id"), _field(event, "id")),
        recipient,
        [keys[1]],
    )
    opt_out = read_preferences(raw)
    if patient.notices_opt_out == opt_out:
        return None
    store.update_patient(patient.id, notices_opt_out=opt_out)
    return patient.id


def apply_reply(
    store: Store, doc: dict[str, Any], patient_id: str, conversation_id: str
) -> str | None:
    """A request whose sealed content names a notice: the patient's reply to it. Returns
    the notice's id if it was recorded (a notice that takes replies, sent to him)."""
    notice_id = doc.get("notice_id")
    if not isinstance(notice_id, str):
        return None
    return notice_id if store.record_notice_reply(notice_id, patient_id, conversation_id) else None


# -- looking at it ------------------------------------------------------------------------------


def statistics(ws: Workstation, notice_id: str) -> NoticeStatistics:
    if ws.store.notice(notice_id) is None:
        raise NoticeRefused("No such notice.")
    return ws.store.notice_statistics(notice_id)
