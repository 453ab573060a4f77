"""Who may do what in the practice: one table of actions, checked by the library.

The window and the command line call the same library functions
(the feature services of ``desktop.sync``, over one ``PracticeContext``), and those call
:func:`check` before they change anything: a script gets the same answer as a
click. Plain Python, no store: the person comes in, a yes or a ``NotAllowed``
comes out.

Roles: a person is a **practitioner** (with a profession and an RPPS) or an
**assistant** (secrétariat); either may also be the practice's
**administrator**. "Own" rights (a practitioner's messaging settings and
signature image) belong to that practitioner, and to an administrator.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from desktop.core.errors import PasserelleError

PRACTITIONER = "practitioner"
ASSISTANT = "assistant"
ROLES = (PRACTITIONER, ASSISTANT)


class NotAllowed(PasserelleError):
    """The person signed in may not do this; nothing was changed."""


class Acting(Protocol):
    """What the rules need to know of a person (``desktop.core.model.Practitioner``)."""

    id: str
    name: str
    role: str
    administrator: bool
    active: bool


class Right(StrEnum):
    """The practice's actions, as the table of rights names them."""

    APPROVE_RENEWAL = "approve_renewal"
    DECIDE_RENEWAL = "decide_renewal"  # decline, or ask the patient to come in
    TRIAGE = "triage"  # accept, decline, close, reopen a conversation
    REPLY = "reply"  # write to a patient, send documents
    ASSIGN = "assign"
    NOTE = "note"
    PATIENTS = "patients"  # add, edit, invite, import patients
    NOTICES = "notices"  # prepare, send, cancel a notice
    RENEWAL_RULES = "renewal_rules"
    OWN_SETTINGS = "own_settings"  # a practitioner's messaging, absence, response time
    SIGNATURE = "signature"  # a practitioner's signature image
    PEOPLE = "people"  # add, deactivate, reset the secret of a person
    WORKSTATIONS = "workstations"
    RELAY_ADDRESS = "relay_address"
    PRACTICE_SETTINGS = "practice_settings"  # name, address, limits, delays
    BACKUPS = "backups"  # backup folder, recovery key
    AUDIT = "audit"  # read and export the audit trail
    EXPORT_PATIENT = "export_patient"  # GDPR / FHIR export of a patient's file
    ERASE_PATIENT = "erase_patient"


_EVERYONE = frozenset({PRACTITIONER, ASSISTANT})
_PRACTITIONERS = frozenset({PRACTITIONER})
_ADMIN = frozenset[str]()  # nobody by role: the administrator only

# Right -> (roles that may, whether it is "own": the practitioner concerned may too).
TABLE: dict[Right, tuple[frozenset[str], bool]] = {
    Right.APPROVE_RENEWAL: (_PRACTITIONERS, False),
    Right.DECIDE_RENEWAL: (_PRACTITIONERS, False),
    Right.TRIAGE: (_EVERYONE, False),
    Right.REPLY: (_EVERYONE, False),
    Right.ASSIGN: (_EVERYONE, False),
    Right.NOTE: (_EVERYONE, False),
    Right.PATIENTS: (_EVERYONE, False),
    Right.NOTICES: (_EVERYONE, False),
    Right.RENEWAL_RULES: (_PRACTITIONERS, False),
    Right.OWN_SETTINGS: (_ADMIN, True),
    Right.SIGNATURE: (_ADMIN, True),
    Right.PEOPLE: (_ADMIN, False),
    Right.WORKSTATIONS: (_ADMIN, False),
    Right.RELAY_ADDRESS: (_ADMIN, False),
    Right.PRACTICE_SETTINGS: (_ADMIN, False),
    Right.BACKUPS: (_ADMIN, False),
    Right.AUDIT: (_ADMIN, False),
    Right.EXPORT_PATIENT: (_ADMIN, False),
    Right.ERASE_PATIENT: (_ADMIN, False),
}

# The sentence a refusal ends with: what the action is, in a person's words.
_WHAT = {
    Right.APPROVE_RENEWAL: "approve a renewal: only a practitioner signs a prescription",
    Right.DECIDE_RENEWAL: "decide on a renewal request: only a practitioner can",
    Right.TRIAGE: "change a conversation's state",
    Right.REPLY: "write to a patient",
    Right.ASSIGN: "assign a conversation",
    Right.NOTE: "add an internal note",
    Right.PATIENTS: "change the patient list",
    Right.NOTICES: "prepare or send a notice",
    Right.RENEWAL_RULES: "change the renewal rules: only a practitioner can",
    Right.OWN_SETTINGS: (
        "change this practitioner's messaging settings: only that practitioner or an "
        "administrator can"),
    Right.SIGNATURE: (
        "change this practitioner's signature image: only that practitioner or an "
        "administrator can"),
    Right.PEOPLE: "manage the people of the practice: only an administrator can",
    Right.WORKSTATIONS: "manage the workstations: only an administrator can",
    Right.RELAY_ADDRESS: "change the relay address: only an administrator can",
    Right.PRACTICE_SETTINGS: "change the practice's settings: only an administrator can",
    Right.BACKUPS: "change the backups or the recovery key: only an administrator can",
    Right.AUDIT: "read the audit trail: only an administrator can",
    Right.EXPORT_PATIENT: "export a patient's file: only an administrator can",
    Right.ERASE_PATIENT: "erase a patient: only an administrator can",
}


def may(person: Acting | None, right: Right, concerning: str | None = None) -> bool:
    """Whether ``person`` may do ``right`` (``concerning``: the practitioner an "own"
    right is about)."""
    if person is None or not person.active:
        return False
    roles, own = TABLE[right]
    if person.administrator or person.role in roles:
        return True
    return own and concerning is not None and concerning == person.id


def check(person: Acting | None, right: Right, concerning: str | None = None) -> Acting:
    """Return ``person`` if allowed, else raise ``NotAllowed`` with a sentence."""
    if person is None:
        raise NotAllowed("Nobody is signed in on this workstation: sign in first.")
    if not person.active:
        raise NotAllowed(f"{person.name}'s account is deactivated: nothing was changed.")
    if not may(person, right, concerning):
        raise NotAllowed(f"{person.name} may not {_WHAT[right]}. Nothing was changed.")
    return person


def same_person(person: Acting, author_id: str | None) -> None:
    """A person acts in their own name only: ``author_id``, when a caller names one, must
    be the person signed in."""
    if author_id is not None and author_id != person.id:
        raise NotAllowed(
            f"{person.name} is signed in: nothing can be done in another person's name. "
            "Nothing was changed.")


def check_secret(secret: str) -> str:
    """A person's secret: a passphrase of 8+ characters, or a PIN of 6+ digits."""
    from desktop.core.errors import InvalidField

    text = secret or ""
    if text.isdigit():
        if len(text) < 6:
            raise InvalidField("A PIN has at least 6 digits.")
    elif len(text) < 8:
        raise InvalidField("A secret is a PIN of at least 6 digits or a passphrase of at least "
                           "8 characters.")
    return text


def role_label(person: Acting) -> str:
    """How a message's author is shown: "Secrétariat — Julie" for an assistant (the window
    translates the role word), the name alone for a practitioner."""
    if person.role == ASSISTANT:
        return f"Secrétariat — {person.name}"
    return person.name
