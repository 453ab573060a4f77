"""``python -m desktop.patient``: a patient at the command line (demo, tests, support).

    python -m desktop.patient redeem   --state F --relay URL --code CODE
    python -m desktop.patient practitioners --state F
    python -m desktop.patient profile  --state F [--json]
    python -m desktop.patient request  --state F --practitioner ID --category renewal --text "..."
    python -m desktop.patient write    --state F --conversation ID --text "..."
    python -m desktop.patient sync     --state F [--wait SECONDS]
    python -m desktop.patient inbox    --state F [--json]
    python -m desktop.patient read     --state F --conversation ID [--json]
    python -m desktop.patient renew    --state F --practitioner ID --treatment "Levothyrox 75 µg"
                                       [--treatment ...] [--text "..."]
    python -m desktop.patient renewals --state F [--json]
    python -m desktop.patient prescription --state F --conversation ID --out FILE.pdf

The state file is encrypted with the passphrase from PASSERELLE_PATIENT_PASSPHRASE
(asked on the terminal if unset).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from desktop.core.errors import PasserelleError
from desktop.core.model import Category
from desktop.patient.client import PatientClient
from desktop.patient.state import check_room


def _passphrase(confirm: bool = False) -> str:
    value = os.environ.get("PASSERELLE_PATIENT_PASSPHRASE")
    if value:
        return value
    value = getpass.getpass("Passphrase for this patient file: ")
    if confirm and getpass.getpass("Again: ") != value:
        raise PasserelleError("The two passphrases differ.")
    if not value:
        raise PasserelleError("A passphrase is needed to protect this patient file.")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m desktop.patient", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def cmd(name: str, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help)
        c.add_argument("--state", type=Path, required=True, help="the patient's encrypted state file")
        return c

    c = cmd("redeem", "redeem the practice's invitation code")
    c.add_argument("--relay", required=True)
    c.add_argument("--code", required=True)
    cmd("practitioners", "who at the practice can be written to")
    c = cmd("profile", "the practice's response times, absences and address")
    c.add_argument("--json", action="store_true")
    c = cmd("request", "open a request to a practitioner")
    c.add_argument("--practitioner", required=True)
    c.add_argument("--category", choices=[c.value for c in Category], default="other")
    c.add_argument("--text", required=True)
    c = cmd("write", "write in a conversation")
    c.add_argument("--conversation", required=True)
    c.add_argument("--text", required=True)
    c = cmd("send", "send documents (PDF, JPEG, PNG) in a conversation")
    c.add_argument("--conversation", required=True)
    c.add_argument("--file", type=Path, action="append", required=True,
                   help="a file to send (repeat for several)")
    c.add_argument("--text", default="")
    c = cmd("documents", "the documents of a conversation")
    c.add_argument("--conversation", required=True)
    c = cmd("document", "save a document of a conversation")
    c.add_argument("--id", required=True)
    c.add_argument("--out", type=Path, required=True)
    c = cmd("sync", "send what waits and fetch what arrived")
    c.add_argument("--wait", type=float, default=0, help="long-poll this many seconds")
    c = cmd("inbox", "list conversations")
    c.add_argument("--json", action="store_true")
    c = cmd("renew", "ask the practice to renew treatments")
    c.add_argument("--practitioner", required=True)
    c.add_argument("--treatment", action="append", default=[],
                   help="a treatment to renew (repeat; the last prescriptions are listed by "
                        "`renewals`)")
    c.add_argument("--text", default="")
    c = cmd("renewals", "my renewal requests and where they stand")
    c.add_argument("--json", action="store_true")
    c = cmd("prescription", "save the renewed prescription of a request (PDF)")
    c.add_argument("--conversation", required=True)
    c.add_argument("--out", type=Path, required=True)
    c = cmd("read", "show a conversation and mark it read")
    c.add_argument("--conversation", required=True)
    c.add_argument("--json", action="store_true")
    return p


def run(args: argparse.Namespace) -> int:
    if args.command == "redeem":
        if args.state.exists():
            raise PasserelleError(f"{args.state} already exists; it holds an enrolment.")
        passphrase = _passphrase(confirm=True)
        check_room(args.state)  # before the code is spent: it cannot be redeemed twice
        client = PatientClient.redeem(args.relay, args.code)
        client.save(args.state, passphrase)
        print(f"Enrolled with {client.practice_name}. Patient id: {client.patient_id}")
        return 0
    passphrase = _passphrase()
    client = PatientClient.load(args.state, passphrase)
    try:
        return _command(client, args)
    finally:
        client.save(args.state, passphrase)
        client.close()


def _command(client: PatientClient, args: argparse.Namespace) -> int:
    if args.command == "practitioners":
        for p in client.practitioners():
            status = "accepts messages" if p["accepts_messaging"] else "does not use messaging"
            print(f"{p['id']}  {p['name']} ({p['profession']}) — {status}")
    elif args.command == "profile":
        _print_profile(client, args.json)
    elif args.command == "request":
        conv = client.request(args.practitioner, args.category, args.text)
        print(conv)
    elif args.command == "write":
        print(client.write(args.conversation, args.text))
    elif args.command == "send":
        def progress(done: int, total: int) -> None:
            print(f"\rsending… {done}/{total}", end="", file=sys.stderr, flush=True)

        message_id = client.send_documents(args.conversation, args.file, args.text, progress)
        print(file=sys.stderr)
        print(message_id)
    elif args.command == "documents":
        for d in client.documents(args.conversation):
            print(f"{d['id']}  {d['name']}  {d['type']}  {d['size']} bytes  from {d['sender']}")
    elif args.command == "document":
        if args.out.exists():
            raise PasserelleError(f"{args.out} already exists; choose another file name.")
        data = client.open_document(args.id)
        args.out.write_bytes(data)
        print(f"Saved {args.out} ({len(data)} bytes)")
    elif args.command == "sync":
        new = client.sync(wait=args.wait)
        print(f"{len(new)} new message(s) from the practice")
    elif args.command == "inbox":
        convs = client.conversations()
        if args.json:
            print(json.dumps([{k: v for k, v in c.items() if k != "messages"} |
                              {"unread": sum(1 for m in c["messages"] if not m.get("read"))}
                              for c in convs], indent=2))
        else:
            for c in convs:
                print(f"{c['id']}  {c['category']:<15} {c['state']:<10} {len(c['messages'])} message(s)")
    elif args.command == "renew":
        if not args.treatment:
            raise PasserelleError(
                "Name at least one treatment with --treatment. Your last prescriptions: "
                + (", ".join(client.last_prescriptions()) or "none yet") + ".")
        print(client.request_renewal(args.practitioner, args.treatment, args.text))
    elif args.command == "renewals":
        items = client.renewals()
        if args.json:
            print(json.dumps([{k: v for k, v in r.items() if k != "document"} |
                              {"has_document": bool(r.get("document"))} for r in items],
                             indent=2, ensure_ascii=False))
        else:
            for r in items:
                answer = r.get("reason") or r.get("answer") or ""
                print(f"{r.get('conversation_id', '')}  {r['state']:<18} "
                      f"{', '.join(r.get('treatments', []))}  {answer}")
    elif args.command == "prescription":
        pdf = client.renewal_document(args.conversation)
        if pdf is None:
            raise PasserelleError("No prescription for this request (not approved, or not "
                                  "synced yet: run `sync`).")
        if args.out.exists():
            raise PasserelleError(f"{args.out} already exists; choose another file name.")
        args.out.write_bytes(pdf)
        print(f"Saved {args.out} ({len(pdf)} bytes)")
    elif args.command == "read":
        messages = client.thread(args.conversation)
        client.mark_read(args.conversation)
        if args.json:
            print(json.dumps(messages, indent=2, ensure_ascii=False))
        else:
            for m in messages:
                who = m.get("author_name") or ("me" if m["sender"] == "patient" else "practice")
                print(f"[{m['sent_at'][:16]}] {who}: {m['text']}")
    return 0


def _print_profile(client: PatientClient, as_json: bool) -> None:
    if not client.has_profile_key:
        raise PasserelleError(
            "This enrolment cannot read the practice's profile (its invitation came from an "
            "older version of the practice's application)."
        )
    profile = client.practice_profile()
    if as_json:
        print(json.dumps(profile, indent=2, ensure_ascii=False))
        return
    if profile is None:
        print("The practice has not published its profile yet.")
        return
    practice = profile.get("practice") or {}
    print(practice.get("name") or client.practice_name)
    for field in ("address", "phone"):
        if practice.get(field):
            print(f"  {practice[field]}")
    welcome = {p["id"]: p for p in client.state["welcome"].get("practitioners", [])}
    for p in profile.get("practitioners") or []:
        known = welcome.get(p["id"], {})
        name = p.get("name") or known.get("name") or p["id"]
        profession = p.get("profession") or known.get("profession") or ""
        print(f"{name} ({profession})" if profession else name)
        days = p.get("response_days")
        if days is not None:
            print(f"  usually replies within {days} working day(s)")
        absence = p.get("absence")
        if absence:
            print(f"  absent from {absence['from']} until {absence['until']}")
            if absence.get("message"):
                print(f"  {absence['message']}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except PasserelleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
