"""A new practice store, registered with the relay: what the first-run wizard does.

All or nothing: if the relay refuses the enrolment token or cannot be
reached, the half-made file is removed and the wizard stays open with what
was typed, so that the practice can correct it and try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import PasserelleError
from desktop.store import Store
from desktop.store.backup import set_recovery_key
from desktop.store.files import remove_store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation


@dataclass(frozen=True)
class NewPractitioner:
    """A member of the practice as typed in the wizard."""

    name: str
    profession: str
    rpps: str | None
    accepts_messaging: bool


def create_practice_store(
    path: Path,
    passphrase: str,
    relay_url: str,
    enrolment_token: str,
    practice_name: str,
    practice_address: str,
    practice_phone: str,
    practitioners: list[NewPractitioner],
    device_name: str = "workstation",
    recovery_key: str | None = None,
    administrator_secret: str | None = None,
) -> Store:
    """Create, enrol and fill the store at ``path``; returns it open.

    ``recovery_key``: the one the wizard showed; backups are encrypted with it.
    ``administrator_secret``: the first practitioner's PIN or passphrase: they become
    the practice's administrator (desktop.core.rights), and set the others' secrets in
    Settings → People. Without it, the first unlock asks for an administrator.
    """
    if not practitioners:
        raise PasserelleError("A practice needs at least one practitioner.")
    if path.exists():
        raise PasserelleError(f"{path} already exists; choose another place for the store.")
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.create(path, passphrase)
    try:
        ws = Workstation.enrol(store, relay_url, enrolment_token, device_name, practice_name)
        with store.transaction():
            store.set_setting("practice_address", practice_address)
            store.set_setting("practice_phone", practice_phone)
            first = None
            for p in practitioners:
                if first is None and administrator_secret is not None:
                    made = ws.set_up_administrator(
                        administrator_secret, name=p.name, profession=p.profession,
                        rpps=p.rpps, accepts_messaging=p.accepts_messaging)
                elif administrator_secret is not None:
                    made = ws.add_practitioner(p.name, p.profession, p.rpps, p.accepts_messaging)
                else:
                    made = store.add_practitioner(p.name, p.profession, p.rpps,
                                                  p.accepts_messaging)
                    ws._publish_practitioner(made.id, p.accepts_messaging)
                first = first or made
            assert first is not None
            store.set_setting("default_practitioner", first.id)
            if recovery_key is not None:
                set_recovery_key(store, recovery_key)
        try:
            Sync(ws).once()  # publish the practitioners now if the relay is there
        except PasserelleError:
            pass  # the outbox keeps them; background sync carries them later
        return store
    except BaseException:
        store.close()
        remove_store(path)
        raise
