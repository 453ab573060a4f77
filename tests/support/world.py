"""A practice and its patients on a real relay, built in a few calls for tests and benchmarks.

Everything goes through the real pieces: a SQLCipher store, the workstation's
outbox and sync, the patient client over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.model import Category
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

PASSPHRASE = "correct horse battery staple"


@dataclass
class Practice:
    """A registered practice: its open store, workstation and first practitioner."""

    store: Store
    workstation: Workstation
    practitioner_id: str

    def sync(self):
        return Sync(self.workstation).once()

    def enrol(self, relay_url: str, name: str, born: str = "1961-04-02") -> PatientClient:
        """Add the patient, invite him, let him redeem, and sync so the practice has his keys."""
        patient = self.store.add_patient(name, born)
        code = self.workstation.invite(patient.id)
        self.sync()
        client = PatientClient.redeem(relay_url, code)
        self.sync()
        return client


def make_practice(
    relay_url: str, enrolment_token: str, path: Path, practitioner: str = "Dr Claire Dupont"
) -> Practice:
    store = Store.create(path, PASSPHRASE)
    ws = Workstation.enrol(store, relay_url, enrolment_token, "test-workstation", "Cabinet Dupont")
    p = ws.add_practitioner(practitioner, "Médecin généraliste", "10001234567", accepts_messaging=True)
    store.set_setting("default_practitioner", p.id)
    Sync(ws).once()
    return Practice(store, ws, p.id)


def patient_request(client: PatientClient, practitioner_id: str, text: str,
                    category: Category = Category.OTHER) -> str:
    return client.request(practitioner_id, category, text)
