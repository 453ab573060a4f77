"""The store's notice side: notices, their recipients and statistics, the templates.

Part of :class:`desktop.store.Store` (through ``PracticeStore``); the SQL is in
:mod:`desktop.store.notices`. Same promises as the rest of the store: each
method is one transaction or a savepoint inside the caller's, and bad input
is a ``StoreError`` with a sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from desktop.core.notices import (
    Audience,
    Notice,
    NoticeCampaign,
    NoticeState,
    NoticeStatistics,
    NoticeTemplate,
    RecipientState,
)
from desktop.store import notices as nt
from desktop.store import replicate_notices as rep
from desktop.store.database import Database
from desktop.store.notices import QueuedRecipient
from desktop.store.timestamps import now


class NoticeStore(Database):
    """Notices in the store. Not used alone: open a ``Store``."""

    # -- notices ---------------------------------------------------------------

    def add_notice(
        self,
        notice: Notice,
        audience: Audience,
        patient_ids: Sequence[str],
        author_id: str | None = None,
        send_after: datetime | None = None,
    ) -> int:
        """Record a notice, its audience's criteria and its recipients (``queued``), in one
        transaction; audited (``notice_prepared``). Returns how many recipients."""
        with self._writing() as c:
            count = nt.add_notice(c, notice, audience, patient_ids, author_id, send_after)
            (notice_id,) = c.execute("SELECT id FROM notices ORDER BY rowid DESC LIMIT 1").fetchone()
            rep.publish_prepared(c, notice_id)
            return count

    def notice(self, notice_id: str) -> NoticeCampaign | None:
        with self._reading() as c:
            return nt.notice(c, notice_id)

    def notices(self, limit: int = 100, offset: int = 0) -> list[NoticeCampaign]:
        """The practice's notices, newest first."""
        with self._reading() as c:
            return nt.notices(c, limit, offset)

    def due_notices(self, at: datetime | None = None) -> list[NoticeCampaign]:
        """Notices to start or resume sending at ``at`` (now by default), oldest first."""
        with self._reading() as c:
            return nt.due_notices(c, at or now())

    def set_notice_state(self, notice_id: str, state: NoticeState) -> None:
        with self._writing() as c:
            before = rep.state(c, notice_id)
            nt.set_notice_state(c, notice_id, state)
            rep.publish_state(c, notice_id, before)

    def cancel_notice(self, notice_id: str, actor_id: str | None = None) -> int:
        """Stop a notice; returns how many recipients will not receive it. Audited
        (``notice_cancelled``)."""
        with self._writing() as c:
            before = rep.state(c, notice_id)
            dropped = nt.cancel_notice(c, notice_id, actor_id)
            rep.publish_state(c, notice_id, before)
            return dropped

    # -- recipients ------------------------------------------------------------

    def queued_notice_recipients(self, notice_id: str, limit: int) -> list[QueuedRecipient]:
        """The next ``limit`` recipients to seal the notice for, in a fixed order."""
        with self._reading() as c:
            return nt.queued_recipients(c, notice_id, limit)

    def hand_over_notice(self, notice_id: str, patient_ids: Sequence[str], outbox_id: str) -> int:
        """These queued recipients' sealed copies are in outbox row ``outbox_id`` (queued in
        the same transaction by the caller). Refused unless all were still queued."""
        with self._writing() as c:
            moved = nt.hand_over(c, notice_id, patient_ids, outbox_id)
            rep.publish_handed(c, notice_id, patient_ids, outbox_id)
            return moved

    def count_queued_recipients(self, notice_id: str) -> int:
        with self._reading() as c:
            return nt.count_queued(c, notice_id)

    def record_notice_receipt(
        self, notice_id: str, patient_id: str, state: RecipientState | str
    ) -> bool:
        """Move a recipient forward to ``delivered`` or ``read``; ``False`` if nothing moved."""
        with self._writing() as c:
            return nt.record_receipt(c, notice_id, patient_id, RecipientState(state))

    def record_notice_reply(self, notice_id: str, patient_id: str, conversation_id: str) -> bool:
        """A recipient answered the notice by opening ``conversation_id``; ``False`` if the
        notice takes no replies, he is not a recipient, or it is already recorded."""
        with self._writing() as c:
            return nt.record_reply(c, notice_id, patient_id, conversation_id)

    def notice_recipient_state(self, notice_id: str, patient_id: str) -> RecipientState | None:
        with self._reading() as c:
            return nt.recipient_state(c, notice_id, patient_id)

    def notice_recipients(
        self, notice_id: str, limit: int = 100, offset: int = 0
    ) -> list[tuple[str, RecipientState]]:
        """A page of a notice's recipients by name: ``(patient id, state)``."""
        with self._reading() as c:
            return nt.recipients(c, notice_id, limit, offset)

    def notice_statistics(self, notice_id: str) -> NoticeStatistics:
        """Recipients, handed over, sent, delivered, read, replies (see NoticeStatistics)."""
        with self._reading() as c:
            return nt.statistics(c, notice_id)

    # -- templates -------------------------------------------------------------

    def notice_templates(self) -> list[NoticeTemplate]:
        """In the practice's order; a new store starts with the French campaign templates."""
        with self._reading() as c:
            return nt.templates(c)

    def save_notice_template(self, template: NoticeTemplate) -> NoticeTemplate:
        """Create (``template.id`` None) or change a template; returns it as stored."""
        with self._writing() as c:
            return nt.save_template(c, template)

    def delete_notice_template(self, template_id: int) -> None:
        with self._writing() as c:
            nt.delete_template(c, template_id)
