"""How a remote journal event reaches the features' own tables: one projector per kind.

A feature registers, at import of its own module, ``register(kind, project)`` with
``project(conn, entity, values, event)``, called inside the page's transaction (in a
savepoint: if it raises, that event is undone alone and recorded as rejected) when an
event from ANOTHER workstation changes what stands:

- FIELDS kinds: ``values`` = the entity's merged winning fields, all of them (not only the
  event's), so the projector writes the row as the practice now sees it;
- UNION kinds: ``values`` = the event's fields, once per new event;
- FIRST_DECISION kinds: ``values`` = the standing decision's fields, when it becomes the
  standing one; ``register_undo(kind, undo)`` with ``undo(conn, entity, event)`` is called
  when a decision of THIS workstation stops standing (the relay refused it, or another
  workstation's earlier one arrived), before the winner is projected.

Events made on this workstation are never projected: the feature wrote its tables in the
transaction that recorded them.

The features' modules are listed in ``FEATURES`` (one line each) and imported on the first
look-up, so that a feature module may import this one without a cycle.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Callable
from typing import Any

from desktop.core.journal import RULES, JournalEvent, Rule

Project = Callable[[Any, str, dict[str, Any], JournalEvent], None]
Undo = Callable[[Any, str, JournalEvent], None]

#: The modules whose import registers projectors (D and E add theirs here).
FEATURES: tuple[str, ...] = (
    "desktop.store.rotation_projection",
    "desktop.store.replicate_people",
    "desktop.store.replicate_patients",
    "desktop.store.replicate_practice",
    "desktop.store.replicate_conversations",
    "desktop.store.replicate_audit",
    "desktop.store.replicate_notices",
    "desktop.store.replicate_absences",
    "desktop.store.replicate_decisions",  # renewal_decision, conversation_state
    "desktop.store.replicate_erasure",
)

_projectors: dict[str, Project] = {}
_undoers: dict[str, Undo] = {}
_silent: set[str] = set()
_loaded = False


def register(kind: str, project: Project) -> None:
    if kind not in RULES:
        raise ValueError(f"no journal kind {kind!r} (desktop.core.journal.RULES)")
    _projectors[kind] = project


def register_undo(kind: str, undo: Undo) -> None:
    if RULES.get(kind) is not Rule.FIRST_DECISION:
        raise ValueError(f"only a first-decision kind is taken back, not {kind!r}")
    _undoers[kind] = undo


def register_silent(kind: str) -> None:
    """A first-decision kind that no person takes (an automatic reply): a refusal of it is
    kept as already seen, and the window tells nobody."""
    _silent.add(kind)


def silent(kind: str) -> bool:
    _load()
    return kind in _silent


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in FEATURES:
            importlib.import_module(name)


def projector(kind: str) -> Project | None:
    _load()
    return _projectors.get(kind)


def undoer(kind: str) -> Undo | None:
    _load()
    return _undoers.get(kind)


# -- the journal's own kind: the practice's workstations ----------------------------


def _key(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def project_workstation(c: Any, account_id: str, values: dict[str, Any],
                        event: JournalEvent) -> None:
    """A workstation admitted or revoked elsewhere: the trusted set follows. Fields: name,
    sign_pk, enc_pk (base64), added_at, added_by, revoked_at (None until revoked)."""
    sign_pk = _key(values.get("sign_pk"))
    held = c.execute("SELECT 1 FROM journal_workstations WHERE account_id = ?",
                     (account_id,)).fetchone()
    if sign_pk is None and held is None:
        return  # nothing to believe its entries by
    text = {k: (str(values[k]) if values.get(k) is not None else None)
            for k in ("name", "added_at", "added_by", "revoked_at")}
    if held is None:
        c.execute(
            "INSERT INTO journal_workstations (account_id, sign_pk, enc_pk, name, added_at, "
            "added_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (account_id, sign_pk, _key(values.get("enc_pk")), text["name"] or "",
             text["added_at"], text["added_by"], text["revoked_at"]))
        return
    c.execute(
        "UPDATE journal_workstations SET sign_pk = coalesce(?, sign_pk), "
        "enc_pk = coalesce(?, enc_pk), name = coalesce(?, name), "
        "added_at = coalesce(added_at, ?), added_by = coalesce(added_by, ?), "
        "revoked_at = coalesce(revoked_at, ?) WHERE account_id = ?",
        (sign_pk, _key(values.get("enc_pk")), text["name"], text["added_at"],
         text["added_by"], text["revoked_at"], account_id))


register("workstation", project_workstation)
