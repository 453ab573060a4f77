"""``Store``: the practice's encrypted store, as the rest of the application sees it.

Every method takes the store's lock; every write is one transaction of its
own, or a savepoint inside the caller's :meth:`~Database.transaction` — so
``with store.transaction(): ...many calls...`` is all-or-nothing, and a call
that fails inside it undoes only itself. Driver errors come out as
``StoreError``. The SQL lives in the modules this class delegates to, as
functions of a connection (a benchmark can run the very same queries on a
plain SQLite copy).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlcipher3

from desktop.core.errors import StoreError
from desktop.core.model import (
    Category,
    Conversation,
    ConversationState,
    DeliveryState,
    Message,
    Sender,
)
from desktop.store import conversations as conv
from desktop.store import notes, replicate, replicate_audit  # noqa: F401 - projectors, catch-up
from desktop.store import outbox as box
from desktop.store import replicate_conversations as rep
from desktop.store import search as fts
from desktop.store.audit_query import AuditReader
from desktop.store.database import _describe
from desktop.store.journal_store import JournalStore
from desktop.store.people import PeopleStore
from desktop.store.practice_store import PracticeStore
from desktop.store.records import Note, OutboxItem, RejectedEnvelope, SearchHit
from desktop.store.timestamps import now


class Store(PeopleStore, AuditReader, PracticeStore, JournalStore):
    """The practice's local store: one SQLCipher file, opened with a passphrase.

    ``Store.create(path, passphrase)`` for a new file, ``Store.open(path,
    passphrase)`` for an existing one; ``close()`` (or use it as a context
    manager) when done. The practice's records (practitioners, patients,
    canned replies, audit) come from :class:`PracticeStore`.
    """

    # -- conversations ---------------------------------------------------

    def upsert_conversation(
        self,
        id: str,
        patient_id: str | None,
        practitioner_id: str,
        category: Category | str,
        state: ConversationState | str,
        created_at: datetime | None = None,
    ) -> bool:
        """Record a conversation; ``False`` and no change if it is already here."""
        with self._writing() as c:
            return conv.upsert_conversation(
                c, id, patient_id, practitioner_id, category, state, created_at
            )

    def conversation(self, conversation_id: str) -> Conversation | None:
        with self._reading() as c:
            return conv.conversation(c, conversation_id)

    def conversations_of_patient(self, patient_id: str) -> list[Conversation]:
        """A patient's conversations, newest activity first."""
        with self._reading() as c:
            return conv.conversations_of_patient(c, patient_id)

    def set_conversation_state(self, conversation_id: str, state: ConversationState | str) -> None:
        with self._writing() as c:
            conv.set_conversation_state(c, conversation_id, state)

    def assign(self, conversation_id: str, practitioner_id: str | None) -> None:
        with self._writing() as c:
            conv.assign(c, conversation_id, practitioner_id)
            rep.publish_assignment(c, conversation_id)

    def inbox(
        self,
        filter: str = "all",
        practitioner_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Conversation]:
        """A page of the inbox, newest activity first.

        ``filter``: all, to_process (requests, and open conversations where the
        patient waits), requested, open, closed (with declined), assigned.
        ``practitioner_id``: only what is on that practitioner's desk.
        """
        with self._reading() as c:
            return conv.inbox(c, filter, practitioner_id, limit, offset)

    def count_inbox(self, filter: str = "all", practitioner_id: str | None = None) -> int:
        with self._reading() as c:
            return conv.count_inbox(c, filter, practitioner_id)

    def journal_catch_up(self, conversation_ids: Iterable[str]) -> None:
        """Project what the journal holds for conversations the mailbox just brought, or
        brought messages in (desktop.store.replicate.catch_up)."""
        ids = list(conversation_ids)
        if ids:
            with self._writing() as c:
                replicate.catch_up(c, ids)

    # -- internal notes --------------------------------------------------

    def add_note(self, conversation_id: str, author_id: str, text: str) -> Note:
        """An internal note on a conversation, audited (``note_added``). Never sent to the
        relay, never found by :meth:`search`."""
        with self._writing() as c:
            note = notes.add_note(c, conversation_id, author_id, text)
            rep.publish_note(c, note.id)
            return note

    def notes(self, conversation_id: str) -> list[Note]:
        """A conversation's notes, oldest first."""
        with self._reading() as c:
            return notes.notes(c, conversation_id)

    # -- messages --------------------------------------------------------

    def add_message(
        self,
        id: str,
        conversation_id: str,
        sender: Sender | str,
        author: str,
        body: str,
        sent_at: datetime,
        delivery: DeliveryState | str,
    ) -> bool:
        """Store a message; ``False`` and no change if its id is already here.

        The conversation's last message, preview and unread count follow.
        """
        with self._writing() as c:
            return conv.add_message(c, id, conversation_id, sender, author, body, sent_at, delivery)

    def add_messages_bulk(self, rows: Iterable[Sequence[Any]]) -> int:
        """Many messages in one transaction, for imports and benchmarks; returns how many
        were new. Rows: ``(id, conversation_id, sender, author, body, sent_at, delivery[,
        read_at])``."""
        with self._writing() as c:
            return conv.add_messages_bulk(c, rows)

    def add_messages_once(self, rows: Sequence[Sequence[Any]]) -> list[str]:
        """Many messages in one step, each stored at most once (as :meth:`add_message`
        would, row after row); returns the ids that were new, in order. For a page of a
        sync. Rows: ``(id, conversation_id, sender, author, body, sent_at, delivery)``.

        Inside a caller's transaction it takes no savepoint of its own: while
        one is open, SQLite keeps a copy of every page each row's insert
        touches until it ends, which made a page of 1,000 messages several
        times slower, more so as the store grows. Instead every row is checked
        before the first insert (a refused row changes nothing); only a
        failing disk can stop it halfway, and that fails the caller's
        transaction too.
        """
        with self._writing_in_place() as c:
            return conv.add_messages_once(c, rows)

    @contextmanager
    def _writing_in_place(self) -> Iterator[Any]:
        """As ``_writing``, but in the caller's transaction itself when there is one (no
        savepoint): for a method that checks everything before it writes."""
        if self.read_only:
            raise StoreError("This view of the store is read-only.")
        with self._lock:
            if self._depth == 0:
                with self._writing() as c:
                    yield c
                return
            try:
                yield self._conn
            except sqlcipher3.Error as exc:
                raise _describe(exc, "The store refused the change", self.path) from exc

    def message(self, message_id: str) -> Message | None:
        with self._reading() as c:
            return conv.message(c, message_id)

    def thread(
        self, conversation_id: str, limit: int = 100, before: str | datetime | None = None
    ) -> list[Message]:
        """The last ``limit`` messages, oldest first; ``before`` (a message id or a time)
        pages back."""
        with self._reading() as c:
            return conv.thread(c, conversation_id, limit, before)

    def set_delivery(self, message_ids: Iterable[str], state: DeliveryState | str) -> list[str]:
        """Move the practice's messages forward to ``state``; returns the ids that moved."""
        with self._writing() as c:
            return conv.set_delivery(c, message_ids, state)

    def mark_urgent(self, message_ids: Iterable[str]) -> None:
        """Flag the patient's messages sent despite the urgent-wording warning."""
        with self._writing() as c:
            conv.mark_urgent(c, message_ids)

    def mark_conversation_read(self, conversation_id: str) -> list[str]:
        """Returns the ids of the patient's messages this marked read, oldest first."""
        with self._writing() as c:
            ids = conv.mark_conversation_read(c, conversation_id)
            rep.publish_read(c, conversation_id, ids)
            return ids

    def search(
        self, text: str, limit: int = 50, conversation_id: str | None = None
    ) -> list[SearchHit]:
        """Messages containing every word of ``text`` (case, accents and word endings
        ignored), best first; any text is safe. Each hit unpacks as
        ``(message, conversation)``."""
        with self._reading() as c:
            return fts.search(c, text, limit, conversation_id)

    # -- outbox ----------------------------------------------------------

    def enqueue(self, method: str, path: str, body: dict[str, Any], id: str | None = None,
                after_journal: str | None = None) -> str:
        """Queue a request for the relay; returns its id (the Idempotency-Key).
        ``after_journal``: a journal event's client id — the request waits until the relay
        accepted that event, and is dropped if it refuses it (a decision another
        workstation took first)."""
        with self._writing() as c:
            return box.enqueue(c, method, path, body, id, after_journal)

    def outbox_pending(self, limit: int = 100, now: datetime | None = None) -> list[OutboxItem]:
        """Requests due at ``now``, in queue order, up to the first one waiting for a retry."""
        with self._reading() as c:
            return box.pending(c, limit, now or _now())

    def outbox_done(self, id: str) -> None:
        with self._writing() as c:
            box.done(c, id)

    def outbox_retry_later(self, id: str, error: str, next_attempt_at: datetime) -> None:
        with self._writing() as c:
            box.retry_later(c, id, error, next_attempt_at)

    def outbox_failed(self, id: str, error: str) -> None:
        """Refused for good: set aside, kept for a person to see (``outbox_failures``)."""
        with self._writing() as c:
            box.failed(c, id, error)

    def outbox_has(self, id: str) -> bool:
        """Whether a request is still waiting in the outbox (not sent, not failed)."""
        with self._reading() as c:
            return box.is_pending(c, id)

    def withdraw_unsent(self, message_id: str, outbox_ids: Iterable[str]) -> str:
        """Take back a message of the practice the relay has not received: its outbox
        requests (``outbox_ids`` and the message's own) and the message go, in one
        transaction. ``StoreError`` once it has been sent. Returns its conversation."""
        with self.transaction(), self._writing() as c:
            if not box.is_pending(c, message_id):
                raise StoreError("This message has already been sent.")
            for id in [*outbox_ids, message_id]:
                box.done(c, id)
            c.execute("DELETE FROM documents WHERE message_id = ?", (message_id,))
            return conv.remove_unsent(c, message_id)

    def outbox_count(self) -> int:
        """How many requests are still to send (failed ones excluded)."""
        with self._reading() as c:
            return box.count(c)

    def outbox_failures(self) -> list[OutboxItem]:
        with self._reading() as c:
            return box.failures(c)

    # -- sync bookkeeping ------------------------------------------------

    def cursor(self, mailbox: str) -> str | None:
        with self._reading() as c:
            return box.cursor(c, mailbox)

    def set_cursor(self, mailbox: str, cursor: str) -> None:
        with self._writing() as c:
            box.set_cursor(c, mailbox, cursor)

    def record_rejected(self, seq: int, kind: str, reason: str) -> None:
        with self._writing() as c:
            box.record_rejected(c, seq, kind, reason)

    def rejected(self, limit: int = 200) -> list[RejectedEnvelope]:
        """Envelopes that failed their checks, most recent first."""
        with self._reading() as c:
            return box.rejected(c, limit)


_now = now
