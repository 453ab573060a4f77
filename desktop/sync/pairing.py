"""A new workstation joins the practice: the code on its screen, approval on another one.

Two sides, both over the relay (docs/PROTOCOL.md, "Pairing a workstation"; the crypto is
``desktop.crypto.pairing``):

- **The new workstation** (first-run wizard, "Join an existing practice"):
  :meth:`JoinSession.start` makes its keys and offers them, and holds the code and the
  fingerprint its screen shows; :meth:`JoinSession.poll` asks whether someone approved;
  :meth:`JoinSession.finish` makes its store from the practice's keys that came back.
- **A workstation of the practice** (Settings → Workstations → "Add a workstation",
  an administrator): :func:`claim` reads the pairing the typed code names and checks the
  relay handed over the new workstation's own keys; the person compares the fingerprint
  with the other screen; :func:`approve` seals the practice's keys to it.

The relay makes the new workstation's account only when it collects the keys, so the
approving workstation learns its account id afterwards: :func:`approve` notes the
arrival it expects, and :func:`settle` (called by approve while it waits, and by the
Workstations settings) trusts it and tells the practice through the journal once the
relay lists it.

A wrong, used or expired code is refused with a sentence, and nothing changes on
either side.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core.errors import PasserelleError, RelayError
from desktop.core.model import AuditAction
from desktop.core.rights import Right
from desktop.crypto import Identity
from desktop.crypto import pairing as crypto
from desktop.crypto.pairing import LIFETIME_SECONDS, PairingRejected, format_code
from desktop.store import Store
from desktop.store.files import remove_store
from desktop.store.journal import TrustedWorkstation
from desktop.sync.client import API, RelayClient, b64, unb64
from desktop.sync.profile import KEY_SECRET as PROFILE_KEY_SECRET
from desktop.sync.profile import profile_key
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

#: Secrets and settings this module reads and writes (the journal's own are
#: desktop.store.journal's): this workstation's own keys, and the practice's.
WORKSTATION_IDENTITY = "workstation_identity"
DECISION_SECRET = "decision_secret"
#: Approved workstations the relay has not listed yet: pairing id → what to trust.
ARRIVALS = "pairing_arrivals"
#: A join under way, in the new workstation's store still under its temporary name: its
#: keys and fetch secret, so that a computer stopped while joining goes on with the same
#: pairing (and the same relay account) instead of leaving one whose keys are lost.
JOIN_REQUEST = "pairing_request"

#: How often the new workstation asks whether it was approved: the relay counts each
#: ask against the ``pair`` limit of the address (120 in ten minutes, shared by every
#: computer behind the practice's router).
POLL_EVERY = 4.0

__all__ = [
    "Approval",
    "JoinSession",
    "Newcomer",
    "PairingExpired",
    "PairingRejected",
    "approve",
    "claim",
    "settle",
]


class PairingExpired(PairingRejected):
    """Ten minutes passed (or the relay forgot the pairing): start again with a new code."""


#: Why a pairing was refused, for the window to say in the practice's language
#: (``reason`` of the PairingRejected this module raises).
MALFORMED = "malformed"  # not ten letters and digits
NOT_WAITING = "not_waiting"  # mistyped, used, or expired (the relay cannot tell which)
EXPIRED = "expired"  # the new workstation's own code ran out
KEYS_MISMATCH = "keys_mismatch"  # the relay handed over keys the code does not vouch for
FORGED = "forged"  # the practice's keys did not come from whoever read the code


def _refusal(reason: str, exc: PairingRejected) -> PairingRejected:
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


def _expired() -> PairingRejected:
    return _refusal(EXPIRED, PairingExpired(
        "This pairing code has expired (a code lives ten minutes) or was cancelled. "
        "Nothing was saved: start again to get a new code."
    ))


def _not_waiting() -> PairingRejected:
    return _refusal(NOT_WAITING, PairingRejected(
        "No new workstation waits for this code: it is mistyped, already used, or more "
        "than ten minutes old. Nothing was changed. Check the code on the other screen, "
        "or start again there for a new one."
    ))


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# -- the new workstation --------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    """What the relay and the approving workstation handed over."""

    token: str
    account_id: str
    practice_id: str
    bundle: dict[str, Any]


@dataclass
class JoinSession:
    """One attempt to join: the keys, the code shown, and what came back once approved."""

    relay_url: str
    name: str
    request: crypto.JoinRequest
    expires_at: datetime
    joined: Joined | None = None
    _client: RelayClient = field(default=None, repr=False)  # type: ignore[assignment]
    #: The store being made (``keep``/``resume``), under its temporary name, and its path.
    _kept: Store | None = field(default=None, repr=False)
    _kept_path: Path | None = None

    @classmethod
    def start(cls, relay_url: str, workstation_name: str) -> JoinSession:
        """Make this workstation's keys and a code, and offer them to the relay (network,
        and an Argon2id derivation: off the GUI thread)."""
        url = relay_url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise PasserelleError("The relay address starts with https:// (or http://).")
        name = workstation_name.strip()
        if not name:
            raise PasserelleError("Give this computer a name the practice will recognise "
                                  "(\"Reception\", \"Dr Martin's laptop\").")
        request = crypto.JoinRequest.start(name[:100])
        client = RelayClient(url)
        body = {k: v if isinstance(v, str) else b64(v) for k, v in request.offer().items()}
        key = str(uuid.uuid4())
        for attempt in range(3):  # the same offer again is the same offer: a retry is safe
            try:
                answer = client.post(f"{API}/pairings", body, key)
                break
            except RelayError as exc:
                if not exc.retryable or exc.code == "rate_limited" or attempt == 2:
                    client.close()
                    raise
        expires = _parse_time(answer.get("expires_at")) or _now() + timedelta(
            seconds=LIFETIME_SECONDS)
        return cls(url, request.name, request, expires, _client=client)

    @classmethod
    def begin(cls, relay_url: str, workstation_name: str, store_path: Path | str,
              passphrase: str) -> JoinSession:
        """:meth:`start` then :meth:`keep`: what the wizard does before showing a code, so
        that any code it shows can be gone on with after a stop."""
        session = cls.start(relay_url, workstation_name)
        try:
            session.keep(store_path, passphrase)
        except BaseException:
            session.close()
            raise
        return session

    def keep(self, store_path: Path | str, passphrase: str) -> None:
        """Write this attempt down before asking for the approval, in the new store (made
        now under a temporary name, encrypted with ``passphrase``: a key derivation, off
        the GUI thread). A computer stopped from here on resumes it (:meth:`resume`)."""
        path = Path(store_path)
        if path.exists():
            raise PasserelleError(f"{path} already exists; choose another place for the store.")
        path.parent.mkdir(parents=True, exist_ok=True)
        making = _making(path)
        _remove(making)
        store = Store.create(making, passphrase)
        r = self.request
        try:
            with store.transaction():
                store.set_secret(JOIN_REQUEST, json.dumps({
                    "relay_url": self.relay_url, "name": r.name, "pairing_id": r.pairing_id,
                    "code": r.code, "identity": b64(r.identity.to_bytes()),
                    "fetch_secret": b64(r.fetch_secret), "sealed_name": b64(r.sealed_name),
                    "expires_at": _iso(self.expires_at),
                }).encode())
        except BaseException:
            store.close()
            _remove(making)
            raise
        self._kept, self._kept_path = store, path

    @staticmethod
    def interrupted(store_path: Path | str) -> bool:
        """Whether a join was stopped halfway for a store at ``store_path``."""
        return _making(Path(store_path)).exists()

    @classmethod
    def resume(cls, store_path: Path | str, passphrase: str) -> JoinSession | None:
        """The join stopped halfway for ``store_path`` (None if there is none): the same
        code, keys and fetch secret, so asking again gets the same answer (a fetch within
        ten minutes of the approval hands the same account back). ``WrongPassphrase``:
        not the passphrase typed for this computer."""
        path = Path(store_path)
        making = _making(path)
        if not making.exists():
            return None
        store = Store.open(making, passphrase)
        raw = store.get_secret(JOIN_REQUEST)
        if raw is None:  # stopped before it was written down: nothing to go on with
            store.close()
            _remove(making)
            return None
        data = json.loads(raw)
        code = str(data["code"])
        request = crypto.JoinRequest(
            pairing_id=str(data["pairing_id"]), code=code, name=str(data["name"]),
            identity=Identity.from_bytes(_unb64(data["identity"])),
            fetch_secret=_unb64(data["fetch_secret"]), keys=crypto.CodeKeys.derive(code),
            sealed_name=_unb64(data["sealed_name"]))
        url = str(data["relay_url"])
        expires = _parse_time(data.get("expires_at")) or _now()
        return cls(url, request.name, request, expires, _client=RelayClient(url),
                   _kept=store, _kept_path=path)

    def abandon(self) -> None:
        """Give this attempt up: the half-made store goes (the pairing expires on the relay)."""
        kept, self._kept = self._kept, None
        if kept is not None:
            kept.close()
            _remove(kept.path)
        self.close()

    @property
    def code(self) -> str:
        """As the screen shows it: ``K7QF2-9XHRT``."""
        return format_code(self.request.code)

    @property
    def fingerprint(self) -> str:
        return self.request.fingerprint

    @property
    def pairing_id(self) -> str:
        return self.request.pairing_id

    def poll(self) -> str:
        """``"pending"`` (nobody approved yet) or ``"done"`` (the keys are here, checked).

        ``PairingExpired`` once the ten minutes are over; ``PairingRejected`` when what
        came back was not sealed by someone who had the code; ``RelayError`` for a relay
        out of reach (``retryable``: ask again later)."""
        if self.joined is not None:
            return "done"
        try:
            answer = self._client.post(
                f"{API}/pairings/{self.pairing_id}/fetch",
                {"fetch_secret": b64(self.request.fetch_secret)},
                str(uuid.uuid4()),
            )
        except RelayError as exc:
            if exc.code == "pairing_not_found":
                raise _expired() from None
            raise
        if answer.get("state") == "pending":
            if _now() > self.expires_at:
                raise _expired()
            return "pending"
        if answer.get("state") != "done":
            raise RelayError(0, "bad_response", "The relay sent a malformed pairing answer.")
        try:
            bundle = self.request.open_practice_keys(
                unb64(answer.get("bundle")), unb64(answer.get("bundle_mac")))
        except PairingRejected as exc:
            raise _refusal(FORGED, exc) from None
        practice_id = str(answer.get("practice_id") or "")
        _check_bundle(bundle, practice_id)
        self.joined = Joined(str(answer.get("token") or ""), str(answer.get("account_id") or ""),
                             practice_id, bundle)
        return "done"

    def wait(self, timeout: float = LIFETIME_SECONDS, every: float = POLL_EVERY,
             cancelled: Any = None) -> str:
        """Poll until approved (``"done"``), ``timeout`` passes (``"pending"``) or
        ``cancelled()`` says so; a relay briefly out of reach is waited out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.poll() == "done":
                    return "done"
            except RelayError as exc:
                if not exc.retryable:
                    raise
                log.info("pairing: the relay did not answer (%s); asking again", exc)
            if time.monotonic() >= deadline or (cancelled is not None and cancelled()):
                return "pending"
            time.sleep(every)

    def finish(self, store_path: Path | str, passphrase: str) -> Store:
        """Make this workstation's store from the practice's keys; returns it open.

        All or nothing, even if the computer stops halfway: the store is filled under a
        temporary name and takes its own only once complete (a half-made store would
        open as a practice without keys). The practice's conversations, messages and
        journal arrive with the first sync (cursors from 0)."""
        joined = self.joined
        if joined is None:
            raise PasserelleError("Nobody has approved this workstation yet.")
        path = Path(store_path)
        if self._kept is not None and self._kept_path != path:
            raise PasserelleError(f"This join is making the store at {self._kept_path}.")
        if path.exists():
            raise PasserelleError(f"{path} already exists; choose another place for the store.")
        making = _making(path)
        if self._kept is not None:
            store = self._kept
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove(making)  # left by a computer that stopped while joining
            store = Store.create(making, passphrase)
        try:
            self._fill(store, joined)
        except BaseException:
            if self._kept is None:  # nothing written down to go on with
                store.close()
                _remove(making)
            raise
        key = store.raw_key
        store.close()  # the last connection out folds the WAL into the file
        self._kept = None
        making.replace(path)
        return Store.open_with_key(path, key)

    def _fill(self, store: Store, joined: Joined) -> None:
        bundle = joined.bundle
        with store.transaction():
            store.adopt_practice_keys(_unb64(bundle["identity"]),
                                      [_unb64(r) for r in bundle.get("ring") or []])
            store.set_secret(PROFILE_KEY_SECRET, _unb64(bundle["profile_key"]))
            store.set_secret(DECISION_SECRET, _unb64(bundle["decision_secret"]))
            store.set_secret("relay_token", joined.token.encode())
            store.set_secret(WORKSTATION_IDENTITY, self.request.identity.to_bytes())
            # The address this workstation reached the relay at, which works from here;
            # the bundle's is the approving workstation's.
            store.set_setting("relay_url", self.relay_url)
            store.set_setting("practice_id", joined.practice_id)
            store.set_setting("account_id", joined.account_id)
            store.set_setting("practice_name", str(bundle.get("practice_name") or ""))
            store.set_setting("workstation_name", self.name)
            store.set_secret(JOIN_REQUEST, None)
            for ws in bundle.get("workstations") or []:
                account_id = ws.get("account_id") or joined.account_id  # itself: see approve
                if account_id == joined.account_id:
                    ws = {**ws, "name": self.name}
                _trust(store, account_id, ws)

    def close(self) -> None:
        """Done with the relay; a store kept for this attempt is closed, and stays for
        :meth:`resume` until finished or abandoned."""
        self._client.close()
        kept, self._kept = self._kept, None
        if kept is not None:
            kept.close()


def _making(path: Path) -> Path:
    """Where the store is made before it takes its name."""
    return path.with_name(f".{path.name}.joining")


def _remove(path: Path) -> None:
    remove_store(path)


def _parse_time(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unb64(text: Any) -> bytes:
    return base64.b64decode(str(text), validate=True)


def _check_bundle(bundle: dict[str, Any], practice_id: str) -> None:
    """The keys came from someone who had the code; they must also be a practice's."""
    try:
        if str(bundle["practice_id"]) != practice_id:
            raise ValueError("another practice")
        Identity.from_bytes(_unb64(bundle["identity"]))
        for older in bundle.get("ring") or []:
            Identity.from_bytes(_unb64(older))
        for name in ("profile_key", "decision_secret"):
            if len(_unb64(bundle[name])) != 32:
                raise ValueError(name)
        workstations = bundle.get("workstations") or []
        if not isinstance(workstations, list):
            raise ValueError("workstations")
        for ws in workstations:
            if len(_unb64(ws["sign_pk"])) != 32 or len(_unb64(ws["enc_pk"])) != 32:
                raise ValueError("a workstation's keys")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _refusal(FORGED, PairingRejected(
            f"The practice's keys are incomplete ({exc}); nothing was saved. Start again."
        )) from None


def _trust(store: Store, account_id: str, ws: dict[str, Any]) -> None:
    store.journal_trust(
        account_id, _unb64(ws["sign_pk"]), _unb64(ws["enc_pk"]), str(ws.get("name") or ""),
        ws.get("added_at") or None, ws.get("added_by") or None, ws.get("revoked_at") or None)


# -- the approving workstation ----------------------------------------------------


@dataclass(frozen=True)
class Newcomer:
    """A workstation asking to join, checked against the code typed: what the person
    compares with the other screen before approving."""

    offer: crypto.Newcomer
    code: str
    expires_at: str

    @property
    def name(self) -> str:
        return self.offer.name

    @property
    def fingerprint(self) -> str:
        return self.offer.fingerprint


@dataclass(frozen=True)
class Approval:
    """An approved workstation: its account id once it collected the keys, else None
    (:func:`settle` trusts it when it does)."""

    name: str
    account_id: str | None


def claim(workstation: Workstation, code: str) -> Newcomer:
    """The workstation a code names, its keys checked against the code (an administrator;
    network and an Argon2id derivation: off the GUI thread). Changes nothing anywhere.

    ``PairingRejected`` (a sentence) for a malformed, wrong, used or expired code, or
    when the relay's keys are not the ones the code vouches for."""
    workstation.acting(Right.WORKSTATIONS)
    try:
        cleaned = crypto.normalise_code(code)
    except PairingRejected as exc:
        raise _refusal(MALFORMED, exc) from None
    keys = crypto.CodeKeys.derive(cleaned)
    client = workstation.client()
    try:
        claimed = client.post(f"{API}/pairings/claim", {"redeem_token": b64(keys.redeem_token)},
                              str(uuid.uuid4()))
    except RelayError as exc:
        if exc.code == "pairing_not_found":
            raise _not_waiting() from None
        raise
    finally:
        client.close()
    offer = {"id": claimed.get("id"),
             **{k: unb64(claimed.get(k)) for k in ("enc_pk", "sign_pk", "sealed_name", "binding")}}
    try:
        checked = crypto.check_offer(cleaned, offer)
    except PairingRejected as exc:
        raise _refusal(KEYS_MISMATCH, exc) from None
    return Newcomer(checked, cleaned, str(claimed.get("expires_at")))


def approve(workstation: Workstation, newcomer: Newcomer, wait: float = 0.0) -> Approval:
    """Seal the practice's keys to ``newcomer`` and hand them to the relay (an
    administrator). Audited (``workstation_added``). Then waits up to ``wait`` seconds
    for the new workstation to collect them, to trust it at once (:func:`settle`).

    ``PairingRejected`` when the code expired or was used meanwhile: nothing changed."""
    person = workstation.acting(Right.WORKSTATIONS)
    store = workstation.store
    own = own_identity(workstation)
    added_at = _iso(_now())
    bundle = practice_bundle(workstation, own, newcomer, added_at, person.name)
    sealed, mac = crypto.seal_practice_keys(newcomer.code, newcomer.offer, own, bundle)
    body = {"redeem_token": b64(crypto.CodeKeys.derive(newcomer.code).redeem_token),
            "bundle": b64(sealed), "bundle_mac": b64(mac)}
    client = workstation.client()
    key = str(uuid.uuid4())
    try:
        for attempt in range(3):  # the same key again: the relay answers the first answer
            try:
                client.post(f"{API}/pairings/approve", body, key)
                break
            except RelayError as exc:
                if exc.code == "pairing_not_found":
                    raise _not_waiting() from None
                if not exc.retryable or exc.code == "rate_limited" or attempt == 2:
                    raise
    finally:
        client.close()
    arrival = {"name": newcomer.name, "sign_pk": b64(newcomer.offer.sign_pk),
               "enc_pk": b64(newcomer.offer.enc_pk), "added_at": added_at,
               "added_by": person.name}
    with store.transaction():
        arrivals = _arrivals(store)
        arrivals[newcomer.offer.pairing_id] = arrival
        store.set_setting(ARRIVALS, json.dumps(arrivals, sort_keys=True))
        store.record_audit(AuditAction.WORKSTATION_ADDED, person.id,
                           detail=f"{newcomer.name} ({newcomer.fingerprint})")
    deadline = time.monotonic() + wait
    while True:
        account_id = settle(workstation).get(newcomer.offer.pairing_id)
        if account_id is not None or time.monotonic() >= deadline:
            return Approval(newcomer.name, account_id)
        time.sleep(0.5)


def settle(workstation: Workstation) -> dict[str, str]:
    """Trust the approved workstations the relay now lists (they collected their keys),
    and tell the practice through the journal (a ``workstation`` event); returns pairing
    id → account id for those settled. Approvals never collected are forgotten after
    twenty minutes (the relay's window)."""
    store = workstation.store
    arrivals = _arrivals(store)
    if not arrivals:
        return {}
    client = workstation.client()
    try:
        listed = client.get(f"{API}/workstations").get("workstations") or []
    finally:
        client.close()
    by_key = {w.get("sign_pk"): str(w.get("account_id")) for w in listed if w.get("sign_pk")}
    settled: dict[str, str] = {}
    with store.transaction():
        current = _arrivals(store)  # under the write lock: another settle may have run
        for pairing_id, arrival in list(current.items()):
            account_id = by_key.get(arrival["sign_pk"])
            if account_id is None:
                approved = _parse_time(arrival["added_at"])
                if approved is None or _now() - approved > timedelta(seconds=2 * LIFETIME_SECONDS):
                    del current[pairing_id]
                continue
            store.journal_admit(account_id, _unb64(arrival["sign_pk"]),
                                _unb64(arrival["enc_pk"]), arrival["name"],
                                arrival["added_at"], arrival["added_by"])
            del current[pairing_id]
            settled[pairing_id] = account_id
        store.set_setting(ARRIVALS, json.dumps(current, sort_keys=True) if current else None)
    return settled


def _arrivals(store: Store) -> dict[str, dict[str, str]]:
    raw = store.get_setting(ARRIVALS)
    return json.loads(raw) if raw else {}


def own_identity(workstation: Workstation) -> Identity:
    """This workstation's own keys (it signs journal entries and bundles with them), made
    now if the store predates them, and itself in its trusted set."""
    store = workstation.store
    store.ensure_workstation_keys()
    raw = store.get_secret(WORKSTATION_IDENTITY)
    assert raw is not None, "an enrolled store has its workstation identity"
    return Identity.from_bytes(raw)


def _decision_secret(store: Store) -> bytes:
    with store.transaction():
        raw = store.get_secret(DECISION_SECRET)
        if raw is None:  # the first workstation, before any other joined
            raw = secrets.token_bytes(32)
            store.set_secret(DECISION_SECRET, raw)
    return raw


def _listed(rows: Iterable[TrustedWorkstation]) -> list[dict[str, Any]]:
    return [{"account_id": w.account_id, "sign_pk": b64(w.sign_pk), "enc_pk": b64(w.enc_pk),
             "name": w.name, "added_at": w.added_at, "added_by": w.added_by,
             "revoked_at": w.revoked_at}
            # Without its enc_pk a workstation cannot be sealed to (a rotation): none of
            # ours lacks it; one that did would be left for the journal to bring.
            for w in rows if w.enc_pk is not None]


def practice_bundle(workstation: Workstation, own: Identity, newcomer: Newcomer,
                    added_at: str, added_by: str) -> dict[str, Any]:
    """What the new workstation needs of the practice's keys and trust (JSON-ready; the
    format is docs/PROTOCOL.md's "Pairing a workstation")."""
    store = workstation.store
    current, older = store.practice_keys()
    assert current is not None, "an enrolled store has the practice's identity"
    trusted = _listed(store.journal_workstations())
    # The newcomer itself, without an account id: the relay makes its account when it
    # collects this bundle, and the newcomer fills its own id in.
    trusted.append({"account_id": None, "sign_pk": b64(newcomer.offer.sign_pk),
                    "enc_pk": b64(newcomer.offer.enc_pk), "name": newcomer.name,
                    "added_at": added_at, "added_by": added_by})
    return {
        "practice_id": workstation.practice_id,
        "identity": b64(current),
        "ring": [b64(k) for k in older],  # newest first, as the store keeps them
        "profile_key": b64(profile_key(store)),
        "decision_secret": b64(_decision_secret(store)),
        "relay_url": workstation.relay_url,
        "practice_name": store.get_setting("practice_name") or "",
        "workstations": trusted,
    }


def first_sync(store: Store) -> Any:
    """A joined workstation's first pass: the journal (people, patients, settings: what
    only the practice knows) and the practice's mailbox from its start. The window's sync
    engine carries on from wherever this stops (offline, the wizard closed)."""
    from desktop.sync.engine import Sync

    return Sync(Workstation(store)).once()
