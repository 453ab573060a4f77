"""A real SQLCipher store in tmp_path, and a small practice inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.model import Category, ConversationState, DeliveryState, Sender
from desktop.store import Store

PASSPHRASE = "un cheval de trait sur le pont"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "cabinet.passerelle"


@pytest.fixture()
def store(store_path: Path):
    s = Store.create(store_path, PASSPHRASE)
    yield s
    s.close()


@dataclass
class Practice:
    """A store with one practitioner (accepting messaging) and two patients."""

    store: Store
    doctor: str
    nurse: str
    jean: str
    lucie: str

    def conversation(
        self,
        id: str,
        patient: str | None = None,
        state: ConversationState = ConversationState.OPEN,
        category: Category = Category.OTHER,
        created: float = 0,
        practitioner: str | None = None,
    ) -> str:
        self.store.upsert_conversation(
            id, patient or self.jean, practitioner or self.doctor, category, state, at(created)
        )
        return id

    def from_patient(self, conv: str, id: str, text: str, minutes: float) -> bool:
        patient = self.store.conversation(conv).patient_id  # type: ignore[union-attr]
        return self.store.add_message(
            id, conv, Sender.PATIENT, patient, text, at(minutes), DeliveryState.DELIVERED
        )

    def from_practice(
        self,
        conv: str,
        id: str,
        text: str,
        minutes: float,
        delivery: DeliveryState = DeliveryState.PENDING,
    ) -> bool:
        return self.store.add_message(
            id, conv, Sender.PRACTICE, self.doctor, text, at(minutes), delivery
        )


@pytest.fixture()
def practice(store: Store) -> Practice:
    doctor = store.add_practitioner("Dr Claire Dupont", "Médecin généraliste", "10001234567", True)
    nurse = store.add_practitioner("Paul Infirmier", "Infirmier")
    jean = store.add_patient("Jean Martin", "1961-04-02")
    lucie = store.add_patient("Lucie Bernard", "1990-12-24")
    return Practice(store, doctor.id, nurse.id, jean.id, lucie.id)
