"""``passerelle``: the practice workstation at the command line.

Every command that changes something is first a local transaction in the
store (with its request queued in the outbox); ``passerelle sync`` carries it
to the relay. Without a command, ``passerelle`` opens the application.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from desktop.core.errors import PasserelleError
from desktop.core.model import ConversationState
from desktop.store.files import remove_store

PASSPHRASE_ENV = "PASSERELLE_PASSPHRASE"
RECOVERY_KEY_ENV = "PASSERELLE_RECOVERY_KEY"
# Who acts (desktop.core.rights): --as NAME (or PASSERELLE_AS), and their PIN or
# passphrase asked on the terminal, or taken from PASSERELLE_PIN for a script.
AS_ENV = "PASSERELLE_AS"
PIN_ENV = "PASSERELLE_PIN"
MIN_PASSPHRASE = 10


def _passphrase(prompt: str = "Store passphrase: ", *, new: bool = False, env: bool = True) -> str:
    value = os.environ.get(PASSPHRASE_ENV) if env else None
    if not value:
        value = getpass.getpass(prompt)
        if new and getpass.getpass("Same passphrase again: ") != value:
            raise PasserelleError("The two passphrases differ; nothing was changed.")
    if new and len(value) < MIN_PASSPHRASE:
        raise PasserelleError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")
    return value


def _open(args: argparse.Namespace):  # -> Store (imported lazily: keeps `--help` fast)
    from desktop.store import Store

    return Store.open(args.store, _passphrase())


def _pin(prompt: str) -> str:
    value = os.environ.get(PIN_ENV)
    if value:
        return value
    try:
        return getpass.getpass(prompt)
    except (EOFError, OSError):  # no terminal (a script): say where the PIN goes
        raise PasserelleError(
            f"No PIN given: type it on a terminal, or set {PIN_ENV} for a script.") from None


def _workstation(store, args: argparse.Namespace | None = None):
    """The workstation, with the person named by ``--as`` signed in (the same checks as
    the window: a refused action is refused here too)."""
    from desktop.sync.people import find_person
    from desktop.sync.workstation import Workstation

    ws = Workstation(store)
    if args is None:
        return ws
    who = (getattr(args, "as_person", None) or os.environ.get(AS_ENV)
           or store.get_setting("default_practitioner"))
    if not who:
        raise PasserelleError("Say who acts with --as NAME.")
    person = find_person(ws, who)
    ws.sign_in(person.id, _pin(f"PIN or passphrase for {person.name}: "))
    return ws


def _author(ws) -> str:
    return ws.person.id


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


# -- commands ---------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from desktop.store import Store
    from desktop.sync.engine import Sync
    from desktop.sync.workstation import Workstation

    if args.store.exists():
        raise PasserelleError(f"{args.store} already exists; nothing was changed.")
    passphrase = _passphrase("Choose a passphrase for the store: ", new=True)
    store = Store.create(args.store, passphrase)
    try:
        ws = Workstation.enrol(store, args.relay, args.token, platform.node() or "workstation",
                               args.practice or "")
        # The first practitioner is the practice's administrator, with their own PIN.
        practitioner = ws.set_up_administrator(
            _pin(f"Choose a PIN (6+ digits) or passphrase for {args.practitioner}: "),
            name=args.practitioner, profession=args.profession, rpps=args.rpps,
            accepts_messaging=True)
        store.set_setting("default_practitioner", practitioner.id)
        pushed, _ = Sync(ws).once()
    except BaseException:
        # Registration failed: leave no half-made store behind (the token is
        # still usable if the relay never recorded it).
        store.close()
        remove_store(args.store)
        raise
    store.close()
    print(f"Store created at {args.store}; practice {ws.practice_id} registered with {args.relay}.")
    print(f"{practitioner.name}: {practitioner.id} (accepts messaging)")
    return 0


def cmd_practitioner(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        ws = _workstation(store, args) if args.action != "list" else _workstation(store)
        if args.action == "add":
            secret = os.environ.get("PASSERELLE_NEW_PIN") or None
            p = ws.add_practitioner(args.name, args.profession, args.rpps, args.messaging,
                                    secret=secret)
            print(p.id)
        elif args.action == "messaging":
            ws.set_messaging(args.id, args.state == "on")
            print(f"Messaging {args.state} (queued; sync carries it).")
        else:
            rows = [
                {"id": p.id, "name": p.name, "profession": p.profession, "rpps": p.rpps,
                 "accepts_messaging": p.accepts_messaging}
                for p in store.practitioners()
            ]
            _print_json(rows) if args.json else [
                print(f"{r['id']}  {r['name']} ({r['profession']})"
                      f"{'  accepts messaging' if r['accepts_messaging'] else ''}") for r in rows]
    finally:
        store.close()
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    """People of the practice (an administrator adds, deactivates, resets)."""
    store = _open(args)
    try:
        if args.action == "list":
            rows = [{"id": p.id, "name": p.name, "role": p.role, "administrator": p.administrator,
                     "active": p.active, "can_sign_in": p.has_secret} for p in store.people()]
            _print_json(rows) if args.json else [
                print(f"{r['id']}  {r['name']} ({r['role']}"
                      f"{', administrator' if r['administrator'] else ''})"
                      f"{'' if r['active'] else '  deactivated'}") for r in rows]
            return 0
        ws = _workstation(store, args)
        if args.action == "add":
            secret = os.environ.get("PASSERELLE_NEW_PIN") or getpass.getpass(
                f"PIN (6+ digits) or passphrase for {args.name}: ")
            p = ws.add_person(args.name or "", args.role, secret, args.administrator,
                              args.profession if args.role == "practitioner" else "", args.rpps)
            print(p.id)
        elif args.action in ("deactivate", "activate"):
            from desktop.sync.people import find_person

            ws.set_person_active(find_person(ws, args.name or "").id, args.action == "activate")
        else:  # reset
            from desktop.sync.people import find_person

            secret = os.environ.get("PASSERELLE_NEW_PIN") or getpass.getpass("New PIN: ")
            ws.reset_secret(find_person(ws, args.name or "").id, secret)
    finally:
        store.close()
    return 0


def cmd_patient(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        if args.action == "add":
            patient = store.add_patient(args.name, args.born)
            print(patient.id)
        else:
            rows = [
                {"id": p.id, "name": p.name, "born": p.born, "enrolled": p.enrolled}
                for p in store.patients()
            ]
            _print_json(rows) if args.json else [
                print(f"{r['id']}  {r['name']:<30} {r['born']}  "
                      f"{'enrolled' if r['enrolled'] else 'not enrolled'}") for r in rows]
    finally:
        store.close()
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        code = _workstation(store, args).invite(args.patient, days=args.days)
    finally:
        store.close()
    print(code)
    print(f"Single use, valid {args.days} days once synced to the relay.", file=sys.stderr)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from desktop.sync.engine import Sync, SyncEngine

    store = _open(args)
    try:
        ws = _workstation(store)
        if args.once:
            pushed, applied = Sync(ws).once(documents=True)
            report = {
                "sent": pushed.sent,
                "refused": pushed.failed,
                "new_messages": len(applied.new_messages),
                "conversations_changed": len(applied.conversations),
                "patients_joined": len(applied.patients),
                "rejected_envelopes": applied.rejected,
                "outbox_pending": store.outbox_count(),
            }
            if args.json:
                _print_json(report)
            else:
                print(f"Sent {report['sent']}, received {report['new_messages']} new message(s), "
                      f"{report['rejected_envelopes']} rejected, "
                      f"{report['outbox_pending']} waiting to be sent.")
                for refusal in pushed.failed:
                    print(f"refused by the relay: {refusal}", file=sys.stderr)
            return 1 if pushed.failed else 0
        engine = SyncEngine(ws, on_status=lambda s: print(f"{s.state} {s.detail}", flush=True))
        engine.start()
        try:
            while True:
                engine._stop.wait(3600)
        except KeyboardInterrupt:
            engine.stop()
    finally:
        store.close()
    return 0


def _conversation_rows(store, convs) -> list[dict[str, Any]]:
    names = {p.id: p.name for p in store.practitioners()}
    return [
        {
            "id": c.id,
            "patient": c.patient_name,
            "category": str(c.category),
            "state": str(c.state),
            "practitioner": names.get(c.practitioner_id, c.practitioner_id),
            "last_message_at": c.last_message_at.isoformat() if c.last_message_at else None,
            "preview": c.last_preview,
            "unread": c.unread,
        }
        for c in convs
    ]


def cmd_inbox(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        rows = _conversation_rows(store, store.inbox(args.filter, limit=args.limit))
    finally:
        store.close()
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            badge = f"({r['unread']})" if r["unread"] else "   "
            print(f"{r['id']}  {badge:>5} {r['patient']:<25} {r['category']:<14} {r['state']:<9} "
                  f"{(r['preview'] or '')[:50]}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        conv = store.conversation(args.conversation)
        if conv is None:
            raise PasserelleError("No such conversation.")
        messages = store.thread(args.conversation, limit=args.limit)
        _workstation(store).mark_read(args.conversation)
        names = {p.id: p.name for p in store.practitioners()}
    finally:
        store.close()
    rows = [
        {"id": m.id, "sender": str(m.sender),
         "author": conv.patient_name if m.sender == "patient" else names.get(m.author, m.author),
         "sent_at": m.sent_at.isoformat(), "text": m.text, "delivery": str(m.delivery)}
        for m in messages
    ]
    if args.json:
        _print_json({"conversation": _conversation_rows_single(conv, names), "messages": rows})
    else:
        print(f"{conv.patient_name} — {conv.category} — {conv.state}")
        for r in rows:
            print(f"[{r['sent_at'][:16]}] {r['author']}: {r['text']}  ({r['delivery']})")
    return 0


def _conversation_rows_single(conv, names) -> dict[str, Any]:
    return {"id": conv.id, "patient": conv.patient_name, "category": str(conv.category),
            "state": str(conv.state), "practitioner": names.get(conv.practitioner_id)}


def cmd_reply(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        ws = _workstation(store, args)
        print(ws.reply(args.conversation, args.text, _author(ws)))
    finally:
        store.close()
    return 0


def _change(args: argparse.Namespace, state: ConversationState, note: str | None) -> int:
    store = _open(args)
    try:
        ws = _workstation(store, args)
        ws.change_state(args.conversation, state, _author(ws), note)
    finally:
        store.close()
    print(f"Conversation {state} (queued; sync carries it).")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    return _change(args, ConversationState.OPEN, None)


def cmd_decline(args: argparse.Namespace) -> int:
    return _change(args, ConversationState.DECLINED, args.reason)


def cmd_close(args: argparse.Namespace) -> int:
    return _change(args, ConversationState.CLOSED, args.note)


def cmd_reopen(args: argparse.Namespace) -> int:
    return _change(args, ConversationState.OPEN, None)


def cmd_renewal(args: argparse.Namespace) -> int:
    from desktop.documents.prescription import PrescribedTreatment

    store = _open(args)
    try:
        if args.action == "list":
            rows = [{"id": q.request.id, "patient": q.patient.name,
                     "treatments": list(q.request.treatments)} for q in store.pending_renewals()]
            _print_json(rows) if args.json else [
                print(f"{r['id']}  {r['patient']}: {', '.join(r['treatments'])}") for r in rows]
            return 0
        if not args.request or not args.line:
            raise PasserelleError("Give the request's id and at least one --line.")
        lines = []
        for text in args.line:
            parts = [p.strip() for p in text.split(";")]
            if len(parts) != 5 or not parts[2].isdigit() or not parts[4].isdigit():
                raise PasserelleError(
                    f"{text!r}: a line is name;dosage;days;quantity;renewals.")
            lines.append(PrescribedTreatment(parts[0], parts[1], int(parts[2]), parts[3],
                                             int(parts[4])))
        ws = _workstation(store, args)
        print(ws.approve_renewal(args.request, lines, _author(ws), override_reason=args.override))
    finally:
        store.close()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        hits = store.search(args.text, limit=args.limit)
        rows = []
        for message, conv in hits:
            rows.append({"conversation": message.conversation_id, "message": message.id,
                         "sent_at": message.sent_at.isoformat(), "text": message.text,
                         "patient": getattr(conv, "patient_name", None)})
    finally:
        store.close()
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['conversation']}  {r['patient'] or ''}: {r['text'][:80]}")
        if not rows:
            print("No message matches.", file=sys.stderr)
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        new = _passphrase("New passphrase: ", new=True, env=False) if not args.new_from_env else \
            os.environ.get("PASSERELLE_NEW_PASSPHRASE", "")
        if len(new) < MIN_PASSPHRASE:
            raise PasserelleError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")
        store.change_passphrase(new)
    finally:
        store.close()
    print("Passphrase changed.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        report = {
            "relay": store.get_setting("relay_url"),
            "practice_id": store.get_setting("practice_id"),
            "outbox_pending": store.outbox_count(),
            "rejected_envelopes": [
                {"seq": r.seq, "kind": r.kind, "reason": r.reason} for r in store.rejected()
            ],
        }
    finally:
        store.close()
    _print_json(report)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``export fhir``: a patient's file as a FHIR Bundle (or NDJSON per resource type)."""
    from desktop.records.fhir_export import export_fhir

    store = _open(args)
    try:
        from desktop.core.rights import Right

        actor = _workstation(store, args).acting(Right.EXPORT_PATIENT).id  # administrator only
        written = export_fhir(store, args.patient, args.out, ndjson=args.ndjson,
                              actor_id=actor, include_data=not args.no_data)
    finally:
        store.close()
    for path in written:
        print(path)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.crypto.recovery import new_recovery_key
    from desktop.store import backup as bk

    store = _open(args)
    try:
        if args.action == "new-key":
            key = new_recovery_key()
            key_id = bk.set_recovery_key(store, key)
            print("New recovery key (shown once: print it or write it down, and keep it in "
                  "the practice's safe; backups made before still need the previous one):")
            print(f"    {key}")
            print(f"Key id: {key_id}")
            return 0
        if args.to is None:
            raise PasserelleError("Say where the backup goes with --to FOLDER.")
        made = bk.write_backup(store, args.to)
        deleted = bk.rotate(args.to)
    finally:
        store.close()
    result = {"path": str(made.path), "bytes": made.size, "seconds": round(made.seconds, 3),
              "rows": sum(made.counts.values()), "rotated_out": [str(p) for p in deleted]}
    if args.json:
        _print_json(result)
    else:
        print(f"{made.path} ({made.size} bytes, checked, {made.seconds:.1f} s)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.store import backup as bk

    if args.store.exists():
        raise PasserelleError(
            f"{args.store} already exists; restore into a new file, or move it aside first. "
            "Nothing was changed.")
    key = os.environ.get(RECOVERY_KEY_ENV) or getpass.getpass("Recovery key: ")
    passphrase = _passphrase("New passphrase for the restored store: ", new=True, env=False) \
        if not args.new_from_env else os.environ.get("PASSERELLE_NEW_PASSPHRASE", "")
    if len(passphrase) < MIN_PASSPHRASE:
        raise PasserelleError(f"Choose a passphrase of at least {MIN_PASSPHRASE} characters.")
    store = bk.restore_backup(args.backup, key, args.store, passphrase)
    store.close()
    print(f"Restored {args.backup} into {args.store}. Run `passerelle sync` to fetch what "
          "arrived since the backup.")
    return 0


def cmd_export_everything(args: argparse.Namespace) -> int:
    """``export everything``: the GDPR ZIP of a patient (PDF, FHIR, documents, CSV)."""
    from desktop.records.patient_export import export_everything

    store = _open(args)
    try:
        from desktop.core.rights import Right

        actor = _workstation(store, args).acting(Right.EXPORT_PATIENT).id  # administrator only
        path = export_everything(store, args.patient, args.out, actor_id=actor,
                                 language=args.lang, include_notes=args.with_notes)
    finally:
        store.close()
    print(path)
    return 0


# -- parser -----------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="passerelle", description="Passerelle practice workstation.")
    p.add_argument("--demo", action="store_true",
                   help="open the window on a throwaway demo practice with synthetic patients")
    p.add_argument("--no-window", action="store_true",
                   help="with --demo: tell the demo's story at the terminal instead")
    p.add_argument("--lang", choices=["fr", "en"], help="the window's language")
    sub = p.add_subparsers(dest="command")
    default_store = os.environ.get("PASSERELLE_STORE")

    def cmd(name: str, func, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        c.add_argument("--store", type=Path, required=default_store is None, default=default_store,
                       help="the practice's store (or PASSERELLE_STORE)")
        c.add_argument("--as", dest="as_person",
                       help="who acts: a person's name or id (or PASSERELLE_AS); their PIN is "
                            "asked, or taken from PASSERELLE_PIN")
        c.set_defaults(func=func)
        return c

    def conv(name: str, func, help: str, who: bool = True) -> argparse.ArgumentParser:
        c = cmd(name, func, help)
        c.add_argument("conversation", help="conversation id")
        return c

    c = cmd("init", cmd_init, "create the store and register the practice with a relay")
    c.add_argument("--relay", required=True, help="relay address, e.g. https://relay.example")
    c.add_argument("--token", required=True, help="the practice's enrolment token")
    c.add_argument("--practitioner", required=True, help='e.g. "Dr Claire Dupont"')
    c.add_argument("--profession", default="Médecin généraliste")
    c.add_argument("--rpps", default=None)
    c.add_argument("--practice", default=None, help="practice name shown to patients")

    c = cmd("practitioner", cmd_practitioner, "list or add practitioners, messaging on/off")
    c.add_argument("action", choices=["list", "add", "messaging"])
    c.add_argument("--name")
    c.add_argument("--profession", default="Médecin généraliste")
    c.add_argument("--rpps")
    c.add_argument("--messaging", action="store_true", help="with add: accepts messaging")
    c.add_argument("--id", help="with messaging")
    c.add_argument("--state", choices=["on", "off"], help="with messaging")
    c.add_argument("--json", action="store_true")

    c = cmd("person", cmd_person, "the people of the practice (an administrator manages them)")
    c.add_argument("action", choices=["list", "add", "deactivate", "activate", "reset"])
    c.add_argument("--name", help="the person's name (add), or their name or id")
    c.add_argument("--role", choices=["practitioner", "assistant"], default="assistant")
    c.add_argument("--administrator", action="store_true")
    c.add_argument("--profession", default="Médecin généraliste")
    c.add_argument("--rpps")
    c.add_argument("--json", action="store_true")

    c = cmd("patient", cmd_patient, "list or add patients")
    c.add_argument("action", choices=["list", "add"])
    c.add_argument("--name")
    c.add_argument("--born", help="date of birth, YYYY-MM-DD")
    c.add_argument("--json", action="store_true")

    c = cmd("invite", cmd_invite, "create an invitation code for a patient")
    c.add_argument("--patient", required=True)
    c.add_argument("--days", type=int, default=30)

    c = cmd("sync", cmd_sync, "send the outbox and fetch new events")
    c.add_argument("--once", action="store_true", help="one pass, then exit")
    c.add_argument("--json", action="store_true")

    c = cmd("inbox", cmd_inbox, "list conversations with unread counts")
    c.add_argument("--filter", default="all",
                   choices=["all", "to_process", "open", "closed", "requested"])
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--json", action="store_true")

    c = conv("show", cmd_show, "show a conversation (marks it read)", who=False)
    c.add_argument("--limit", type=int, default=100)
    c.add_argument("--json", action="store_true")
    c = conv("reply", cmd_reply, "write to the patient (accepts a pending request)")
    c.add_argument("text")
    conv("accept", cmd_accept, "accept a patient's request")
    c = conv("decline", cmd_decline, "decline a request, with the reason the patient reads")
    c.add_argument("--reason", required=True)
    c = conv("close", cmd_close, "close a conversation")
    c.add_argument("--note", default=None, help="a last word the patient reads")
    conv("reopen", cmd_reopen, "reopen a closed conversation")

    c = cmd("renewal", cmd_renewal, "list the renewal requests waiting, or approve one")
    c.add_argument("action", choices=["list", "approve"])
    c.add_argument("request", nargs="?", help="with approve: the request's id")
    c.add_argument("--line", action="append", default=[],
                   help='with approve: "name;dosage;days;quantity;renewals" (repeat per line)')
    c.add_argument("--override", default=None, help="the reason to renew a flagged request")
    c.add_argument("--json", action="store_true")

    c = cmd("search", cmd_search, "full-text search of all messages")
    c.add_argument("text")
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--json", action="store_true")

    c = cmd("passphrase", cmd_passphrase, "change the store's passphrase")
    c.add_argument("--new-from-env", action="store_true",
                   help="take the new passphrase from PASSERELLE_NEW_PASSPHRASE (scripts)")
    cmd("status", cmd_status, "outbox and rejected envelopes")

    c = cmd("backup", cmd_backup, "an encrypted, checked backup of the store; a recovery key")
    c.add_argument("action", choices=["now", "new-key"],
                   help="now: write a backup (then rotate); new-key: a new recovery key")
    c.add_argument("--to", type=Path, help="with now: the backup folder")
    c.add_argument("--json", action="store_true")
    c = cmd("restore", cmd_restore,
            "a new store from a backup (recovery key from the prompt or "
            f"{RECOVERY_KEY_ENV})")
    c.add_argument("backup", type=Path, help="the .pbackup file")
    c.add_argument("--new-from-env", action="store_true",
                   help="take the new passphrase from PASSERELLE_NEW_PASSPHRASE (scripts)")

    export = sub.add_parser("export", help="a patient's file out of Passerelle")
    kinds = export.add_subparsers(dest="kind", required=True)
    c = kinds.add_parser("fhir", help="as FHIR R4: one Bundle (JSON), or NDJSON per type")
    c.add_argument("--store", type=Path, required=default_store is None, default=default_store,
                   help="the practice's store (or PASSERELLE_STORE)")
    c.add_argument("--patient", required=True, help="the patient's id in this practice")
    c.add_argument("--out", type=Path, required=True, help="the folder to write to")
    c.add_argument("--ndjson", action="store_true", help="one NDJSON file per resource type")
    c.add_argument("--no-data", action="store_true",
                   help="documents described and hashed, their bytes left out")
    c.add_argument("--as", dest="as_person", help="who exports (default: yours)")
    c.set_defaults(func=cmd_export)
    c = kinds.add_parser("everything",
                         help="everything about the patient in one ZIP (right of access)")
    c.add_argument("--store", type=Path, required=default_store is None, default=default_store,
                   help="the practice's store (or PASSERELLE_STORE)")
    c.add_argument("--patient", required=True, help="the patient's id in this practice")
    c.add_argument("--out", type=Path, required=True, help="the ZIP file to write")
    c.add_argument("--lang", choices=["fr", "en"], default="fr", help="the PDF's language")
    c.add_argument("--with-notes", action="store_true",
                   help="include internal notes (the practice's own copy, not the patient's)")
    c.add_argument("--as", dest="as_person", help="who exports (default: yours)")
    c.set_defaults(func=cmd_export_everything)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.demo and args.no_window:
        from desktop.demo.story import run as demo

        return demo()
    if args.command is None:
        # No command: the window (imported here: the commands never load Qt).
        from desktop.ui.app import main as window

        window_args = ["--demo"] if args.demo else []
        if args.lang:
            window_args += ["--lang", args.lang]
        store = os.environ.get("PASSERELLE_STORE")
        if store and not args.demo:
            window_args += ["--store", store]
        return window(window_args)
    try:
        return args.func(args)
    except PasserelleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # input checks (empty message, bad date) raise ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
