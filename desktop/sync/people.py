"""People at the workstation: signing in and out, the first administrator, managing people.

The store's passphrase unlocks the practice's store for the workstation; signing in
names the person at the keyboard (their PIN or passphrase, checked against its
Argon2id verifier). On a shared desk people switch without locking the store.
Every sign-in, failed or not, is an audit row; a secret never is, nor goes anywhere.

People are the practice's shared state; until a journal carries it between
workstations, it lives in this store (see the README).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction, Practitioner
from desktop.core.rights import PRACTITIONER, NotAllowed, Right, check_secret
from desktop.core.sign_in_delay import next_try_at
from desktop.store import people as store_people

if TYPE_CHECKING:
    from desktop.sync.workstation import Workstation


class SignInRefused(NotAllowed):
    """Wrong secret, unknown or deactivated person, or no secret set yet."""


class SignInDelayed(SignInRefused):
    """Too many wrong secrets in a row: this person may try again at ``retry_at``."""

    def __init__(self, person: Practitioner, retry_at: datetime) -> None:
        self.person = person
        self.retry_at = retry_at
        super().__init__(
            f"Too many wrong PINs for {person.name}: try again in {self.seconds_left()} s.")

    def seconds_left(self, now: datetime | None = None) -> int:
        return max(1, math.ceil((self.retry_at - (now or datetime.now(UTC))).total_seconds()))


def find_person(ws: Workstation, who: str) -> Practitioner:
    """A person by id, or by name (case ignored); ``SignInRefused`` if none or several."""
    everyone = ws.store.people()
    for p in everyone:
        if p.id == who:
            return p
    named = [p for p in everyone if p.name.casefold() == who.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        raise SignInRefused(f"Several people are called {who}: give their id.")
    raise SignInRefused(f"Nobody called {who!r} works in this practice.")


def sign_in(ws: Workstation, person_id: str, secret: str) -> Practitioner:
    person = find_person(ws, person_id)
    stored = ws.store.person_secret(person.id)
    if not person.active:
        _failed(ws, person, "deactivated")
        raise SignInRefused(f"{person.name}'s account is deactivated: ask an administrator.")
    if stored is None:
        _failed(ws, person, "no secret")
        raise SignInRefused(
            f"{person.name} has no PIN or passphrase yet: an administrator sets one in "
            "Settings → People.")
    # Refused before the secret is even looked at: a guess made during the wait
    # tells nothing and costs nothing more (desktop.core.sign_in_delay).
    retry_at = next_try_at(*ws.store.failed_sign_ins(person.id))
    if retry_at is not None and retry_at > datetime.now(UTC):
        raise SignInDelayed(person, retry_at)
    if not store_people.matches(stored, secret):
        _failed(ws, person, "wrong secret")
        retry_at = next_try_at(*ws.store.failed_sign_ins(person.id))
        if retry_at is not None:
            raise SignInDelayed(person, retry_at)
        raise SignInRefused(f"Wrong PIN or passphrase for {person.name}.")
    with ws.store.transaction():
        ws.store.record_audit(AuditAction.SIGNED_IN, person.id)
    ws.person = person
    return person


def _failed(ws: Workstation, person: Practitioner, why: str) -> None:
    with ws.store.transaction():
        ws.store.record_audit(AuditAction.SIGN_IN_FAILED, person.id, detail=why)


def sign_out(ws: Workstation) -> None:
    person, ws.person = ws.person, None
    if person is not None:
        with ws.store.transaction():
            ws.store.record_audit(AuditAction.SIGNED_OUT, person.id)


def set_up_administrator(
    ws: Workstation, secret: str, person_id: str | None, name: str | None, role: str,
    profession: str, rpps: str | None, accepts_messaging: bool,
) -> Practitioner:
    if not ws.store.needs_administrator():
        raise NotAllowed("This practice has an administrator already: sign in as them to add "
                         "people.")
    verifier = store_people.verifier(secret)
    with ws.store.transaction():
        if person_id is not None:
            existing = ws.store.person(person_id)
            if existing is None:
                raise PasserelleError("No such person in this practice.")
            ws.store.set_person_secret(existing.id, verifier, existing.id)
            ws.store.set_person_active(existing.id, True, existing.id)
            person = ws.store.set_person_administrator(existing.id, True, existing.id)
        else:
            person = ws.store.add_person(
                name or "", role, verifier, True, profession, rpps, accepts_messaging)
            if person.role == PRACTITIONER:
                ws._publish_practitioner(person.id, accepts_messaging)
        ws.store.record_audit(AuditAction.SIGNED_IN, person.id, detail="first administrator")
    ws.person = person
    return person


def add_person(
    ws: Workstation, name: str, role: str, secret: str | None, administrator: bool,
    profession: str, rpps: str | None, accepts_messaging: bool,
) -> Practitioner:
    actor = ws.acting(Right.PEOPLE)
    verifier = store_people.verifier(secret) if secret else None
    with ws.store.transaction():
        person = ws.store.add_person(name, role, verifier, administrator, profession, rpps,
                                     accepts_messaging, actor.id)
        if person.role == PRACTITIONER:
            ws._publish_practitioner(person.id, accepts_messaging)
    return person


def reset_secret(ws: Workstation, person_id: str, secret: str) -> None:
    """A new PIN or passphrase: one's own, or anyone's by an administrator."""
    person = ws.person
    if person is None or person.id != person_id:
        person = ws.acting(Right.PEOPLE)
    check_secret(secret)
    verifier = store_people.verifier(secret)
    with ws.store.transaction():
        ws.store.set_person_secret(person_id, verifier, person.id)


def set_active(ws: Workstation, person_id: str, active: bool) -> Practitioner:
    actor = ws.acting(Right.PEOPLE)
    if not active and person_id == actor.id:
        raise NotAllowed("You cannot deactivate yourself: another administrator can.")
    with ws.store.transaction():
        return ws.store.set_person_active(person_id, active, actor.id)


def set_administrator(ws: Workstation, person_id: str, administrator: bool) -> Practitioner:
    actor = ws.acting(Right.PEOPLE)
    with ws.store.transaction():
        return ws.store.set_person_administrator(person_id, administrator, actor.id)
