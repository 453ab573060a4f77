"""Turning the practice mailbox's events into store rows.

Every event is checked before it changes anything: an envelope that fails its
signature, an event that names an unknown patient or is malformed is recorded
in ``rejected_envelopes`` (a person can look at it) and skipped. The cursor
still moves past it, since retrying would not make it valid.

A first sync brings tens of thousands of patients' messages, so a page is
applied in two steps. Opening its envelopes (verifying and decrypting: most
of the CPU) needs no store and may run ahead, on other threads
(:meth:`PracticeMailbox.open_ahead`). Applying then goes through the events in
order in one transaction; the patients' messages that follow one another wait
in a run and go into the store together (one query, one ``executemany``)
before any other kind of event, which may read or change what they depend on.

An event the store refuses (an empty id, a value out of its rules) is set
aside like a bad envelope; the rest of the page and its cursor still go in,
so that one bad event does not stop sync for good. Each message of a run is
checked before it waits, so the run goes in at once; any other event goes in
a savepoint of its own, undone alone if refused. Should the store still
refuse a run as a whole, the page is applied again, one event at a time.
But a store that fails (a full disk, a damaged file) fails the page, to be
tried again: that is no fault of the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from desktop.core.errors import (
    DiskFull,
    EnvelopeRejected,
    RelayError,
    StoreDamaged,
    StoreError,
)
from desktop.core.model import ConversationState, DeliveryState, Sender
from desktop.crypto import Identity, open_envelope
from desktop.crypto import invitation as inv
from desktop.crypto.envelope import envelope_signer, message_context, state_context
from desktop.store import Store
from desktop.store.conversations import check_message_row
from desktop.store.documents import DocumentStore, StoredDocument
from desktop.sync import decisions, key_change, notices, receipts
from desktop.sync.client import API, unb64
from desktop.sync.content import decode, parse_time, read_renewal_request, urgent_wording
from desktop.sync.practice_keys import PracticeKeys


class Rejected(Exception):
    """An event that must not change the store; the message says why."""


class _RunRefused(Exception):
    """The store refused a run of messages as a whole: the page is applied again, slowly."""


# A driver error of these kinds is the event's fault (a constraint, a value
# SQLite cannot take); any other (a full disk, I/O, a damaged file, a lock) is
# the store's, and the page must wait for it to be fixed.
_EVENT_FAULTS = ("SQLITE_CONSTRAINT", "SQLITE_MISMATCH", "SQLITE_TOOBIG", "SQLITE_RANGE")


def refused_by_store(exc: StoreError) -> bool:
    """Whether the store refused what it was given, rather than failed to write it.

    The store's own checks raise ``StoreError`` with no driver error behind it.
    """
    if isinstance(exc, (DiskFull, StoreDamaged)):
        return False
    name = getattr(exc.__cause__, "sqlite_errorname", None)
    if name is None:
        return not _is_driver_error(exc.__cause__)
    return str(name).startswith(_EVENT_FAULTS)


def _is_driver_error(exc: BaseException | None) -> bool:
    return exc is not None and type(exc).__module__.startswith(("sqlcipher3", "sqlite3"))


@dataclass
class Applied:
    """What a page of events changed, so that a window refreshes only that."""

    new_messages: list[str] = field(default_factory=list)
    conversations: set[str] = field(default_factory=set)
    patients: set[str] = field(default_factory=set)
    rejected: int = 0
    #: Notices whose statistics moved (receipts, replies).
    notices: set[str] = field(default_factory=set)
    #: Documents newly announced, to download.
    documents: list[str] = field(default_factory=list)

    def merge(self, other: Applied) -> None:
        self.documents += other.documents
        self.new_messages += other.new_messages
        self.conversations |= other.conversations
        self.patients |= other.patients
        self.rejected += other.rejected
        self.notices |= other.notices


def _field(event: dict[str, Any], name: str, kind: type = str) -> Any:
    value = event.get(name)
    if not isinstance(value, kind):
        raise Rejected(f"event without a valid {name}")
    return value


# -- opening envelopes ahead -------------------------------------------------------


# What each kind of event carries in its envelope: the type ``decode`` expects.
# State changes carry one rarely, and are opened when applied.
_DOCUMENT_OF = {"message": "message", "conversation_requested": "request"}

_Job = tuple[str, bytes, str]  # envelope (base64), context, document type


@dataclass(frozen=True)
class _Ahead:
    """One envelope opened ahead: the key it claims, and what that key let us read."""

    signer: bytes
    doc: dict[str, Any] | None
    error: EnvelopeRejected | None


def _read(envelope: bytes, context: bytes, recipient: Any, signer: bytes, kind: str) -> Any:
    """Open the envelope, trusting ``signer`` only, and decode the document inside."""
    return decode(open_envelope(envelope, context, recipient, [signer]), kind)


def _read_as_claimed(job: _Job, recipient: Any) -> _Ahead | None:
    """Open and decode an envelope with the key it names; ``None`` if it names none."""
    envelope_text, context, kind = job
    try:
        envelope = unb64(envelope_text)
        signer = envelope_signer(envelope)
    except (RelayError, EnvelopeRejected):
        return None  # not worth keeping: the plain way says why, when applied
    try:
        return _Ahead(signer, _read(envelope, context, recipient, signer, kind), None)
    except EnvelopeRejected as exc:
        return _Ahead(signer, None, exc)
    except Exception:  # noqa: BLE001 - whatever it is, applying meets it again the plain way
        return None


def _read_all(jobs: Sequence[_Job], recipient: Any) -> dict[_Job, _Ahead]:
    results = {}
    for job in jobs:
        ahead = _read_as_claimed(job, recipient)
        if ahead is not None:
            results[job] = ahead
    return results


def _job_of(event: dict[str, Any]) -> _Job | None:
    """The envelope of a message or a request, what it is bound to and holds, if whole."""
    kind = _DOCUMENT_OF.get(str(event.get("kind")))
    envelope, conv_id, msg_id = (
        event.get("envelope"),
        event.get("conversation_id"),
        event.get("message_id"),
    )
    if kind is None or not (
        isinstance(envelope, str) and isinstance(conv_id, str) and isinstance(msg_id, str)
    ):
        return None
    return envelope, message_context(conv_id, msg_id), kind


class Opened:
    """A page's envelopes, opened and decoded before the page is applied.

    Verifying and decrypting is most of a first sync's work and needs no
    store, so it runs ahead, on other threads. But which key must have signed
    an envelope is only known while applying (a patient's keys, or the
    conversation, may arrive earlier on the same page), so each envelope is
    opened with the key it claims, and :meth:`read` uses that result only
    when the claimed key is the trusted one, where it is exactly what opening
    with the trusted key gives; otherwise it opens the envelope there and then.
    """

    def __init__(self, recipient: Any, results: dict[_Job, _Ahead]) -> None:
        self._recipient = recipient
        self._results = results

    def read(
        self, envelope_text: str, context: bytes, trusted_signer: bytes, kind: str
    ) -> dict[str, Any]:
        """``decode(open_envelope(envelope, context, key, [trusted_signer]), kind)``."""
        ahead = self._results.get((envelope_text, context, kind))
        if ahead is None or ahead.signer != trusted_signer:
            envelope = unb64(envelope_text)
            return _read(envelope, context, self._recipient, trusted_signer, kind)
        if ahead.error is not None:
            raise ahead.error
        assert ahead.doc is not None
        return dict(ahead.doc)  # a copy: the same envelope may come twice


def _done(results: dict[_Job, _Ahead]) -> Future[dict[_Job, _Ahead]]:
    future: Future[dict[_Job, _Ahead]] = Future()
    future.set_result(results)
    return future


class Opening:
    """A page's envelopes being opened on other threads; :meth:`result` waits for them."""

    def __init__(self, recipient: Any, parts: list[Future[dict[_Job, _Ahead]]]) -> None:
        self._recipient = recipient
        self.parts = parts

    def result(self) -> Opened:
        results: dict[_Job, _Ahead] = {}
        for part in self.parts:
            results.update(part.result())
        return Opened(self._recipient, results)

    def cancel(self) -> None:
        """Not needed any more (the pull stopped): slices not started are dropped."""
        for part in self.parts:
            part.cancel()


# -- applying a page ----------------------------------------------------------------


@dataclass
class _Page:
    """A page being applied: what it changed, its envelopes, and a run of messages.

    ``waiting``: messages checked and decrypted, not yet in the store, in
    order. ``patient_of`` and ``signer_of``: what a run of messages looks up
    again and again (a conversation's patient, a patient's signing key),
    forgotten whenever another kind of event might change it.
    """

    opened: Opened
    #: One event at a time, each in a savepoint: after the store refused a run.
    careful: bool = False
    applied: Applied = field(default_factory=Applied)
    waiting: list[tuple[Sender, tuple[Any, ...]]] = field(default_factory=list)
    patient_of: dict[str, str] = field(default_factory=dict)
    signer_of: dict[str, bytes] = field(default_factory=dict)
    #: Messages of ``waiting`` sent with the urgent-wording flag.
    urgent: set[str] = field(default_factory=set)
    #: The patients' messages the page stored, by conversation: their "delivered" receipts.
    delivered: dict[str, list[str]] = field(default_factory=dict)

    def forget(self) -> None:
        self.patient_of.clear()
        self.signer_of.clear()


class PracticeMailbox:
    """Applies the practice mailbox's events to the store, with the practice's keys
    (desktop.sync.practice_keys.PracticeKeys: after a rotation, the older ones too)."""

    def __init__(self, store: Store, identity: Identity | PracticeKeys) -> None:
        self.store = store
        self.identity = identity

    def open_ahead(
        self, events: Iterable[dict[str, Any]], pool: Executor | None = None, parts: int = 1
    ) -> Opened:
        """Verify and decrypt a page's envelopes without the store, for :meth:`apply_page`.

        With ``pool``, in ``parts`` slices on its threads: libsodium lets go
        of the GIL while it works, so they run on as many cores.
        """
        return self.start_opening(events, pool, parts).result()

    def start_opening(
        self, events: Iterable[dict[str, Any]], pool: Executor | None = None, parts: int = 1
    ) -> Opening:
        """As :meth:`open_ahead`, but returns at once: the slices are left to ``pool``'s
        threads (without a pool, the page is opened here and now)."""
        jobs = list(dict.fromkeys(job for e in events if (job := _job_of(e)) is not None))
        key = self.identity.enc_key
        if pool is None or parts < 2 or len(jobs) < 2:
            return Opening(key, [_done(_read_all(jobs, key))])
        size = -(-len(jobs) // parts)
        slices = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        return Opening(key, [pool.submit(_read_all, part, key) for part in slices])

    def apply_page(
        self, events: list[dict[str, Any]], cursor: str, opened: Opened | None = None
    ) -> Applied:
        """Apply a page and its cursor in ONE transaction: all of it, or none of it.

        An event that is refused (a bad envelope, or one the store will not
        take) is recorded in ``rejected_envelopes`` and counted, and the rest
        goes on. ``opened``: the page's envelopes from :meth:`open_ahead`, if it ran.
        """
        return self.apply_pages([(events, cursor, opened)])

    def apply_pages(self, pages: Iterable[tuple[list[dict[str, Any]], str, Opened | None]]) -> Applied:
        """Apply pages one after the other, and the last one's cursor, in ONE transaction.

        As :meth:`apply_page` for each, but one commit for them all: a commit
        writes (and SQLCipher encrypts) every page of the file the transaction
        touched, and a page of messages with random ids touches hundreds of
        the id index's, the same ones again at the next page. ``pages`` is
        taken lazily, inside the transaction: a sync hands over the next page
        while the one before is stored, as soon as its envelopes are open.
        """
        taken: list[tuple[list[dict[str, Any]], str, Opened]] = []

        def taking() -> Iterator[tuple[list[dict[str, Any]], str, Opened]]:
            for events, cursor, opened in pages:
                taken.append((events, cursor, opened if opened is not None
                              else self.open_ahead(events)))
                yield taken[-1]

        rest = taking()
        try:
            return self._apply_pages(rest, careful=False)
        except _RunRefused:
            # Nothing of the first attempt is left (its transaction was undone): again,
            # one event at a time, the pages taken so far and then the rest.
            return self._apply_pages(chain(list(taken), rest), careful=True)

    def _apply_pages(
        self, pages: Iterable[tuple[list[dict[str, Any]], str, Opened]], careful: bool
    ) -> Applied:
        total = Applied()
        cursor = None
        with self.store.transaction():
            for events, cursor, opened in pages:
                total.merge(self._apply_events(_Page(opened, careful=careful), events))
            if cursor is not None:
                self.store.set_cursor("practice", cursor)
        return total

    def _apply_events(self, page: _Page, events: list[dict[str, Any]]) -> Applied:
        """One page's events, in the caller's transaction."""
        for event in events:
            try:
                self._apply(event, page)
            except (Rejected, EnvelopeRejected, RelayError) as exc:
                self._reject(event, str(exc), page)
            except StoreError as exc:
                if not refused_by_store(exc):
                    raise  # the store is failing: the whole page waits
                self._reject(event, f"refused by the store: {exc}", page)
        self._store_waiting(page)
        self._acknowledge(page)
        # What the journal holds for these conversations (a note written while this
        # workstation had not read that far) goes in with them.
        self.store.journal_catch_up(page.applied.conversations)
        return page.applied

    def _acknowledge(self, page: _Page) -> None:
        """Queue the page's "delivered" receipts in its transaction, with its cursor: the
        patient sees "delivered" once the practice has his message, and a sync cut
        between two pages keeps a page and its receipts, or neither."""
        for conv_id, ids in page.delivered.items():
            for start in range(0, len(ids), receipts.MAX_IDS):
                batch = ids[start : start + receipts.MAX_IDS]
                self.store.enqueue(
                    "POST", f"{API}/conversations/{conv_id}/receipts",
                    {"message_ids": batch, "receipt": "delivered"},
                    id=receipts.receipt_key(conv_id, "delivered", batch),
                )

    def _reject(self, event: dict[str, Any], reason: str, page: _Page) -> None:
        page.applied.rejected += 1
        seq = event.get("seq")
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else -1
        self.store.record_rejected(seq, str(event.get("kind", "?"))[:40], reason)

    def _apply(self, event: dict[str, Any], page: _Page) -> None:
        kind = event.get("kind")
        handler = getattr(self, "_on_" + str(kind), None)
        if kind == "message" and event.get("sender") == "patient" and not page.careful:
            if handler is not None:
                handler(event, page)  # checked, then waits in the run: nothing written yet
            return
        # What comes next may read the waiting messages, or change who may write
        # (our own message coming back may be one of them). The run goes in
        # first, outside the savepoint: undoing this event must not undo it.
        self._store_waiting(page)
        if kind != "message":
            page.forget()
        if handler is None:
            return  # kinds from a newer relay are skipped, not fatal
        with self.store.transaction():  # a savepoint: a refused event leaves nothing
            handler(event, page)
            if page.careful:
                self._store_waiting(page)

    def _store_waiting(self, page: _Page) -> None:
        """Insert the run of waiting messages, with what :meth:`Store.add_message` would
        have said of each: new or already here (the first of two with one id wins)."""
        if not page.waiting:
            return
        waiting, page.waiting = page.waiting, []
        try:
            new = set(self.store.add_messages_once([row for _, row in waiting]))
        except StoreError as exc:
            if page.careful or not refused_by_store(exc):
                raise  # careful: this event's alone; otherwise, the store is failing
            raise _RunRefused() from exc
        if page.urgent:
            self.store.mark_urgent([row[0] for _, row in waiting if row[0] in page.urgent])
            page.urgent.clear()
        for sender, row in waiting:
            message_id, conv_id = row[0], row[1]
            if message_id in new:
                new.discard(message_id)
                if sender is Sender.PATIENT:
                    page.applied.new_messages.append(message_id)
                    page.delivered.setdefault(conv_id, []).append(message_id)
            page.applied.conversations.add(conv_id)

    # -- events ------------------------------------------------------------------

    def _on_patient_joined(self, event: dict[str, Any], page: _Page) -> None:
        invitation = self.store.invitation(_field(event, "invitation_id"))
        if invitation is None:
            raise Rejected("a patient joined with an invitation this practice does not know")
        enc_pk, sign_pk = unb64(_field(event, "enc_pk")), unb64(_field(event, "sign_pk"))
        mac = unb64(_field(event, "binding"))
        if not inv.binding_is_valid(invitation.code, enc_pk, sign_pk, mac):
            raise Rejected("the patient's keys do not match the invitation code")
        self.store.record_patient_joined(
            invitation.patient_id, _field(event, "patient_id"), enc_pk, sign_pk
        )
        self.store.mark_invitation_redeemed(invitation.id)
        if isinstance(self.identity, PracticeKeys) and self.identity.older:
            # Rotated since: his welcome may hold the replaced keys (desktop/sync/key_change.py).
            key_change.queue_for_newcomer(self.store, self.identity,
                                          _field(event, "patient_id"), enc_pk)
        page.applied.patients.add(invitation.patient_id)

    def _patient_of(self, relay_patient_id: str) -> tuple[str, bytes]:
        patient = self.store.patient_by_relay_id(relay_patient_id)
        keys = self.store.patient_keys(patient.id) if patient else None
        if patient is None or keys is None:
            raise Rejected("a message from a patient this practice has not enrolled")
        return patient.id, keys[1]

    def _on_conversation_requested(self, event: dict[str, Any], page: _Page) -> None:
        conv_id, msg_id = _field(event, "conversation_id"), _field(event, "message_id")
        patient_id, signer = self._patient_of(_field(event, "patient_id"))
        practitioner_id = _field(event, "practitioner_id")
        if self.store.practitioner(practitioner_id) is None:
            raise Rejected("a request to a practitioner this practice does not know")
        doc = page.opened.read(
            _field(event, "envelope"), message_context(conv_id, msg_id), signer, "request"
        )
        if "category" not in doc:
            raise Rejected("a request without a category")
        renewal = read_renewal_request(doc)  # checked before anything is stored
        self.store.upsert_conversation(
            conv_id, patient_id, practitioner_id, doc["category"], ConversationState.REQUESTED,
            parse_time(event.get("created_at")),
        )
        new = self.store.add_message(
            msg_id, conv_id, Sender.PATIENT, patient_id, doc["text"], doc["sent_at"],
            DeliveryState.DELIVERED,
        )
        if new:
            page.applied.new_messages.append(msg_id)
        if urgent_wording(doc):
            self.store.mark_urgent([msg_id])
        if renewal is not None:  # the renewal queue's line, in the same transaction
            self.store.add_renewal_request(
                msg_id, conv_id, patient_id, practitioner_id, *renewal,
                parse_time(event.get("created_at")),
            )
        if (replied := notices.apply_reply(self.store, doc, patient_id, conv_id)) is not None:
            page.applied.notices.add(replied)  # a patient answering a notice
        page.applied.conversations.add(conv_id)
        if new:  # last: a refusal above undoes the message, and so its receipt
            page.delivered.setdefault(conv_id, []).append(msg_id)

    def _on_message(self, event: dict[str, Any], page: _Page) -> None:
        """Check and open a message, and add it to the run waiting to be stored."""
        conv_id, msg_id = _field(event, "conversation_id"), _field(event, "message_id")
        patient_id = self._patient_in(conv_id, page)
        sender = _field(event, "sender")
        if sender == "practice":
            # Our own message coming back: the relay has it, so it is sent.
            # Written on another workstation, it is new here. (The messages
            # that waited are in by now: one of them may be this one.)
            if self.store.set_delivery([msg_id], DeliveryState.SENT) or self._known(msg_id):
                page.applied.conversations.add(conv_id)
                return
            signer, author_kind = self._practice_signer(event), Sender.PRACTICE
        elif sender == "patient":
            signer, author_kind = self._signer_of(patient_id, page), Sender.PATIENT
        else:
            raise Rejected("a message from an unknown kind of sender")
        doc = page.opened.read(
            _field(event, "envelope"), message_context(conv_id, msg_id), signer, "message"
        )
        author = doc.get("author") if author_kind is Sender.PRACTICE else patient_id
        delivery = DeliveryState.SENT if author_kind is Sender.PRACTICE else DeliveryState.DELIVERED
        row = (msg_id, conv_id, author_kind, str(author or ""), doc["text"], doc["sent_at"], delivery)
        check_message_row(row)  # refused here alone, rather than with its whole run
        if author_kind is Sender.PRACTICE and decisions.colleague_message(
            self.store, conv_id, msg_id, doc
        ):
            pass  # a colleague's renewal decision: its prescription is inline, kept there
        elif doc.get("attachments"):
            with self.store.transaction():  # all its documents, or none
                documents = self._record_documents(
                    doc["attachments"], conv_id, msg_id, author_kind
                )
            page.applied.documents += documents
        page.waiting.append((author_kind, row))
        if author_kind is Sender.PATIENT and urgent_wording(doc):
            page.urgent.add(msg_id)

    def _record_documents(
        self, attachments: list[Any], conv_id: str, msg_id: str, sender: Sender
    ) -> list[str]:
        """A message's documents, known but not downloaded yet (``pending``); a document
        already known (the same message again, or one this workstation sent) is left as
        it is. Returns the ids of the new ones."""
        documents = DocumentStore(self.store)
        return [
            a.blob_id for a in attachments
            if documents.add(StoredDocument(
                a.blob_id, conv_id, msg_id, str(sender), a.name, a.type, a.size, a.sha256,
                a.key.to_bytes(), a.chunk_count, "pending",
            ))
        ]

    def _patient_in(self, conv_id: str, page: _Page) -> str:
        """The patient of a conversation this practice knows, or the message is rejected."""
        patient_id = page.patient_of.get(conv_id)
        if patient_id is None:
            conv = self.store.conversation(conv_id)
            if conv is None or conv.patient_id is None:
                raise Rejected("a message in a conversation this practice does not know")
            patient_id = page.patient_of[conv_id] = conv.patient_id
        return patient_id

    def _signer_of(self, patient_id: str, page: _Page) -> bytes:
        signer = page.signer_of.get(patient_id)
        if signer is None:
            keys = self.store.patient_keys(patient_id)
            if keys is None:
                raise Rejected("a message from a patient without keys")
            signer = page.signer_of[patient_id] = keys[1]
        return signer

    def _practice_signer(self, event: dict[str, Any]) -> bytes:
        """The practice key that must have signed a practice envelope: the current one, or,
        after a rotation, the older one it names (the mailbox's history)."""
        identity = self.identity
        keys = identity.sign_pks if isinstance(identity, PracticeKeys) else (identity.sign_pk,)
        if len(keys) == 1:  # never rotated: one look-up per message, as before
            return keys[0]
        try:
            claimed = envelope_signer(unb64(_field(event, "envelope")))
        except (Rejected, RelayError, EnvelopeRejected):
            return keys[0]  # opening it says why
        return claimed if claimed in keys else keys[0]

    def _known(self, message_id: str) -> bool:
        return self.store.message(message_id) is not None

    def _on_state_changed(self, event: dict[str, Any], page: _Page) -> None:
        conv_id, event_id = _field(event, "conversation_id"), _field(event, "event_id")
        try:
            state = ConversationState(_field(event, "state"))
        except ValueError:
            raise Rejected("an unknown conversation state") from None
        if self.store.conversation(conv_id) is None:
            raise Rejected("a state change for a conversation this practice does not know")
        if not self.store.decided_after(conv_id, event_id):
            self.store.set_conversation_state(conv_id, state)
        envelope = event.get("envelope")
        if (
            isinstance(envelope, str)
            and not self.store.set_delivery([event_id], DeliveryState.SENT)
            and not self._known(event_id)
        ):
            doc = page.opened.read(
                envelope, state_context(conv_id, event_id, str(state)),
                self._practice_signer(event), "state",
            )
            self.store.add_message(
                event_id, conv_id, Sender.PRACTICE, str(doc.get("author", "")), doc["text"],
                doc["sent_at"], DeliveryState.SENT,
            )
        page.applied.conversations.add(conv_id)

    def _on_receipt(self, event: dict[str, Any], page: _Page) -> None:
        ids = _field(event, "message_ids", list)
        try:
            state = DeliveryState(_field(event, "receipt"))
        except ValueError:
            raise Rejected("an unknown receipt") from None
        if state not in (DeliveryState.DELIVERED, DeliveryState.READ):
            raise Rejected("an unknown receipt")
        if self.store.set_delivery([str(i) for i in ids], state):
            page.applied.conversations.add(_field(event, "conversation_id"))

    def _on_patient_revoked(self, event: dict[str, Any], page: _Page) -> None:
        patient = self.store.patient_by_relay_id(_field(event, "patient_id"))
        if patient is not None:
            self.store.revoke_patient(patient.id)
            page.applied.patients.add(patient.id)

    def _on_notice_receipt(self, event: dict[str, Any], page: _Page) -> None:
        if (notice_id := notices.apply_receipt(self.store, event)) is not None:
            page.applied.notices.add(notice_id)

    def _on_notice_preferences(self, event: dict[str, Any], page: _Page) -> None:
        if (patient_id := notices.apply_preferences(self.store, self.identity.enc_key, event)):
            page.applied.patients.add(patient_id)
