"""What the relay's operator does outside HTTP: creating a practice."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import insert

from relay.auth import hash_token
from relay.db import Database, practices, utcnow
from relay.events import new_mailbox


@dataclass(frozen=True)
class NewPractice:
    """A practice just created, with its one-time enrolment token (shown once, never stored)."""

    practice_id: uuid.UUID
    enrolment_token: str


def enrolment_token() -> str:
    """A one-time token an operator pastes into a command line or the wizard.

    URL-safe base64 may begin with "-", which a command line then reads as an
    option (`--token -abc…` fails); a fixed prefix rules that out and says what it is.
    """
    return "enrol_" + secrets.token_urlsafe(32)


def create_practice(db: Database, label: str) -> NewPractice:
    """Create a practice and its mailbox; only the enrolment token's SHA-256 is kept."""
    label = label.strip()
    if not label:
        raise ValueError("a practice needs a label")
    token = enrolment_token()
    practice_id = uuid.uuid4()
    with db.write() as conn:
        conn.execute(
            insert(practices).values(
                id=practice_id,
                label=label,
                mailbox_id=new_mailbox(conn),
                enrolment_token_hash=hash_token(token),
                created_at=utcnow(),
            )
        )
    return NewPractice(practice_id, token)
