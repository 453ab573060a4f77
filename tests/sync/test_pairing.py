"""A new workstation joins the practice through a real relay: one code, once, in ten
minutes; what it holds afterwards; and every way it is refused with nothing changed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from desktop.core.errors import WrongPassphrase
from desktop.core.rights import NotAllowed
from desktop.crypto import Identity
from desktop.store import Store
from desktop.store.audit_query import AuditFilter
from desktop.sync import pairing
from desktop.sync.client import RelayClient
from desktop.sync.workstation import Workstation
from relay.db import Database, pairings, utcnow
from tests.support.relay import create_practice
from tests.support.workstations import office  # noqa: F401  (the fixture)
from tests.support.world import PASSPHRASE, Practice, make_practice, patient_request

SHARED_SECRETS = ("practice_identity", "profile_key", "decision_secret")


def store_dump(store: Store) -> dict[str, Any]:
    """Everything a refused pairing must leave as it was."""
    with store._reading() as c:
        tables = [r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%fts%' AND name NOT LIKE 'search%'")]
        return {t: c.execute(f'SELECT * FROM "{t}"').fetchall() for t in sorted(tables)}


def relay_pairings(relay: Any) -> list[Any]:
    with Database(relay.database_url).read() as conn:
        return conn.execute(pairings.select().order_by(pairings.c.id)).all()


def wrong(code: str) -> str:
    return ("0" if code[0] != "0" else "1") + code[1:]


@pytest.fixture()
def desk(relay: Any, tmp_path: Path) -> Any:
    token = create_practice(relay.database_url, "Cabinet Dupont")
    p = make_practice(relay.url, token, tmp_path / "desk.passerelle")
    yield p
    p.store.close()


def test_the_joined_workstation_holds_the_practice_keys_and_reads_its_mailbox(
    relay: Any, desk: Practice, tmp_path: Path
) -> None:
    patient = desk.enrol(relay.url, "Jean Moreau")
    patient_request(patient, desk.practitioner_id, "Ma tension est à 15/9 depuis lundi")
    desk.sync()
    session = pairing.JoinSession.start(relay.url, "Portable visites")
    assert len(session.code) == 11 and session.code[5] == "-"
    assert session.poll() == "pending"
    newcomer = pairing.claim(desk.workstation, session.code.lower().replace("-", " "))
    # Both screens show the same name and fingerprint for the person to compare.
    assert (newcomer.name, newcomer.fingerprint) == ("Portable visites", session.fingerprint)
    approval = pairing.approve(desk.workstation, newcomer)
    assert approval.account_id is None  # it has not collected the keys yet
    assert session.poll() == "done"
    laptop_store = session.finish(tmp_path / "laptop.passerelle", PASSPHRASE)
    session.close()
    settled = pairing.settle(desk.workstation)
    try:
        for name in SHARED_SECRETS:
            assert laptop_store.get_secret(name) == desk.store.get_secret(name)
        for name in ("practice_id", "practice_name"):
            assert laptop_store.get_setting(name) == desk.store.get_setting(name)
        account = laptop_store.get_setting("account_id")
        assert account and account != desk.store.get_setting("account_id")
        assert settled == {newcomer.offer.pairing_id: account}
        own = Identity.from_bytes(laptop_store.get_secret("workstation_identity") or b"")
        assert own.sign_pk == newcomer.offer.sign_pk
        # Each trusts the other's own key, under its account id.
        desk_id = desk.store.get_setting("account_id")
        for store in (desk.store, laptop_store):
            trusted = {w.account_id: w for w in store.journal_workstations()}
            assert set(trusted) == {desk_id, account}
            assert trusted[account].sign_pk == own.sign_pk
            assert trusted[account].name == "Portable visites"
            assert trusted[account].added_by == "Dr Claire Dupont"
        # The desk told the practice, and its audit trail says who approved what.
        events = [e for e in desk.store.journal_pending(100) if e.kind == "workstation"]
        assert [e.entity for e in events] == [account]
        audit = desk.store.audit_page(AuditFilter(action="workstation_added"))
        assert [r.detail for r in audit] == [f"Portable visites ({newcomer.fingerprint})"]
        # Its own token, and the practice's mailbox read with the practice's keys (what the
        # patients' envelopes say needs the patients, which the journal brings).
        laptop = Practice(laptop_store, Workstation(laptop_store), desk.practitioner_id)
        me = RelayClient(relay.url, (laptop_store.get_secret("relay_token") or b"").decode())
        assert me.get("/v1/me")["account_id"] == account
        laptop.sync()
        assert laptop_store.cursor("practice") == desk.store.cursor("practice")
        assert not [r for r in laptop_store.rejected() if "addressed" in r.reason]
    finally:
        laptop_store.close()


def test_a_wrong_code_is_refused_on_the_approving_side_and_changes_nothing(
    relay: Any, desk: Practice
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    before, relay_before = store_dump(desk.store), relay_pairings(relay)
    with pytest.raises(pairing.PairingRejected, match="No new workstation waits for this code"):
        pairing.claim(desk.workstation, wrong(session.code))
    with pytest.raises(pairing.PairingRejected, match="10 letters and digits"):
        pairing.claim(desk.workstation, "K7QF2")
    assert store_dump(desk.store) == before
    assert relay_pairings(relay) == relay_before
    # The new workstation waits on, and the right code still works.
    assert session.poll() == "pending"
    pairing.approve(desk.workstation, pairing.claim(desk.workstation, session.code))
    assert session.poll() == "done"


def test_a_used_code_is_refused_and_changes_nothing(
    relay: Any, desk: Practice, tmp_path: Path
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    newcomer = pairing.claim(desk.workstation, session.code)
    pairing.approve(desk.workstation, newcomer)
    assert session.poll() == "done"
    session.finish(tmp_path / "accueil.passerelle", PASSPHRASE).close()
    pairing.settle(desk.workstation)
    before, relay_before = store_dump(desk.store), relay_pairings(relay)
    with pytest.raises(pairing.PairingRejected, match="already used"):
        pairing.claim(desk.workstation, session.code)
    # Approving again what was claimed before (the form left open) is refused too.
    with pytest.raises(pairing.PairingRejected, match="already used"):
        pairing.approve(desk.workstation, newcomer)
    assert store_dump(desk.store) == before
    assert relay_pairings(relay) == relay_before


def test_an_expired_code_is_refused_on_both_sides_and_nothing_is_made(
    relay: Any, desk: Practice, tmp_path: Path
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    with Database(relay.database_url).write() as conn:  # eleven minutes later
        conn.execute(update(pairings).where(pairings.c.id == uuid.UUID(session.pairing_id))
                     .values(expires_at=utcnow() - timedelta(minutes=1)))
    before = store_dump(desk.store)
    with pytest.raises(pairing.PairingRejected, match="more than ten minutes old"):
        pairing.claim(desk.workstation, session.code)
    with pytest.raises(pairing.PairingExpired, match="start again"):
        session.poll()
    with pytest.raises(pairing.PasserelleError, match="Nobody has approved"):
        session.finish(tmp_path / "accueil.passerelle", PASSPHRASE)
    assert not (tmp_path / "accueil.passerelle").exists()
    assert store_dump(desk.store) == before


def test_keys_not_sealed_by_whoever_read_the_code_are_refused_by_the_new_workstation(
    relay: Any, desk: Practice, tmp_path: Path
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    pairing.approve(desk.workstation, pairing.claim(desk.workstation, session.code))
    with Database(relay.database_url).write() as conn:  # a relay that forges the bundle
        conn.execute(update(pairings).where(pairings.c.id == uuid.UUID(session.pairing_id))
                     .values(bundle_mac=b"\x00" * 32))
    with pytest.raises(pairing.PairingRejected, match="did not come from the workstation"):
        session.poll()
    with pytest.raises(pairing.PasserelleError):
        session.finish(tmp_path / "accueil.passerelle", PASSPHRASE)
    assert not (tmp_path / "accueil.passerelle").exists()


def test_a_relay_that_swaps_the_new_workstations_keys_is_caught_before_approving(
    relay: Any, desk: Practice
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    mallory = Identity.generate()
    with Database(relay.database_url).write() as conn:
        conn.execute(update(pairings).where(pairings.c.id == uuid.UUID(session.pairing_id))
                     .values(enc_pk=mallory.enc_pk, sign_pk=mallory.sign_pk))
    before = store_dump(desk.store)
    with pytest.raises(pairing.PairingRejected, match="does not match this code"):
        pairing.claim(desk.workstation, session.code)
    assert store_dump(desk.store) == before


def test_only_an_administrator_adds_a_workstation(relay: Any, desk: Practice) -> None:
    julie = desk.add_person("Julie Martin", "assistant")
    desk.sign_in(julie.id)
    session = pairing.JoinSession.start(relay.url, "Accueil")
    with pytest.raises(NotAllowed, match="only an administrator"):
        pairing.claim(desk.workstation, session.code)
    assert session.poll() == "pending"


def test_a_store_that_cannot_be_filled_leaves_nothing_behind(
    relay: Any, desk: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = pairing.JoinSession.start(relay.url, "Accueil")
    pairing.approve(desk.workstation, pairing.claim(desk.workstation, session.code))
    assert session.poll() == "done"

    def full_disk(*_: Any, **__: Any) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(Store, "journal_trust", full_disk)
    with pytest.raises(OSError):
        session.finish(tmp_path / "accueil.passerelle", PASSPHRASE)
    assert sorted(p.name for p in tmp_path.iterdir() if "accueil" in p.name) == []
    # The keys are still in hand: the same session finishes once the disk has room.
    monkeypatch.undo()
    store = session.finish(tmp_path / "accueil.passerelle", PASSPHRASE)
    assert store.get_setting("practice_id") == desk.store.get_setting("practice_id")
    store.close()
    reopened = Store.open(tmp_path / "accueil.passerelle", PASSPHRASE)
    assert reopened.get_secret("relay_token")
    reopened.close()


def test_the_office_fixture_gives_workstations_of_one_practice_each_with_its_administrator(
    office: Any
) -> None:
    desk, laptop = office(2)
    assert laptop.store.get_secret("practice_identity") == desk.store.get_secret(
        "practice_identity")
    assert laptop.store.get_setting("account_id") != desk.store.get_setting("account_id")
    for station in (desk, laptop):
        person = station.workstation.person
        assert person is not None and person.administrator and person.name == "Dr Claire Dupont"
    # The desk trusts the laptop's own key (the laptop learns the others from its bundle).
    assert laptop.store.get_setting("account_id") in {
        w.account_id for w in desk.store.journal_workstations()}


def _accounts(relay: Any) -> int:
    from relay.db import accounts

    with Database(relay.database_url).read() as conn:
        return len(conn.execute(accounts.select().where(accounts.c.role == "practice")).all())


@pytest.mark.parametrize("stopped", ["waiting", "approved", "collected", "filled"])
def test_a_computer_stopped_while_joining_goes_on_with_the_same_pairing(
    relay: Any, desk: Practice, tmp_path: Path, stopped: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed at each point of the join, the store on disk is all there is: resuming from it
    ends with one store, one relay account, trusted once by the desk."""
    target = tmp_path / "accueil.passerelle"
    session = pairing.JoinSession.start(relay.url, "Accueil")
    session.keep(target, PASSPHRASE)
    code = session.code
    if stopped != "waiting":
        pairing.approve(desk.workstation, pairing.claim(desk.workstation, code))
    if stopped in ("collected", "filled"):
        assert session.poll() == "done"
    if stopped == "filled":
        # Stopped inside the transaction that fills the store: it never committed.
        def killed(*_: Any, **__: Any) -> None:
            raise SystemExit("killed")

        monkeypatch.setattr(Store, "journal_trust", killed)
        with pytest.raises(SystemExit):
            session.finish(target, PASSPHRASE)
        monkeypatch.undo()
    session._client.close()  # the process is gone: nothing of it but the files
    if session._kept is not None:
        session._kept.close()
    assert not target.exists() and pairing.JoinSession.interrupted(target)

    with pytest.raises(WrongPassphrase):
        pairing.JoinSession.resume(target, "not the passphrase")
    again = pairing.JoinSession.resume(target, PASSPHRASE)
    assert again is not None and again.code == code
    if stopped == "waiting":
        assert again.poll() == "pending"
        pairing.approve(desk.workstation, pairing.claim(desk.workstation, again.code))
    assert again.poll() == "done"
    store = again.finish(target, PASSPHRASE)
    again.close()
    pairing.settle(desk.workstation)
    try:
        assert not pairing.JoinSession.interrupted(target)
        assert store.get_secret(pairing.JOIN_REQUEST) is None
        account = store.get_setting("account_id")
        assert _accounts(relay) == 2  # the desk's and this one's, never a third
        trusted = [w.account_id for w in desk.store.journal_workstations()]
        assert trusted.count(account) == 1 and len(trusted) == 2
        me = RelayClient(relay.url, (store.get_secret("relay_token") or b"").decode())
        assert me.get("/v1/me")["account_id"] == account
    finally:
        store.close()


def test_giving_up_a_join_leaves_nothing(relay: Any, tmp_path: Path) -> None:
    target = tmp_path / "accueil.passerelle"
    session = pairing.JoinSession.start(relay.url, "Accueil")
    session.keep(target, PASSPHRASE)
    session.abandon()
    assert not pairing.JoinSession.interrupted(target)
    assert pairing.JoinSession.resume(target, PASSPHRASE) is None
    assert list(tmp_path.glob("*accueil*")) == []
def test_three_workstations_trust_each_other(office: Any) -> None:
    stations = office(3)
    ids = {s.store.get_setting("account_id") for s in stations}
    assert len(ids) == 3
    for s in stations:
        s.sync()
    for s in stations:
        assert {w.account_id for w in s.store.journal_workstations()} == ids
        assert s.workstation.person is not None and s.workstation.person.administrator


