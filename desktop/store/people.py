"""The people of the practice: their accounts, roles and secrets (rows of ``practitioners``).

A person's secret (a PIN of 6+ digits or a passphrase) is stretched with Argon2id
(libsodium through PyNaCl, its "interactive" limits: 64 MiB, a few tenths of a
second) and only the verifier is kept — inside the encrypted store. The store's
passphrase opens the store for the workstation; a person's secret says who is at
the keyboard.

Functions of a connection; the caller holds the lock and the transaction. The
rights (who may add or reset whom) are checked above, in ``desktop.sync.people``.
"""

from __future__ import annotations

from typing import Any

from nacl import pwhash
from nacl.exceptions import InvalidkeyError

from desktop.core.errors import InvalidField, StoreError
from desktop.core.model import AuditAction, Practitioner
from desktop.core.rights import ASSISTANT, PRACTITIONER, ROLES, check_secret
from desktop.store import audit
from desktop.store import practice as prac
from desktop.store import replicate_people as rep

OPS = pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEM = pwhash.argon2id.MEMLIMIT_INTERACTIVE


def verifier(secret: str) -> str:
    """The Argon2id verifier of a secret (salted, with its parameters), as text."""
    try:
        text = check_secret(secret)
    except InvalidField as exc:
        raise StoreError(str(exc)) from None
    return pwhash.argon2id.str(text.encode(), opslimit=OPS, memlimit=MEM).decode()


def matches(stored: str | None, secret: str) -> bool:
    """Whether ``secret`` is the one ``stored`` was made from (slow on purpose)."""
    if not stored or not secret:
        return False
    try:
        return bool(pwhash.verify(stored.encode(), secret.encode()))
    except InvalidkeyError:
        return False


def people(c: Any, include_inactive: bool = True) -> list[Practitioner]:
    """Everyone of the practice, practitioners and assistants, by name."""
    where = "" if include_inactive else " WHERE active = 1"
    return [prac._practitioner(r) for r in c.execute(
        prac._PRACTITIONER + where + " ORDER BY name, id")]


def stored_secret(c: Any, person_id: str) -> str | None:
    row = c.execute("SELECT secret FROM practitioners WHERE id = ?", (person_id,)).fetchone()
    return None if row is None else row[0]


def needs_administrator(c: Any) -> bool:
    """True while nobody can administer the practice: a new store, or one upgraded from a
    Passerelle without people (its practitioners have no secret yet)."""
    row = c.execute(
        "SELECT 1 FROM practitioners WHERE administrator = 1 AND active = 1 "
        "AND secret IS NOT NULL LIMIT 1").fetchone()
    return row is None


def add_person(
    c: Any,
    name: str,
    role: str,
    secret_verifier: str | None,
    administrator: bool,
    profession: str = "",
    rpps: str | None = None,
    accepts_messaging: bool = False,
    actor_id: str | None = None,
    id: str | None = None,
) -> Practitioner:
    if role not in ROLES:
        raise StoreError("A person is a practitioner or an assistant.")
    if role == PRACTITIONER:
        p = prac.add_practitioner(c, name, profession, rpps, accepts_messaging, id)
    else:
        # An assistant has no profession nor RPPS, and receives no patient's request.
        p = prac.add_practitioner(c, name, "-", None, False, id)
        c.execute("UPDATE practitioners SET role = ?, profession = '' WHERE id = ?",
                  (ASSISTANT, p.id))
    c.execute("UPDATE practitioners SET administrator = ?, secret = ? WHERE id = ?",
              (int(bool(administrator)), secret_verifier, p.id))
    audit.record(c, AuditAction.PERSON_ADDED, actor_id or p.id,
                 detail=f"{role}{', administrator' if administrator else ''}")
    found = prac.practitioner(c, p.id)
    assert found is not None
    return found


def _person(c: Any, person_id: str) -> Practitioner:
    p = prac.practitioner(c, person_id)
    if p is None:
        raise StoreError("No such person in this practice.")
    return p


def set_secret(c: Any, person_id: str, secret_verifier: str, actor_id: str) -> None:
    """A new secret for a person (set by themself, or reset by an administrator)."""
    _person(c, person_id)
    c.execute("UPDATE practitioners SET secret = ? WHERE id = ?", (secret_verifier, person_id))
    audit.record(c, AuditAction.SECRET_RESET, actor_id,
                 detail="own" if actor_id == person_id else f"for {person_id}")


def set_active(c: Any, person_id: str, active: bool, actor_id: str) -> Practitioner:
    """Deactivate (or bring back) a person: a deactivated person cannot sign in; their
    name stays on what they did."""
    p = _person(c, person_id)
    if not active and p.administrator and _other_admins(c, person_id) == 0:
        raise StoreError(
            f"{p.name} is the only administrator: name another one before deactivating them.")
    c.execute("UPDATE practitioners SET active = ? WHERE id = ?", (int(bool(active)), person_id))
    audit.record(c, AuditAction.PERSON_REACTIVATED if active else AuditAction.PERSON_DEACTIVATED,
                 actor_id, detail=person_id)
    return _person(c, person_id)


def set_administrator(c: Any, person_id: str, administrator: bool, actor_id: str) -> Practitioner:
    p = _person(c, person_id)
    if not administrator and p.administrator and _other_admins(c, person_id) == 0:
        raise StoreError(f"{p.name} is the only administrator: name another one first.")
    c.execute("UPDATE practitioners SET administrator = ? WHERE id = ?",
              (int(bool(administrator)), person_id))
    audit.record(c, AuditAction.PERSON_CHANGED, actor_id,
                 detail=f"{person_id} administrator={'yes' if administrator else 'no'}")
    return _person(c, person_id)


def _other_admins(c: Any, person_id: str) -> int:
    return int(c.execute(
        "SELECT count(*) FROM practitioners WHERE administrator = 1 AND active = 1 "
        "AND secret IS NOT NULL AND id != ?", (person_id,)).fetchone()[0])


class PeopleStore:
    """The people's part of :class:`desktop.store.Store` (a mixin: ``_reading``,
    ``_writing`` come from the database)."""

    _reading: Any
    _writing: Any

    def people(self, include_inactive: bool = True) -> list[Practitioner]:
        """Everyone of the practice (practitioners and assistants), by name."""
        with self._reading() as c:
            return people(c, include_inactive)

    def person(self, person_id: str) -> Practitioner | None:
        with self._reading() as c:
            return prac.practitioner(c, person_id)

    def needs_administrator(self) -> bool:
        """Whether the practice has no administrator who can sign in yet."""
        with self._reading() as c:
            return needs_administrator(c)

    def person_secret(self, person_id: str) -> str | None:
        """The stored verifier (never the secret itself)."""
        with self._reading() as c:
            return stored_secret(c, person_id)

    def add_person(self, name: str, role: str, secret_verifier: str | None,
                   administrator: bool = False, profession: str = "", rpps: str | None = None,
                   accepts_messaging: bool = False, actor_id: str | None = None,
                   id: str | None = None) -> Practitioner:
        with self._writing() as c:
            found = add_person(c, name, role, secret_verifier, administrator, profession, rpps,
                               accepts_messaging, actor_id, id)
            rep.publish_person(c, found.id)
            return found

    def set_person_secret(self, person_id: str, secret_verifier: str, actor_id: str) -> None:
        with self._writing() as c:
            before = rep.snapshot(c, person_id)
            set_secret(c, person_id, secret_verifier, actor_id)
            rep.publish_person(c, person_id, before)

    def set_person_active(self, person_id: str, active: bool, actor_id: str) -> Practitioner:
        with self._writing() as c:
            before = rep.snapshot(c, person_id)
            found = set_active(c, person_id, active, actor_id)
            rep.publish_person(c, person_id, before)
            return found

    def set_person_administrator(
        self, person_id: str, administrator: bool, actor_id: str
    ) -> Practitioner:
        with self._writing() as c:
            before = rep.snapshot(c, person_id)
            found = set_administrator(c, person_id, administrator, actor_id)
            rep.publish_person(c, person_id, before)
            return found
