"""The demo at the terminal: the whole path of a message, with the real parts.

A relay starts on 127.0.0.1, Cabinet Dupont registers, three patients redeem
their invitations and write; the practice syncs, reads, replies, declines one
request; a patient reads the answer; and the demo shows what the relay and
the store actually hold on disk.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from desktop.core.model import Category, ConversationState
from desktop.demo.relay_host import InProcessRelay
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

DEMO_PASSPHRASE = "demo-passerelle-2026"

PATIENTS = [
    ("Jean Martin", "1961-04-02", Category.RENEWAL,
     "Bonjour docteur, pourriez-vous renouveler mon Levothyrox 75 µg pour trois mois ?"),
    ("Chantal Lefèvre", "1948-11-17", Category.ADMINISTRATIVE,
     "Bonjour, j'aurais besoin d'un certificat pour l'aquagym de la mairie."),
    ("Karim Benali", "1985-06-30", Category.OTHER,
     "J'ai une douleur thoracique depuis ce matin, que dois-je faire ?"),
]


def _say(text: str = "") -> None:
    print(text, flush=True)


def run() -> int:
    with tempfile.TemporaryDirectory(prefix="passerelle-demo-") as tmp:
        folder = Path(tmp)
        relay = InProcessRelay(folder)
        try:
            _story(folder, relay)
        finally:
            relay.stop()
    return 0


def _story(folder: Path, relay: InProcessRelay) -> None:
    _say(f"Relay listening on {relay.url} (database {relay.database_path.name})")
    token = relay.create_practice("Cabinet Dupont")
    store = Store.create(folder / "cabinet.passerelle", DEMO_PASSPHRASE)
    ws = Workstation.enrol(store, relay.url, token, "demo", "Cabinet Dupont")
    doctor = ws.set_up_administrator("123456", name="Dr Claire Dupont",
                                     profession="Médecin généraliste", rpps="10003456789",
                                     accepts_messaging=True)
    sync = Sync(ws)
    sync.once()
    _say(f"Cabinet Dupont registered; store {store.path.name} (passphrase: {DEMO_PASSPHRASE})")

    patients: list[tuple[PatientClient, str]] = []
    for name, born, category, text in PATIENTS:
        record = store.add_patient(name, born)
        code = ws.invite(record.id)
        sync.once()
        client = PatientClient.redeem(relay.url, code)
        conversation = client.request(doctor.id, category, text)
        patients.append((client, conversation))
        _say(f"  {name} redeemed {code} and wrote ({category})")

    _, applied = sync.once()
    _say(f"\nThe practice syncs: {len(applied.new_messages)} new messages.\n\nInbox")
    for c in store.inbox("all"):
        _say(f"  ({c.unread}) {c.patient_name:<18} {c.category:<15} {c.state:<10} {c.last_preview[:60]}")

    (jean, jean_conv), _, (karim, karim_conv) = patients
    ws.reply(jean_conv, "Bonjour M. Martin, c'est fait : l'ordonnance vous attend à l'accueil.",
             doctor.id)
    ws.change_state(karim_conv, ConversationState.DECLINED, doctor.id,
                    "La messagerie n'est pas faite pour les urgences : appelez le 15 "
                    "(ou le 112) immédiatement.")
    sync.once()
    jean.sync()
    karim.sync()
    _say("\nJean Martin reads:")
    for m in jean.thread(jean_conv):
        _say(f"  {m.get('author_name') or 'moi'}: {m['text']}")
    _say("Karim Benali reads:")
    for m in karim.thread(karim_conv)[1:]:
        _say(f"  {m.get('author_name')}: {m['text']}")

    _say("\nSearch 'levothyrox':")
    for message, conversation in store.search("levothyrox"):
        _say(f"  {getattr(conversation, 'patient_name', '')}: {message.text}")

    store.close()
    relay_bytes = relay.database_path.read_bytes()
    store_bytes = (folder / "cabinet.passerelle").read_bytes()
    _say("\nOn disk:")
    _say(f"  relay database: {len(relay_bytes)} bytes; contains 'Jean Martin'? "
         f"{b'Jean Martin' in relay_bytes}; 'Levothyrox'? {b'Levothyrox' in relay_bytes}")
    _say(f"  practice store: {len(store_bytes)} bytes; SQLite header in clear? "
         f"{store_bytes.startswith(b'SQLite format 3')}; 'Jean Martin'? {b'Jean Martin' in store_bytes}")
