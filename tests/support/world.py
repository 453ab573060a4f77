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
# The PIN of every person a test makes (desktop.core.rights: tests act as a person
# signed in, through the same checks as the window).
PIN = "246810"


@dataclass
class Practice:
    """A registered practice: its open store, workstation and first practitioner."""

    store: Store
    workstation: Workstation
    practitioner_id: str

    def sign_in(self, person_id: str, pin: str = PIN):
        """Switch the person at the workstation (as at a shared desk)."""
        return self.workstation.sign_in(person_id, pin)

    def add_person(self, name: str, role: str = "assistant", administrator: bool = False,
                   profession: str = "", rpps: str | None = None,
                   accepts_messaging: bool = False):
        """Another person of the practice, with the test PIN (added by the administrator)."""
        return self.workstation.add_person(name, role, PIN, administrator, profession, rpps,
                                           accepts_messaging)

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
    # The first practitioner is the practice's administrator, signed in: tests act as her.
    p = ws.set_up_administrator(PIN, name=practitioner, profession="Médecin généraliste",
                                rpps="10001234567", accepts_messaging=True)
    store.set_setting("default_practitioner", p.id)
    Sync(ws).once()
    return Practice(store, ws, p.id)


def patient_request(client: PatientClient, practitioner_id: str, text: str,
                    category: Category = Category.OTHER) -> str:
    return client.request(practitioner_id, category, text)
