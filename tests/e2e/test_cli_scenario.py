"""The issue's scenario, all of it from the command line, against a real relay process.

Operator creates a practice; the practice initialises its store, enrols Jean
Martin; the patient redeems his code, asks for a renewal; the practice syncs,
reads, replies; the patient reads the reply; then nothing readable is left on
disk, on either side.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.relay import RelayProcess, create_practice

PATIENT_NAME = "Jean Martin"
REQUEST = "Bonjour docteur, je voudrais renouveler mon Levothyrox 75 microgrammes."
REPLY = "Ordonnance renouvelée pour trois mois, bonne journée."


class Cli:
    """Runs `python -m desktop ...` and `python -m desktop.patient ...` like a person would."""

    def __init__(self, tmp: Path) -> None:
        self.env = os.environ | {
            "PASSERELLE_PASSPHRASE": "cabinet-dupont-2026!",
            "PASSERELLE_PIN": "246810",
            "PASSERELLE_PATIENT_PASSPHRASE": "jean-martin-secret",
        }
        self.store = tmp / "cabinet.passerelle"
        self.patient_state = tmp / "jean.patient"

    def run(self, *args: str, module: str = "desktop", ok: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", module, *args], env=self.env,
                              capture_output=True, text=True, timeout=120)
        if ok and proc.returncode != 0:
            raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def practice(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        cmd, *rest = args
        return self.run(cmd, "--store", str(self.store), *rest, ok=ok)

    def patient(self, *args: str) -> subprocess.CompletedProcess:
        cmd, *rest = args
        return self.run(cmd, "--state", str(self.patient_state), *rest, module="desktop.patient")


@pytest.fixture()
def relay(tmp_path):
    db = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    with RelayProcess(db) as r:
        r.database_url = db
        r.database_path = tmp_path / "relay.sqlite3"
        yield r


def test_patient_writes_practice_replies_patient_reads(relay, tmp_path):
    cli = Cli(tmp_path)
    token = create_practice(relay.database_url, "Cabinet Dupont")

    out = cli.practice("init", "--relay", relay.url, "--token", token,
                       "--practitioner", "Dr Claire Dupont", "--practice", "Cabinet Dupont").stdout
    assert "registered" in out
    patient_id = cli.practice("patient", "add", "--name", PATIENT_NAME, "--born", "1961-04-02").stdout.strip()
    code = cli.practice("invite", "--patient", patient_id).stdout.strip()
    assert len(code) == 29
    cli.practice("sync", "--once")

    assert "Cabinet Dupont" in cli.patient("redeem", "--relay", relay.url, "--code", code).stdout
    practitioners = cli.patient("practitioners").stdout
    assert "Dr Claire Dupont" in practitioners and "accepts messages" in practitioners
    practitioner_id = practitioners.split()[0]
    conversation_id = cli.patient("request", "--practitioner", practitioner_id,
                                  "--category", "renewal", "--text", REQUEST).stdout.strip()

    report = json.loads(cli.practice("sync", "--once", "--json").stdout)
    assert report["new_messages"] == 1 and report["patients_joined"] == 1
    inbox = json.loads(cli.practice("inbox", "--json").stdout)
    assert [(c["id"], c["patient"], c["category"], c["state"], c["unread"]) for c in inbox] == [
        (conversation_id, PATIENT_NAME, "renewal", "requested", 1)
    ]
    thread = json.loads(cli.practice("show", conversation_id, "--json").stdout)
    assert [m["text"] for m in thread["messages"]] == [REQUEST]
    assert json.loads(cli.practice("inbox", "--json").stdout)[0]["unread"] == 0

    cli.practice("reply", conversation_id, REPLY)
    cli.practice("sync", "--once")
    assert "1 new message" in cli.patient("sync").stdout
    messages = json.loads(cli.patient("read", "--conversation", conversation_id, "--json").stdout)
    assert [m["text"] for m in messages] == [REQUEST, REPLY]
    assert messages[1]["author_name"] == "Dr Claire Dupont"
    assert json.loads(cli.patient("inbox", "--json").stdout)[0]["state"] == "open"

    # The patient's read receipt reaches the practice.
    cli.practice("sync", "--once")
    thread = json.loads(cli.practice("show", conversation_id, "--json").stdout)
    assert [m["delivery"] for m in thread["messages"] if m["sender"] == "practice"] == ["read"]

    hits = json.loads(cli.practice("search", "levothyrox", "--json").stdout)
    assert [h["conversation"] for h in hits] == [conversation_id]

    # Nothing readable on disk: the practice's store and the relay's database.
    secrets = [PATIENT_NAME.encode(), b"Levothyrox", b"Ordonnance", b"Dupont Claire",
               b"Dr Claire Dupont", b"renewal"]
    for path in tmp_path.iterdir():
        if path.name.startswith("cabinet.passerelle"):
            data = path.read_bytes()
            assert b"SQLite format 3" not in data, path
            for s in secrets:
                assert s not in data, (path, s)
        if path.name.startswith("relay.sqlite3"):
            data = path.read_bytes()
            for s in secrets:
                assert s not in data, (path, s)


def test_wrong_passphrase_is_clear_and_changes_nothing(relay, tmp_path):
    cli = Cli(tmp_path)
    token = create_practice(relay.database_url, "Cabinet Dupont")
    cli.practice("init", "--relay", relay.url, "--token", token, "--practitioner", "Dr Claire Dupont")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.glob("cabinet*")}
    cli.env["PASSERELLE_PASSPHRASE"] = "not the passphrase"
    proc = cli.practice("inbox", ok=False)
    assert proc.returncode == 2
    assert "Wrong passphrase" in proc.stderr and "Traceback" not in proc.stderr
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.glob("cabinet*")}
    assert after == before


def test_passphrase_change_then_old_one_fails(relay, tmp_path):
    cli = Cli(tmp_path)
    token = create_practice(relay.database_url, "Cabinet Dupont")
    cli.practice("init", "--relay", relay.url, "--token", token, "--practitioner", "Dr Claire Dupont")
    cli.env["PASSERELLE_NEW_PASSPHRASE"] = "a brand new passphrase"
    cli.practice("passphrase", "--new-from-env")
    assert "Wrong passphrase" in cli.practice("inbox", ok=False).stderr
    cli.env["PASSERELLE_PASSPHRASE"] = "a brand new passphrase"
    cli.practice("inbox")


def test_init_with_a_spent_token_leaves_no_store(relay, tmp_path):
    cli = Cli(tmp_path)
    token = create_practice(relay.database_url, "Cabinet Dupont")
    cli.practice("init", "--relay", relay.url, "--token", token, "--practitioner", "Dr Claire Dupont")
    cli.store = tmp_path / "second.passerelle"
    proc = cli.practice("init", "--relay", relay.url, "--token", token,
                        "--practitioner", "Dr Claire Dupont", ok=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "enrolment_token_used" in proc.stderr
    assert not list(tmp_path.glob("second.passerelle*"))
