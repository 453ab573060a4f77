"""The people of the practice, their absences and signatures, on every workstation.

``person`` (FIELDS, entity: the person's id): name, profession, RPPS number, role,
administrator, active, messaging on or off, response time, and the verifier of their
PIN or passphrase (Argon2id: never the secret) — so that a person signs in on any
workstation of the practice with the same PIN, and one deactivated on one cannot sign
in on another. ``absence`` (FIELDS, same entity): the days away and the message
patients receive meanwhile. ``signature`` (FIELDS, same entity): the image printed on
their prescriptions, up to 256 KiB of PNG — larger than one journal entry once in
base64, so it travels in parts, each field named after the image's digest, and the
projector writes the image only once every part of the winning one is here.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from desktop.store import journal_projection
from desktop.store.replicate import changes, publish, row

PERSON = "person"
ABSENCE = "absence"
SIGNATURE = "signature"

_PERSON_FIELDS = (
    "name", "profession", "rpps", "accepts_messaging", "response_days", "role",
    "administrator", "active", "secret", "created_at",
)
_ABSENCE_FIELDS = ("absent_from", "absent_until", "absence_message")
_FLAGS = ("accepts_messaging", "administrator", "active")
#: Raw bytes per part: about 200 KiB once in base64, under the relay's 256 KiB an entry.
SIGNATURE_PART = 150_000
_SIGNATURE_KEY = "signature_png:"


def person_fields(c: Any, person_id: str) -> dict[str, Any] | None:
    found = row(c, f"SELECT {', '.join(_PERSON_FIELDS)} FROM practitioners WHERE id = ?",
                (person_id,), _PERSON_FIELDS)
    if found is not None:
        for flag in _FLAGS:
            found[flag] = bool(found[flag])
    return found


def absence_fields(c: Any, person_id: str) -> dict[str, Any] | None:
    return row(c, f"SELECT {', '.join(_ABSENCE_FIELDS)} FROM practitioners WHERE id = ?",
               (person_id,), _ABSENCE_FIELDS)


def snapshot(c: Any, person_id: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A person as stored now, to publish what a change does to them (:func:`publish_person`)."""
    return person_fields(c, person_id), absence_fields(c, person_id)


def publish_person(
    c: Any, person_id: str,
    before: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None),
) -> None:
    person, absence = snapshot(c, person_id)
    if person is None or absence is None:
        return
    publish(c, PERSON, person_id, changes(before[0], person))
    # A new person's empty absence is the default: nothing to say.
    if before[1] is not None or any(absence.values()):
        publish(c, ABSENCE, person_id, changes(before[1], absence))


def publish_signature(c: Any, person_id: str, png: bytes | None) -> None:
    """The parts first, then the field naming the image they make: a workstation that has
    the name has every part before it (one workstation's events arrive in order)."""
    if png is None:
        publish(c, SIGNATURE, person_id, {"image": None})
        return
    digest = hashlib.sha256(png).hexdigest()
    parts = [png[i : i + SIGNATURE_PART] for i in range(0, len(png), SIGNATURE_PART)]
    for n, part in enumerate(parts):
        publish(c, SIGNATURE, person_id, {f"{digest}:{n}": base64.b64encode(part).decode()})
    publish(c, SIGNATURE, person_id, {"image": {"sha256": digest, "parts": len(parts)}})


# -- projecting the others' --------------------------------------------------------------


def project_person(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    columns = {k: values[k] for k in _PERSON_FIELDS if k in values}
    for flag in _FLAGS:
        if flag in columns:
            columns[flag] = int(bool(columns[flag]))
    here = c.execute("SELECT 1 FROM practitioners WHERE id = ?", (entity,)).fetchone()
    if here is not None:
        columns.pop("created_at", None)
        if columns:
            c.execute(
                f"UPDATE practitioners SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
                (*columns.values(), entity),
            )
        return
    if "name" not in columns:
        return  # the event adding them is still on its way
    columns.setdefault("profession", "")
    columns.setdefault("created_at", _now())
    c.execute(
        f"INSERT INTO practitioners (id, {', '.join(columns)}) "
        f"VALUES (?, {', '.join('?' * len(columns))})",
        (entity, *columns.values()),
    )


def project_absence(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    columns = {k: values[k] for k in _ABSENCE_FIELDS if k in values}
    if "absence_message" in columns and columns["absence_message"] is None:
        columns["absence_message"] = ""
    if columns:
        c.execute(
            f"UPDATE practitioners SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
            (*columns.values(), entity),
        )


def project_signature(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    if "image" not in values:
        return
    if c.execute("SELECT 1 FROM practitioners WHERE id = ?", (entity,)).fetchone() is None:
        return
    key = _SIGNATURE_KEY + entity
    image = values["image"]
    if image is None:
        c.execute("DELETE FROM secrets WHERE key = ?", (key,))
        return
    digest, count = str(image["sha256"]), int(image["parts"])
    try:
        png = b"".join(base64.b64decode(values[f"{digest}:{n}"]) for n in range(count))
    except KeyError:
        return  # a part is still on its way: the next one brings the projector back
    if hashlib.sha256(png).hexdigest() != digest:
        raise ValueError("a signature image whose parts do not make its digest")
    c.execute(
        "INSERT INTO secrets (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, png),
    )


def _now() -> str:
    from desktop.store.timestamps import now_db

    return now_db()


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """Every person, absence and signature as events, for a store's first publication
    (a signature's parts are events of their own, before the one naming the image)."""
    for (person_id,) in c.execute("SELECT id FROM practitioners ORDER BY rowid").fetchall():
        person, absence = snapshot(c, person_id)
        assert person is not None and absence is not None
        yield PERSON, person_id, person
        if any(absence.values()):
            yield ABSENCE, person_id, absence
        found = c.execute(
            "SELECT value FROM secrets WHERE key = ?", (_SIGNATURE_KEY + person_id,)
        ).fetchone()
        if found is not None:
            png = bytes(found[0])
            digest = hashlib.sha256(png).hexdigest()
            parts = [png[i : i + SIGNATURE_PART] for i in range(0, len(png), SIGNATURE_PART)]
            for n, part in enumerate(parts):
                yield SIGNATURE, person_id, {f"{digest}:{n}": base64.b64encode(part).decode()}
            yield SIGNATURE, person_id, {"image": {"sha256": digest, "parts": len(parts)}}


journal_projection.register(PERSON, project_person)
journal_projection.register(ABSENCE, project_absence)
journal_projection.register(SIGNATURE, project_signature)
