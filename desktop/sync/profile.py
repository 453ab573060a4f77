"""The practice profile: what a patient sees before writing, published by the practice.

A profile says, for each practitioner, how many working days a reply usually
takes and whether (from when, until when, with what message) he is absent,
and gives the practice's name, address and phone number::

    {
      "practice": {"name": "...", "address": "...", "phone": "..."},
      "practitioners": [
        {"id": "<uuid>", "name": "...", "profession": "...", "response_days": 2,
         "absence": {"from": "2026-08-01", "until": "2026-08-21", "message": "..."}}
      ],
      "documents": {"max_bytes": 25000000},
      "keys": [<key statement>, ...]
    }

Every field is optional (``absence`` may be ``null``). ``keys``, after the practice's keys
were rotated (a workstation revoked), lists every key statement, oldest first
(desktop/crypto/practice_keys.py): a patient's app follows them from the key it trusts.
The practice seals it with the **profile key** (a store secret, handed to each patient in the
welcome of his invitation) and signs it (``desktop.crypto.profile``);
publishing is a local transaction that queues a ``PUT /v1/practice/profile``
in the outbox, which sync pushes like any other action.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.core.documents import DEFAULT_MAX_BYTES, LIMIT_SETTING, check_limit
from desktop.core.errors import InvalidField, PasserelleError
from desktop.crypto.profile import new_profile_key, seal_profile
from desktop.sync.client import API, b64
from desktop.sync.key_change import STATEMENTS_SETTING as STATEMENTS

if TYPE_CHECKING:
    # Types only: the patient client checks profiles with this module and
    # needs neither the store nor the practice's context.
    from desktop.store import Store
    from desktop.sync.practice_context import PracticeContext

PROFILE_PATH = f"{API}/practice/profile"
#: The relay refuses larger blobs (docs/PROTOCOL.md).
MAX_BLOB_BYTES = 64 * 1024
MAX_PRACTITIONERS = 100
MAX_RESPONSE_DAYS = 60
# Characters.
_PRACTICE_FIELDS = {"name": 200, "address": 500, "phone": 40}
_PRACTITIONER_TEXT = {"name": 200, "profession": 100}
MAX_ABSENCE_MESSAGE = 1000

KEY_SECRET = "profile_key"
#: The practice's key statements (a JSON list, oldest first), which every profile carries.
STATEMENTS_SETTING = STATEMENTS
MAX_STATEMENTS = 100
_VERSION_SETTING = "profile_version"
_PUBLISHED_SETTING = "profile_published"


class ProfileInvalid(PasserelleError):
    """A practice profile that does not follow the rules above; the message says where."""


# -- the document ------------------------------------------------------------


def check_profile(profile: Any, *, strict: bool = True) -> dict[str, Any]:
    """Check a profile and return it unchanged; raise ProfileInvalid.

    ``strict`` (publishing) also refuses fields this version does not know, so
    that a misspelt one is not published silently; a reader (``strict=False``)
    lets them through, as a newer practice application may add some.
    """
    if not isinstance(profile, dict):
        raise ProfileInvalid("A practice profile is a JSON object.")
    _known(profile, {"practice", "practitioners", "documents", "keys"}, "the profile", strict)
    keys = profile.get("keys", [])
    if not isinstance(keys, list) or len(keys) > MAX_STATEMENTS or any(
        not isinstance(k, dict) for k in keys
    ):
        raise ProfileInvalid(f"'keys' is a list of at most {MAX_STATEMENTS} key statements.")
    documents = profile.get("documents", {})
    if not isinstance(documents, dict):
        raise ProfileInvalid("'documents' is an object (max_bytes).")
    _known(documents, {"max_bytes"}, "'documents'", strict)
    if "max_bytes" in documents:
        try:
            check_limit(documents["max_bytes"])
        except InvalidField as exc:
            raise ProfileInvalid(str(exc)) from None
    practice = profile.get("practice", {})
    if not isinstance(practice, dict):
        raise ProfileInvalid("'practice' is an object (name, address, phone).")
    _known(practice, set(_PRACTICE_FIELDS), "'practice'", strict)
    for name, limit in _PRACTICE_FIELDS.items():
        _text(practice, name, limit, f"the practice's {name}")
    practitioners = profile.get("practitioners", [])
    if not isinstance(practitioners, list):
        raise ProfileInvalid("'practitioners' is a list.")
    if len(practitioners) > MAX_PRACTITIONERS:
        raise ProfileInvalid(f"A profile lists at most {MAX_PRACTITIONERS} practitioners.")
    seen: set[str] = set()
    for n, entry in enumerate(practitioners, 1):
        where = f"practitioner {n}"
        if not isinstance(entry, dict):
            raise ProfileInvalid(f"{where} is an object.")
        _known(entry, {"id", *_PRACTITIONER_TEXT, "response_days", "absence"}, where, strict)
        pid = entry.get("id")
        if not isinstance(pid, str) or not _is_uuid(pid):
            raise ProfileInvalid(f"{where} needs the practitioner's id (a UUID).")
        if pid in seen:
            raise ProfileInvalid(f"{where} is listed twice.")
        seen.add(pid)
        for name, limit in _PRACTITIONER_TEXT.items():
            _text(entry, name, limit, f"{where}'s {name}")
        days = entry.get("response_days")
        if days is not None and (
            not isinstance(days, int)
            or isinstance(days, bool)
            or not 0 <= days <= MAX_RESPONSE_DAYS
        ):
            raise ProfileInvalid(
                f"{where}: the response time is a number of working days, 0 to {MAX_RESPONSE_DAYS}."
            )
        _check_absence(entry.get("absence"), where, strict)
    return profile


def _check_absence(absence: Any, where: str, strict: bool) -> None:
    if absence is None:
        return
    if not isinstance(absence, dict):
        raise ProfileInvalid(f"{where}: an absence is an object (from, until, message) or null.")
    _known(absence, {"from", "until", "message"}, f"{where}'s absence", strict)
    start = _date(absence.get("from"), f"{where}: the absence's first day")
    end = _date(absence.get("until"), f"{where}: the absence's last day")
    if end < start:
        raise ProfileInvalid(f"{where}: the absence ends before it begins.")
    _text(absence, "message", MAX_ABSENCE_MESSAGE, f"{where}'s absence message")


def _known(obj: dict[str, Any], names: set[str], where: str, strict: bool) -> None:
    unknown = sorted(str(k) for k in obj if k not in names)
    if strict and unknown:
        raise ProfileInvalid(f"{where} has unknown fields: {', '.join(unknown)}.")


def _text(obj: dict[str, Any], name: str, limit: int, what: str) -> None:
    value = obj.get(name)
    if value is None:
        return
    if not isinstance(value, str):
        raise ProfileInvalid(f"{what} is text.")
    if len(value) > limit:
        raise ProfileInvalid(f"{what} is limited to {limit} characters.")


def _date(value: Any, what: str) -> date:
    # Exactly YYYY-MM-DD: fromisoformat alone would also take "20260801".
    if not isinstance(value, str) or len(value) != 10:
        raise ProfileInvalid(f"{what} is a date, YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProfileInvalid(f"{what} is a date, YYYY-MM-DD.") from None


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


# -- the practice's side -----------------------------------------------------


def profile_key(store: Store) -> bytes:
    """The practice's profile key, created on first use (a store secret).

    ``Workstation.invite`` puts it in every welcome, so that each enrolled
    patient can open the profile the relay cannot.
    """
    with store.transaction():
        key = store.get_secret(KEY_SECRET)
        if key is None:
            key = new_profile_key()
            store.set_secret(KEY_SECRET, key)
    return key


def publish_profile(ctx: PracticeContext, profile: dict[str, Any]) -> None:
    """Seal, sign and queue a new version of the practice profile; sync sends it.

    Bad input (ProfileInvalid) changes nothing. The version is the time in
    milliseconds, and above the last one this store published: another
    workstation of the practice publishing later wins, and the relay refuses
    the older one (``stale_version``, kept in the outbox's failures).
    """
    check_profile(profile)
    practice_id = ctx.practice_id
    if not practice_id:
        raise PasserelleError("This workstation is not registered with a relay yet.")
    store = ctx.store
    with store.transaction():
        # The key statements are the store's, whatever the caller started from.
        profile = {k: v for k, v in profile.items() if k != "keys"}
        statements = json.loads(store.get_setting(STATEMENTS_SETTING) or "[]")
        if statements:
            profile["keys"] = statements
        last = int(store.get_setting(_VERSION_SETTING) or 0)
        version = max(time.time_ns() // 1_000_000, last + 1)
        blob = seal_profile(
            profile, profile_key(store), ctx.identity.sign_key, practice_id, version
        )
        if len(blob) > MAX_BLOB_BYTES:
            raise ProfileInvalid(
                f"This profile is too long to publish (over {MAX_BLOB_BYTES // 1024} KiB "
                "once sealed); shorten the absence messages."
            )
        store.enqueue(
            "PUT",
            PROFILE_PATH,
            {"practice_id": practice_id, "version": version, "blob": b64(blob)},
        )
        store.set_setting(_VERSION_SETTING, str(version))
        store.set_setting(_PUBLISHED_SETTING, json.dumps(profile, ensure_ascii=False))


def published_profile(store: Store) -> dict[str, Any] | None:
    """The profile this store last published (what the options page starts from), if any."""
    text = store.get_setting(_PUBLISHED_SETTING)
    if text is None:
        return None
    profile = json.loads(text)
    return profile if isinstance(profile, dict) else None


def current_profile(store: Store) -> dict[str, Any]:
    """The profile as the store holds it now: the practice, and who accepts messaging."""
    practitioners = []
    for p in store.practitioners():
        if not p.accepts_messaging:
            continue  # patients cannot write to the others: nothing to tell them
        absence = None
        if p.absent_from and p.absent_until:
            absence = {"from": p.absent_from, "until": p.absent_until,
                       "message": p.absence_message or ""}
        practitioners.append({"id": p.id, "name": p.name, "profession": p.profession,
                              "response_days": p.response_days, "absence": absence})
    return {
        "practice": {
            "name": store.get_setting("practice_name") or "",
            "address": store.get_setting("practice_address") or "",
            "phone": store.get_setting("practice_phone") or "",
        },
        "practitioners": practitioners,
        "documents": {"max_bytes": document_limit(store)},
    }  # publish_profile adds the key statements, if any


def document_limit(store: Store) -> int:
    """The practice's limit per document, in bytes (the default until it sets one)."""
    try:
        return check_limit(int(store.get_setting(LIMIT_SETTING) or DEFAULT_MAX_BYTES))
    except (InvalidField, ValueError):
        return DEFAULT_MAX_BYTES


def publish_current_profile(ctx: PracticeContext) -> None:
    """Publish :func:`current_profile` (after the settings screen saved a change)."""
    publish_profile(ctx, current_profile(ctx.store))
