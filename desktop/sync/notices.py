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
itself: the window calls :meth:`Notices.send_due` (``Workstation.notices``)
on its worker, at start-up (which also resumes a send the workstation was
closed in the middle of) and then every minute or so. Sealing needs the
practice's private keys, which only a running workstation has.

Receipts, the patients' preferences and their replies come back through the
practice mailbox; :mod:`desktop.sync.apply` hands those events to the
``apply_*`` functions here.

``Notices`` is the feature's service over the practice's context; the workstation
builds one (``Workstation.notices``) and the window calls it. The functions below take
the context itself, for the benchmark, which times the steps of a send.
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
    from desktop.sync.practice_context import PracticeContext
    from desktop.sync.practice_keys import PracticeKeys

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
    ctx: PracticeContext, audience: Audience, kind: NoticeKind | str, today: date | None = None
) -> list[Patient]:
    """Who a notice of ``kind`` for ``audience`` would go to today: the live count and the
    preview before sending. Nothing is stored."""
    try:
        return select(ctx.store.patients(), audience, today or date.today(), kind)
    except ValueError as exc:  # InvalidField: an absurd criterion
        raise NoticeRefused(str(exc)) from None


def _reply_author(ctx: PracticeContext, notice: Notice, author_id: str | None) -> str | None:
    """Who a reply to the notice goes to: its author, who must accept messaging."""
    if author_id is not None and ctx.store.practitioner(author_id) is None:
        raise NoticeRefused("No such practitioner in this practice.")
    if not notice.replies_allowed:
        return None
    author = ctx.store.practitioner(author_id) if author_id else None
    if author is None or not author.accepts_messaging:
        raise NoticeRefused(
            "Replies go to the notice's author, who must accept messaging: choose one who "
            "does, or send the notice without replies."
        )
    return author.id


def prepare(
    ctx: PracticeContext,
    notice: Notice,
    audience: Audience,
    author_id: str | None = None,
    send_after: datetime | None = None,
    today: date | None = None,
) -> int:
    """See :meth:`Notices.prepare`."""
    # Anyone of the practice may prepare one; its author_id is who replies go to.
    ctx.acting(Right.NOTICES)
    if not isinstance(notice, Notice):
        raise NoticeRefused("Build the notice with Notice.new() or from a template.")
    blanks = unfilled(notice.title + "\n" + notice.text)
    if blanks:
        raise NoticeRefused(f"Fill in the template's blanks first: {', '.join(blanks)}.")
    if send_after is not None and (send_after.tzinfo is None or send_after.utcoffset() is None):
        raise NoticeRefused("A scheduled time needs its time zone.")
    _reply_author(ctx, notice, author_id)
    chosen = audience_of(ctx, audience, notice.kind, today)
    if not chosen:
        raise NoticeRefused("No enrolled patient matches this audience: nothing to send.")
    try:
        return ctx.store.add_notice(notice, audience, [p.id for p in chosen], author_id, send_after)
    except PasserelleError as exc:
        raise NoticeRefused(str(exc)) from None


# -- sending ----------------------------------------------------------------------------------


def _cancelled(cancel: Cancel | None) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def _campaign(ctx: PracticeContext, notice_id: str) -> NoticeCampaign:
    found = ctx.store.notice(notice_id)
    if found is None:
        raise NoticeRefused("No such notice.")
    if found.state is NoticeState.CANCELLED:
        raise NoticeRefused("This notice was cancelled: it is not sent any further.")
    return found


def _progress(
    ctx: PracticeContext, notice_id: str, requests: int, cancelled: bool
) -> NoticeProgress:
    stats = ctx.store.notice_statistics(notice_id)
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
    ctx: PracticeContext,
    notice_id: str,
    batch: int = BATCH,
    cancel: Cancel | None = None,
    on_progress: Callable[[NoticeProgress], None] | None = None,
    timings: dict[str, float] | None = None,
) -> NoticeProgress:
    """See :meth:`Notices.send_batch`; ``timings``: where the benchmark adds up each step."""
    if not 1 <= batch <= BATCH:
        raise NoticeRefused(f"A batch holds 1 to {BATCH} recipients.")
    campaign = _campaign(ctx, notice_id)
    if campaign.state is NoticeState.SENT:
        return _progress(ctx, notice_id, 0, False)
    reply_to = _reply_author(ctx, campaign.notice, campaign.author_id)
    # The same document for every batch, resumed or not: sent "at" the notice's time.
    sent_at = max(campaign.prepared_at, campaign.send_after or campaign.prepared_at)
    content = notice_content(campaign.notice, reply_to, sent_at)
    path = f"{API}/notices/{notice_id}/deliveries"
    requests = 0
    while True:
        if _cancelled(cancel):
            progress = _progress(ctx, notice_id, requests, True)
            if on_progress is not None:
                on_progress(progress)
            return progress
        recipients = ctx.store.queued_notice_recipients(notice_id, batch)
        if not recipients:
            break
        with _timed(timings, "encrypting"):
            copies = seal_copies(ctx.identity, notice_id, content, recipients)
        with _timed(timings, "outbox"), ctx.store.transaction():
            if ctx.store.notice(notice_id).state is NoticeState.CANCELLED:  # type: ignore[union-attr]
                raise NoticeRefused("This notice was cancelled while it was being sent.")
            for run in split_by_size(copies):
                outbox_id = ctx.store.enqueue("POST", path, {"items": [copies[n] for n in run]})
                ctx.store.hand_over_notice(
                    notice_id, [recipients[n].patient_id for n in run], outbox_id
                )
                requests += 1
            ctx.store.set_notice_state(notice_id, NoticeState.SENDING)
        if on_progress is not None:
            on_progress(_progress(ctx, notice_id, requests, False))
    ctx.store.set_notice_state(notice_id, NoticeState.SENT)
    progress = _progress(ctx, notice_id, requests, False)
    if on_progress is not None:
        on_progress(progress)
    return progress


def send_due(
    ctx: PracticeContext,
    now: datetime | None = None,
    cancel: Cancel | None = None,
    on_progress: Callable[[NoticeProgress], None] | None = None,
) -> list[NoticeProgress]:
    """See :meth:`Notices.send_due`."""
    done = []
    for campaign in ctx.store.due_notices(now or now_utc()):
        progress = send_batches(ctx, campaign.id, cancel=cancel, on_progress=on_progress)
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


def statistics(ctx: PracticeContext, notice_id: str) -> NoticeStatistics:
    if ctx.store.notice(notice_id) is None:
        raise NoticeRefused("No such notice.")
    return ctx.store.notice_statistics(notice_id)


class Notices:
    """Preventive notices and practice news broadcast to chosen patients, over the
    practice's context."""

    def __init__(self, ctx: PracticeContext) -> None:
        self.ctx = ctx

    def audience(
        self, audience: Audience, kind: NoticeKind | str, today: date | None = None
    ) -> list[Patient]:
        """The patients a notice of ``kind`` for ``audience`` would reach on ``today``: the
        live count and the preview before sending. Nothing is stored."""
        return audience_of(self.ctx, audience, kind, today)

    def prepare(
        self,
        notice: Notice,
        audience: Audience,
        author_id: str | None = None,
        send_after: datetime | None = None,
        today: date | None = None,
    ) -> int:
        """Record the notice and choose its recipients, in ONE transaction; returns how many.

        Recipients: the enrolled patients matching ``audience`` on ``today``,
        minus those who opted out for a preventive notice. Nothing is sealed
        or sent yet (:meth:`send_batch`, or :meth:`send_due` once
        ``send_after`` has passed). Refused (``NoticeRefused``, nothing
        stored): a template's blank left unfilled, nobody in the audience,
        replies allowed without an ``author_id`` who accepts messaging (the
        replies go to him). Audited (``notice_prepared``).
        """
        return prepare(self.ctx, notice, audience, author_id, send_after, today)

    def send_batch(
        self,
        notice_id: str,
        batch: int = BATCH,
        cancel: Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> NoticeProgress:
        """Seal the notice for its recipients still queued and hand them to the outbox,
        ``batch`` at a time, each batch in one transaction; returns how far it got.

        Resumes where a previous call (or a killed workstation) stopped; ``cancel``
        (an Event, or a function returning True) is looked at between batches, and
        the recipients left stay queued for a later call. ``on_progress`` is called
        after each batch (on this thread): a good moment to wake the sync engine.
        """
        return send_batches(self.ctx, notice_id, batch, cancel, on_progress)

    def send_due(
        self,
        now: datetime | None = None,
        cancel: Cancel | None = None,
        on_progress: Callable[[NoticeProgress], None] | None = None,
    ) -> list[NoticeProgress]:
        """Send every notice that is due: scheduled ones whose time has come, and any send
        left halfway. The window calls this at start-up and every minute or so."""
        return send_due(self.ctx, now, cancel, on_progress)

    def cancel(self, notice_id: str, actor_id: str | None = None) -> int:
        """Stop a notice: recipients not yet handed over get nothing (returns how many).
        Audited (``notice_cancelled``)."""
        actor_id = self.ctx.acting(Right.NOTICES, actor_id).id
        return self.ctx.store.cancel_notice(notice_id, actor_id)

    def statistics(self, notice_id: str) -> NoticeStatistics:
        """How far a notice went: handed over, delivered, read, replied to."""
        return statistics(self.ctx, notice_id)
