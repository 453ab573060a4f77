"""The practice's settings, renewal rules and canned replies, on every workstation.

``practice_setting`` (FIELDS, entity ``practice``): the settings that are the
practice's (:data:`PRACTICE_WIDE`: its name, address and phone, the document limit,
the idle delays). Everything else in ``settings`` is this workstation's own and never
leaves it: its relay address and account, its name, who usually works at it, its
backups, its cursors and clocks. ``renewal_rule`` (FIELDS, entity ``practice``): one
field per rule, as stored. ``canned_reply`` (FIELDS, entity: the reply's ``uid``, the
same on every workstation; its integer id is this store's own): title, text, place in
the list, and ``deleted`` once removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from desktop.store import journal_projection
from desktop.store.renewals import RULE_MARGIN, RULE_MONTHS, RULE_WORDS
from desktop.store.replicate import publish, row

PRACTICE_SETTING = "practice_setting"
RENEWAL_RULE = "renewal_rule"
CANNED_REPLY = "canned_reply"
PRACTICE = "practice"

#: The settings every workstation of the practice shares.
PRACTICE_WIDE = frozenset({
    "practice_name", "practice_address", "practice_phone", "document_max_bytes",
    "auto_lock_minutes", "sign_out_minutes",
})
RULES = (RULE_MONTHS, RULE_WORDS, RULE_MARGIN)


def setting(c: Any, key: str) -> str | None:
    found = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if found is None else str(found[0])


def publish_setting(c: Any, key: str, before: str | None) -> None:
    if key in PRACTICE_WIDE and setting(c, key) != before:
        publish(c, PRACTICE_SETTING, PRACTICE, {key: setting(c, key)})


def rules_fields(c: Any) -> dict[str, str | None]:
    return {key: setting(c, key) for key in RULES}


def publish_rules(c: Any, before: Mapping[str, str | None]) -> None:
    after = rules_fields(c)
    publish(c, RENEWAL_RULE, PRACTICE, {k: v for k, v in after.items() if before.get(k) != v})


_REPLY_FIELDS = ("title", "body", "position")


def replies(c: Any) -> dict[str, dict[str, Any]]:
    """Every canned reply by uid, as published."""
    return {
        uid: {"title": title, "body": body, "position": position}
        for uid, title, body, position in c.execute(
            "SELECT uid, title, body, position FROM canned_replies")
    }


def publish_replies(c: Any, before: Mapping[str, Mapping[str, Any]]) -> None:
    """After any change to the list: each reply's changed fields, ``deleted`` for one gone."""
    after = replies(c)
    for uid, fields in after.items():
        old = before.get(uid)
        changed = {k: v for k, v in fields.items() if old is None or old.get(k) != v}
        if old is None:
            changed["deleted"] = False
        publish(c, CANNED_REPLY, uid, changed)
    for uid in before:
        if uid not in after:
            publish(c, CANNED_REPLY, uid, {"deleted": True})


# -- projecting the others' --------------------------------------------------------------


def _put(c: Any, key: str, value: Any) -> None:
    if value is None:
        c.execute("DELETE FROM settings WHERE key = ?", (key,))
    else:
        c.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )


def project_setting(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    for key, value in values.items():
        if key in PRACTICE_WIDE:  # never a workstation's own, whatever an event says
            _put(c, key, value)


def project_rules(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    for key, value in values.items():
        if key in RULES:
            _put(c, key, value)


def project_reply(c: Any, entity: str, values: Mapping[str, Any], event: Any = None) -> None:
    if values.get("deleted"):
        c.execute("DELETE FROM canned_replies WHERE uid = ?", (entity,))
        return
    here = row(c, "SELECT title, body, position FROM canned_replies WHERE uid = ?", (entity,),
               _REPLY_FIELDS)
    if here is None:
        if not {"title", "body"} <= set(values):
            return
        c.execute(
            "INSERT INTO canned_replies (uid, title, body, position) VALUES (?, ?, ?, "
            "coalesce(?, (SELECT coalesce(max(position), 0) + 1 FROM canned_replies)))",
            (entity, values["title"], values["body"], values.get("position")),
        )
        return
    columns = {k: values[k] for k in _REPLY_FIELDS if k in values}
    c.execute(
        f"UPDATE canned_replies SET {', '.join(f'{k} = ?' for k in columns)} WHERE uid = ?",
        (*columns.values(), entity),
    )


def history(c: Any) -> Iterable[tuple[str, str, dict[str, Any]]]:
    wide = {key: setting(c, key) for key in sorted(PRACTICE_WIDE)}
    if any(v is not None for v in wide.values()):
        yield PRACTICE_SETTING, PRACTICE, {k: v for k, v in wide.items() if v is not None}
    rules = rules_fields(c)
    if any(v is not None for v in rules.values()):
        yield RENEWAL_RULE, PRACTICE, rules
    present = replies(c)
    from desktop.store.migrations import _CANNED_REPLIES

    seeds = {f"seed-{n}": {"title": t, "body": b, "position": n}
             for n, (t, b) in enumerate(_CANNED_REPLIES, start=1)}
    for uid, fields in present.items():
        if seeds.get(uid) != fields:  # one every store starts with, untouched: nothing to say
            yield CANNED_REPLY, uid, {**fields, "deleted": False}
    # The replies every store starts with, that this practice deleted: a new workstation
    # has them too, and must lose them as this one did.
    for n in range(1, SEEDED + 1):
        if f"seed-{n}" not in present:
            yield CANNED_REPLY, f"seed-{n}", {"deleted": True}


#: The canned replies migration V2 gives every store (uids seed-1 … seed-4, see V11).
SEEDED = 4

journal_projection.register(PRACTICE_SETTING, project_setting)
journal_projection.register(RENEWAL_RULE, project_rules)
journal_projection.register(CANNED_REPLY, project_reply)
