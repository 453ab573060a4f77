"""People at the workstation: signing in and out, the first administrator, managing people.

The store's passphrase unlocks the practice's store for the workstation; signing in
names the person at the keyboard (their PIN or passphrase, checked against its
Argon2id verifier). On a shared desk people switch without locking the store.
Every sign-in, failed or not, is an audit row; a secret never is, nor goes anywhere.

``People`` is the feature's service over the practice's context (``Workstation.people``).

People are the practice's shared state; until a journal carries it between
workstations, it lives in this store (see the README).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction, Practitioner
from desktop.core.rights import PRACTITIONER, NotAllowed, Right, check_secret
from desktop.core.sign_in_delay import next_try_at
from desktop.store import people as store_people

if TYPE_CHECKING:
    from desktop.sync.practice_context import PracticeContext


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


def find_person(ctx: PracticeContext, who: str) -> Practitioner:
    """A person by id, or by name (case ignored); ``SignInRefused`` if none or several."""
    everyone = ctx.store.people()
    for p in everyone:
        if p.id == who:
            return p
    named = [p for p in everyone if p.name.casefold() == who.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if named:
        raise SignInRefused(f"Several people are called {who}: give their id.")
    raise SignInRefused(f"Nobody called {who!r} works in this practice.")


def sign_in(ctx: PracticeContext, person_id: str, secret: str) -> Practitioner:
    person = find_person(ctx, person_id)
    stored = ctx.store.person_secret(person.id)
    if not person.active:
        _failed(ctx, person, "deactivated")
        raise SignInRefused(f"{person.name}'s account is deactivated: ask an administrator.")
    if stored is None:
        _failed(ctx, person, "no secret")
        raise SignInRefused(
            f"{person.name} has no PIN or passphrase yet: an administrator sets one in "
            "Settings → People.")
    # Refused before the secret is even looked at: a guess made during the wait
    # tells nothing and costs nothing more (desktop.core.sign_in_delay).
    retry_at = next_try_at(*ctx.store.failed_sign_ins(person.id))
    if retry_at is not None and retry_at > datetime.now(UTC):
        raise SignInDelayed(person, retry_at)
    if not store_people.matches(stored, secret):
        _failed(ctx, person, "wrong secret")
        retry_at = next_try_at(*ctx.store.failed_sign_ins(person.id))
        if retry_at is not None:
            raise SignInDelayed(person, retry_at)
        raise SignInRefused(f"Wrong PIN or passphrase for {person.name}.")
    with ctx.store.transaction():
        ctx.store.record_audit(AuditAction.SIGNED_IN, person.id)
    ctx.person = person
    return person


def _failed(ctx: PracticeContext, person: Practitioner, why: str) -> None:
    with ctx.store.transaction():
        ctx.store.record_audit(AuditAction.SIGN_IN_FAILED, person.id, detail=why)


def sign_out(ctx: PracticeContext) -> None:
    person, ctx.person = ctx.person, None
    if person is not None:
        with ctx.store.transaction():
            ctx.store.record_audit(AuditAction.SIGNED_OUT, person.id)


def set_up_administrator(
    ctx: PracticeContext, secret: str, person_id: str | None, name: str | None, role: str,
    profession: str, rpps: str | None, accepts_messaging: bool,
) -> Practitioner:
    if not ctx.store.needs_administrator():
        raise NotAllowed("This practice has an administrator already: sign in as them to add "
                         "people.")
    verifier = store_people.verifier(secret)
    with ctx.store.transaction():
        if person_id is not None:
            existing = ctx.store.person(person_id)
            if existing is None:
                raise PasserelleError("No such person in this practice.")
            ctx.store.set_person_secret(existing.id, verifier, existing.id)
            ctx.store.set_person_active(existing.id, True, existing.id)
            person = ctx.store.set_person_administrator(existing.id, True, existing.id)
        else:
            person = ctx.store.add_person(
                name or "", role, verifier, True, profession, rpps, accepts_messaging)
            if person.role == PRACTITIONER:
                ctx.publish_practitioner(person.id, accepts_messaging)
        ctx.store.record_audit(AuditAction.SIGNED_IN, person.id, detail="first administrator")
    ctx.person = person
    return person


def add_person(
    ctx: PracticeContext, name: str, role: str, secret: str | None, administrator: bool,
    profession: str, rpps: str | None, accepts_messaging: bool,
) -> Practitioner:
    actor = ctx.acting(Right.PEOPLE)
    verifier = store_people.verifier(secret) if secret else None
    with ctx.store.transaction():
        person = ctx.store.add_person(name, role, verifier, administrator, profession, rpps,
                                     accepts_messaging, actor.id)
        if person.role == PRACTITIONER:
            ctx.publish_practitioner(person.id, accepts_messaging)
    return person


def reset_secret(ctx: PracticeContext, person_id: str, secret: str) -> None:
    """A new PIN or passphrase: one's own, or anyone's by an administrator."""
    person = ctx.person
    if person is None or person.id != person_id:
        person = ctx.acting(Right.PEOPLE)
    check_secret(secret)
    verifier = store_people.verifier(secret)
    with ctx.store.transaction():
        ctx.store.set_person_secret(person_id, verifier, person.id)


def set_active(ctx: PracticeContext, person_id: str, active: bool) -> Practitioner:
    actor = ctx.acting(Right.PEOPLE)
    if not active and person_id == actor.id:
        raise NotAllowed("You cannot deactivate yourself: another administrator can.")
    with ctx.store.transaction():
        return ctx.store.set_person_active(person_id, active, actor.id)


def set_administrator(ctx: PracticeContext, person_id: str, administrator: bool) -> Practitioner:
    actor = ctx.acting(Right.PEOPLE)
    with ctx.store.transaction():
        return ctx.store.set_person_administrator(person_id, administrator, actor.id)


class People:
    """The people of the practice at this workstation: who is signed in, and managing them
    (most of it an administrator's), over the practice's context."""

    def __init__(self, ctx: PracticeContext) -> None:
        self.ctx = ctx

    def sign_in(self, person_id: str, secret: str) -> Practitioner:
        """Name the person at the keyboard (the Argon2id check: call it off the GUI thread).
        Audited, failures included; ``SignInRefused`` with a sentence when refused."""
        return sign_in(self.ctx, person_id, secret)

    def sign_out(self) -> None:
        """The person leaves; the store stays open for the next one. Audited."""
        sign_out(self.ctx)

    def set_up_administrator(
        self, secret: str, person_id: str | None = None, name: str | None = None,
        role: str = "practitioner", profession: str = "", rpps: str | None = None,
        accepts_messaging: bool = False,
    ) -> Practitioner:
        """The practice's first administrator (a new store, or one upgraded from a
        Passerelle without people): an existing person (``person_id``) or a new one.
        Refused once an administrator exists. Signs them in."""
        return set_up_administrator(
            self.ctx, secret, person_id, name, role, profession, rpps, accepts_messaging)

    def add(
        self, name: str, role: str, secret: str | None, administrator: bool = False,
        profession: str = "", rpps: str | None = None, accepts_messaging: bool = False,
    ) -> Practitioner:
        """A new person of the practice (an administrator only)."""
        return add_person(
            self.ctx, name, role, secret, administrator, profession, rpps, accepts_messaging)

    def add_practitioner(
        self, name: str, profession: str, rpps: str | None = None,
        accepts_messaging: bool = False, secret: str | None = None,
    ) -> Practitioner:
        """A new practitioner (an administrator only); without ``secret`` they cannot sign
        in until an administrator sets one."""
        return self.add(name, PRACTITIONER, secret, False, profession, rpps, accepts_messaging)

    def reset_secret(self, person_id: str, secret: str) -> None:
        """A new PIN or passphrase: one's own, or anyone's by an administrator."""
        reset_secret(self.ctx, person_id, secret)

    def set_active(self, person_id: str, active: bool) -> Practitioner:
        """Deactivate a person (they can no longer sign in) or bring them back."""
        return set_active(self.ctx, person_id, active)

    def set_administrator(self, person_id: str, administrator: bool) -> Practitioner:
        return set_administrator(self.ctx, person_id, administrator)

    # -- a practitioner's own settings ---------------------------------------

    def set_signature(self, practitioner_id: str, png: bytes | None) -> None:
        """A practitioner's signature image: theirs to change, or an administrator's."""
        self.ctx.acting(Right.SIGNATURE, concerning=practitioner_id)
        self.ctx.store.set_signature(practitioner_id, png)

    def update_practitioner(
        self, practitioner_id: str, name: str, profession: str, rpps: str | None,
        response_days: int, absent_from: Any, absent_until: Any, absence_message: str | None,
        accepts_messaging: bool,
    ) -> Practitioner:
        """A practitioner's details and messaging settings (response time, absence,
        messaging on or off), in one transaction: theirs to change, or an administrator's."""
        store = self.ctx.store
        self.ctx.acting(Right.OWN_SETTINGS, concerning=practitioner_id)
        with store.transaction():
            store.update_practitioner(practitioner_id, name, profession, rpps)
            store.set_response_days(practitioner_id, response_days)
            store.set_absence(practitioner_id, absent_from, absent_until, absence_message)
            current = store.practitioner(practitioner_id)
            if current is not None and current.accepts_messaging != accepts_messaging:
                self.set_messaging(practitioner_id, accepts_messaging)
        found = store.practitioner(practitioner_id)
        assert found is not None
        return found

    def set_messaging(self, practitioner_id: str, accepts: bool) -> None:
        """Messaging on or off for a practitioner: patients may write to them, or not."""
        store = self.ctx.store
        self.ctx.acting(Right.OWN_SETTINGS, concerning=practitioner_id)
        with store.transaction():
            if store.practitioner(practitioner_id) is None:
                raise PasserelleError("No such practitioner in this practice.")
            store.set_accepts_messaging(practitioner_id, accepts)
            self.ctx.publish_practitioner(practitioner_id, accepts)
