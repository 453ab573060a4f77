"""The demo practice, made with the real parts: a relay on 127.0.0.1 in this process,
a real store, and patients who redeem real invitations and write through the real
patient client — never rows slipped into the store behind the window.

No Qt here: the window starts a :class:`DemoWorld` and a :class:`PatientSimulator`
and watches the messages arrive through ordinary sync.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from desktop.core.errors import PasserelleError
from desktop.core.model import Category, ConversationState
from desktop.demo import people, samples
from desktop.demo.relay_host import InProcessRelay
from desktop.documents.prescription import PrescribedTreatment
from desktop.patient import PatientClient
from desktop.store import Store
from desktop.sync.engine import Sync
from desktop.sync.workstation import Workstation

log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "demo-passerelle-2026"
#: How many patients have already sent a document when the demo opens.
DOCUMENTS_IN_HISTORY = 4
#: The share of the simulated patients' actions that send a document.
DOCUMENT_SHARE = 1 / 6


@dataclass(frozen=True)
class Opening:
    """What a patient of the demo asks first: a request, or a renewal of ``treatments``."""

    category: Category
    text: str
    treatments: tuple[str, ...] = ()


def opening(i: int) -> Opening:
    """The first request of the ``i``-th patient of the demo (every third asks a renewal)."""
    if i % 3 == 2:
        treatments, text = people.RENEWALS[(i // 3) % len(people.RENEWALS)]
        return Opening(Category.RENEWAL, text, tuple(treatments))
    category, text = people.REQUESTS[i % len(people.REQUESTS)]
    if category is Category.RENEWAL:  # renewals go through request_renewal
        return Opening(Category.ADMINISTRATIVE, people.REQUESTS[4][1])
    return Opening(category, text)


#: The two GPs who share the list (the first two practitioners who accept messaging).
GPS = [name for name, _, _, accepts in people.PRACTITIONERS if accepts][:2]


@dataclass
class DemoPatient:
    """A synthetic patient: his client and his conversations."""

    name: str
    client: PatientClient
    conversations: list[str] = field(default_factory=list)
    born: str | None = None
    sex: str | None = None


BROWSER_PATIENT = ("Camille Roussel", "1988-09-14", "F")


def _as(ws: Workstation, person_id: str) -> None:
    """The demo's people take turns at the desk, signing in as anyone would."""
    if ws.person is None or ws.person.id != person_id:
        ws.sign_in(person_id, people.DEMO_PIN)


class DemoWorld:
    """A throwaway relay, a practice store closed and ready to unlock, and its patients."""

    def __init__(self, folder: Path, patients: int = len(people.PATIENTS), seed: int = 7) -> None:
        self.folder = Path(folder)
        self.store_path = self.folder / "cabinet-demo.passerelle"
        self.rng = random.Random(seed)
        self.count = min(patients, len(people.PATIENTS))
        self.relay: InProcessRelay | None = None
        self.patients: list[DemoPatient] = []
        self.practitioner_ids: list[str] = []
        self.practitioner_names: dict[str, str] = {}
        #: Where a person opens the patient's web app as one of the demo's patients.
        self.browser_url = ""

    def build(self) -> None:
        """Everything, in order: relay, practice, invitations, redemptions, first messages."""
        started = time.monotonic()
        documents = self._make_documents()
        self.relay = InProcessRelay(self.folder)
        token = self.relay.create_practice("Cabinet Dupont")
        store = Store.create(self.store_path, DEMO_PASSPHRASE)
        try:
            ws = Workstation.enrol(store, self.relay.url, token, "demo", "Cabinet Dupont")
            with store.transaction():
                store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
                store.set_setting("practice_phone", "04 78 00 00 00")
                for n, (name, profession, rpps, accepts) in enumerate(people.PRACTITIONERS):
                    # The first is the administrator, signed in; everyone's PIN is DEMO_PIN.
                    if n == 0:
                        p = ws.set_up_administrator(
                            people.DEMO_PIN, name=name, profession=profession, rpps=rpps,
                            accepts_messaging=accepts)
                    elif name == people.ASSISTANT:
                        p = ws.add_person(name, "assistant", people.DEMO_PIN)
                    else:
                        p = ws.add_practitioner(name, profession, rpps, accepts,
                                                secret=people.DEMO_PIN)
                    self.practitioner_names[p.id] = name
                    if accepts:
                        self.practitioner_ids.append(p.id)
                store.set_setting("default_practitioner", self.practitioner_ids[0])
            sync = Sync(ws)
            codes = []
            for i, (name, born, sex) in enumerate(people.PATIENTS[: self.count]):
                # Most came within the year; every seventh not for 14 months (flagged).
                visit = date.today() - timedelta(days=430 if i % 7 == 6 else 20 + (i * 11) % 300)
                record = store.add_patient(name, born, sex=sex, phone=people.phone(i),
                                           external_id=f"D{1040 + i * 7:05d}",
                                           last_visit=visit.isoformat(),
                                           tags=people.TAGS[i % len(people.TAGS)])
                codes.append((name, born, sex, ws.invite(record.id)))
            for i, (name, born, sex) in enumerate(people.NOT_ENROLLED, start=self.count):
                store.add_patient(name, born, sex=sex, phone=people.phone(i),
                                  external_id=f"D{1040 + i * 7:05d}")
            # One patient left for a person to be, in a real browser: the web app the relay
            # serves, with the address the invitation letter's QR code would hold.
            name, born, sex = BROWSER_PATIENT
            record = store.add_patient(name, born, sex=sex, phone=people.phone(99))
            self.browser_url = f"{self.relay.url}/#join={ws.invite(record.id)}"
            sync.once()
            for name, born, sex, code in codes:
                client = PatientClient.redeem(self.relay.url, code)
                self.patients.append(DemoPatient(name, client, born=born, sex=sex))
            sync.once()
            self._history(ws, sync, documents)
        finally:
            store.close()
        log.info("demo: %d patients ready in %.1f s", len(self.patients),
                 time.monotonic() - started)

    def _history(self, ws: Workstation, sync: Sync,
                 documents: Future[list[tuple[int, samples.Sample]]]) -> None:
        """Requests already there when the practice opens the window; a few answered."""
        renewing = []
        for i, patient in enumerate(self.patients):
            doctor = self.practitioner_ids[i % 2]  # the two GPs share the list
            first = opening(i)
            if first.treatments:
                treatments = list(first.treatments)
                patient.conversations.append(
                    patient.client.request_renewal(doctor, treatments, first.text))
                renewing.append((patient, treatments, doctor))
                continue
            patient.conversations.append(patient.client.request(doctor, first.category,
                                                                first.text))
        # Some sent what their request speaks of, before anyone at the practice read it.
        for i, sample in documents.result():
            self.send_sample(self.patients[i], self.patients[i].conversations[0], sample)
        sync.once()
        # Three renewals approved months ago: the queue shows their history.
        for patient, treatments, doctor in renewing[:3]:
            if any(t not in people.PAST_LINES for t in treatments):
                continue
            queued = [q for q in ws.store.pending_renewals(200)
                      if q.patient.name == patient.name]
            if not queued:
                continue
            lines = [PrescribedTreatment(*people.PAST_LINES[t]) for t in treatments]
            _as(ws, doctor)
            ws.approve_renewal(queued[0].request.id, lines, doctor,
                               override_reason="Patient vu récemment, traitement stable")
            patient.client.sync()
            patient.client.request_renewal(doctor, treatments, "Encore merci pour la dernière fois.")
        sync.once()
        for i, patient in enumerate(self.patients[: len(self.patients) // 3]):
            conv = patient.conversations[0]
            author = self.practitioner_ids[i % 2]
            _as(ws, author)
            ws.reply(conv, people.PRACTICE_REPLIES[i % len(people.PRACTICE_REPLIES)], author)
            if i % 4 == 3:
                ws.change_state(conv, ConversationState.CLOSED, author)
        sync.once()
        for patient in self.patients[: len(self.patients) // 3]:
            patient.client.sync()
            patient.client.mark_read(patient.conversations[0])
        for i, patient in enumerate(self.patients[: len(self.patients) // 5]):
            if i % 4 != 3:  # those were closed: the patient would open a new request
                patient.client.write(patient.conversations[0], people.FOLLOW_UPS[i % 8])

    def _make_documents(self) -> Future[list[tuple[int, samples.Sample]]]:
        """The documents of the history, drawn in a thread while the relay starts and the
        store's key is derived (waits in C): the build takes hardly longer for them.

        Patients whose first request speaks of one send it: blood test results with a
        renewal or a results request, a cardiologist's letter where dizziness was the
        worry; the first of them sends an ultrasound report as well.
        """
        senders = [(i, kind) for i in range(self.count)
                   if (kind := samples.kind_hint(opening(i).text)) is not None]
        if not senders and self.count:  # a world too small for that: one lab report
            senders = [(0, "lab")]
        jobs: list[tuple[int, str, int, date, str | None]] = []
        for n, (i, kind) in enumerate(senders[:DOCUMENTS_IN_HISTORY]):
            day = date.today() - timedelta(days=self.rng.randint(2, 9))
            jobs.append((i, kind, self.rng.randrange(1 << 30), day, None))
            if n == 0:
                earlier = day - timedelta(days=3)
                also = ("J'en profite pour vous envoyer aussi le compte rendu de l'échographie "
                        f"faite le {samples.day_month(earlier)}.")
                jobs.append((i, "echography", self.rng.randrange(1 << 30), earlier, also))

        def make() -> list[tuple[int, samples.Sample]]:
            made = []
            for i, kind, seed, day, text in jobs:
                name, born, sex = people.PATIENTS[i]
                sample = samples.KINDS[kind](seed, samples.SamplePatient(
                    name, born, sex, GPS[i % 2]), day)
                made.append((i, sample._replace(text=text) if text else sample))
            return made

        pool = ThreadPoolExecutor(1, thread_name_prefix="demo-documents")
        try:
            return pool.submit(make)
        finally:
            pool.shutdown(wait=False)  # the thread ends with its one job

    def sample(self, patient: DemoPatient, conversation_id: str, kind: str,
               day: date | None = None) -> samples.Sample:
        """A document of ``kind`` (``samples.KINDS``) about ``patient``, dated ``day``, for
        the practitioner of the conversation."""
        doctor = self.practitioner_names.get(_practitioner_of(patient, conversation_id), "")
        if not doctor.startswith("Dr "):  # a nurse does not prescribe a blood test
            doctor = people.PRACTITIONERS[0][0]
        about = samples.SamplePatient(patient.name, patient.born, patient.sex, doctor)
        if day is None:
            day = date.today() - timedelta(days=self.rng.randint(1, 6))
        return samples.KINDS[kind](self.rng.randrange(1 << 30), about, day)

    def send_document(self, patient: DemoPatient, conversation_id: str, kind: str,
                      day: date | None = None) -> str:
        """The patient sends a sample document of ``kind`` with his message; the message id."""
        return self.send_sample(patient, conversation_id,
                                self.sample(patient, conversation_id, kind, day))

    def send_sample(self, patient: DemoPatient, conversation_id: str,
                    sample: samples.Sample) -> str:
        """Written where the patient's phone keeps his files (in the demo's throwaway folder:
        the practice's copy stays encrypted in its store), then sent with the real client."""
        phone = self.folder / "phones" / f"patient-{self.patients.index(patient) + 1:02d}"
        phone.mkdir(parents=True, exist_ok=True)
        path = phone / sample.name
        path.write_bytes(sample.data)
        return patient.client.send_document(conversation_id, path, sample.text)

    def stop(self) -> None:
        for p in self.patients:
            p.client.close()
        if self.relay is not None:
            self.relay.stop()


def _practitioner_of(patient: DemoPatient, conversation_id: str) -> str:
    for conv in patient.client.conversations():
        if conv["id"] == conversation_id:
            return str(conv.get("practitioner_id") or "")
    return ""


class PatientSimulator:
    """Patients who keep writing while you watch: every few seconds one of them acts."""

    def __init__(self, world: DemoWorld, every: tuple[float, float] = (6.0, 15.0)) -> None:
        self.world = world
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-patients", daemon=True)
        self.actions = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def step(self) -> str:
        """One patient does one thing; returns what, for the log."""
        rng = self.world.rng
        patient = rng.choice(self.world.patients)
        client = patient.client
        client.sync()
        for conv in client.conversations():
            if any(m.get("read") is False for m in conv.get("messages", [])):
                client.mark_read(conv["id"])  # the patient reads the practice's answer
        open_ones = [c for c in client.conversations()
                     if c.get("state") in ("open", "requested", "pending")]
        roll = rng.random()
        if open_ones and roll < DOCUMENT_SHARE:
            conv = rng.choice(open_ones)
            first = conv["messages"][0]["text"] if conv.get("messages") else ""
            kind = samples.kind_for(first, rng)
            try:
                self.world.send_document(patient, conv["id"], kind)
            except PasserelleError as exc:  # e.g. the practice closed it meanwhile
                return f"{patient.name} could not send a document: {exc}"
            return f"{patient.name} sent a document ({kind})"
        if open_ones and roll < 0.6:
            conv = rng.choice(open_ones)
            client.write(conv["id"], rng.choice(people.FOLLOW_UPS))
            return f"{patient.name} wrote in a conversation"
        category, text = rng.choice(people.REQUESTS)
        doctor = rng.choice(self.world.practitioner_ids)
        try:
            if category is Category.RENEWAL:
                treatments, text = rng.choice(people.RENEWALS)
                patient.conversations.append(client.request_renewal(doctor, treatments, text))
            else:
                patient.conversations.append(client.request(doctor, category, text))
        except PasserelleError as exc:  # e.g. too many open requests: the relay says no
            return f"{patient.name} could not open a request: {exc}"
        return f"{patient.name} asked: {Category(category)}"

    def _run(self) -> None:
        while not self._stop.wait(self.world.rng.uniform(*self.every)):
            try:
                what = self.step()
                self.actions += 1
                log.info("demo: %s", what)
            except Exception:  # a simulated patient must never take the demo down
                log.exception("demo patient failed")
