"""A patient's file as FHIR R4 resources, for the practice software and the DMP.

Plain dicts and JSON, nothing else: the export must run on a workstation that has
only Passerelle's own dependencies. The tests validate what this builds with a FHIR
model library (``fhir.resources``); the code here does not need one.

What becomes what:

- each message: a ``Communication`` (``partOf`` the conversation's first message,
  ``inResponseTo`` the last message of the other side before it; ``sent``, and
  ``received`` when this workstation got it; ``payload``: the text, then each
  document as an ``Attachment`` with ``hash`` = base64 SHA-1 of its bytes as the
  spec says, and the SHA-256 Passerelle checks in an extension);
- each renewal request: a ``Task`` whose ``focus`` is the first ``MedicationRequest``
  issued (all of them in ``output``), or, for a decline or an appointment needed,
  the practice's answer (a ``Communication``);
- each notice: a ``CommunicationRequest`` (the campaign, as far as this patient is
  concerned: he alone is named) and the ``Communication`` of his copy;
- the ``Patient`` and every ``Practitioner`` referred to (RPPS in the French
  identifiers of FR Core: the national id ``8`` + RPPS under
  ``urn:oid:1.2.250.1.71.4.2.1``, and the RPPS number under
  ``https://rpps.esante.gouv.fr``).

In a ``Bundle`` (type ``collection``) every entry's ``fullUrl`` is ``urn:uuid:<id>``
and references use it; in NDJSON (one file per resource type, as the bulk data
format does) references are relative (``Patient/<id>``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from desktop.core.model import DeliveryState, Sender
from desktop.core.renewal import RenewalState
from desktop.records.patient_file import PatientFile
from desktop.store.documents import StoredDocument

FHIR_VERSION = "4.0.1"

# French identifiers, as FR Core (Interop'Santé) profiles them.
IDNPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"  # identifiant national PS: "8" + RPPS
RPPS_SYSTEM = "https://rpps.esante.gouv.fr"
FR_IDENTIFIER_TYPES = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203"

# Passerelle's own code systems and extension. Not registered anywhere: a URN of the
# product's name, to be replaced by the vendor's canonical URL once it has one.
BASE = "urn:passerelle:fhir"
CATEGORY_SYSTEM = f"{BASE}:conversation-category"
NOTICE_SYSTEM = f"{BASE}:notice-kind"
TASK_SYSTEM = f"{BASE}:task"
SHA256_EXTENSION = f"{BASE}:StructureDefinition:attachment-sha256"
UUID_SYSTEM = "urn:ietf:rfc:3986"
UCUM = "http://unitsofmeasure.org"

RENEWAL_CODE = {
    "coding": [{"system": TASK_SYSTEM, "code": "prescription-renewal",
                "display": "Renouvellement d'ordonnance"}],
    "text": "Renouvellement d'ordonnance",
}
_CATEGORY_TEXT = {
    "renewal": "Renouvellement", "document": "Document",
    "administrative": "Administratif", "other": "Autre",
}
_NOTICE_TEXT = {"prevention": "Prévention", "practice_organisation": "Vie du cabinet"}
_DERIVED = uuid.UUID("6f1c8a52-3f1e-4d0a-9a57-2b8e0c6f4d11")  # names derived resources


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def fhir_id(kind: str, raw: str) -> str:
    """A resource id: the store's UUID itself, or one derived from it (stable across
    exports, so that a second export updates rather than duplicates)."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return str(uuid.uuid5(_DERIVED, f"{kind}:{raw}"))


def derived_id(kind: str, *parts: str) -> str:
    return str(uuid.uuid5(_DERIVED, ":".join((kind, *parts))))


def _text(value: str | None) -> str | None:
    """FHIR strings may not be empty: an empty text is left out."""
    return value if value and value.strip() else None


def _compact(resource: dict[str, Any]) -> dict[str, Any]:
    """Drop empty members (None, [] and {}): FHIR forbids them."""
    out: dict[str, Any] = {}
    for key, value in resource.items():
        if isinstance(value, dict):
            value = _compact(value)
        elif isinstance(value, list):
            value = [_compact(v) if isinstance(v, dict) else v for v in value]
            value = [v for v in value if v not in (None, {}, [])]
        if value in (None, {}, []):
            continue
        out[key] = value
    return out


class _Builder:
    """Builds the resources of one patient's file with one style of reference."""

    def __init__(self, file: PatientFile, bundle: bool, include_data: bool) -> None:
        self.file = file
        self.bundle = bundle
        self.include_data = include_data
        self.resources: list[dict[str, Any]] = []
        self.practitioners_named: set[str] = set()
        self.patient_id = fhir_id("Patient", file.patient.id)

    def ref(self, kind: str, id: str, display: str | None = None) -> dict[str, Any]:
        target = f"urn:uuid:{id}" if self.bundle else f"{kind}/{id}"
        return _compact({"reference": target, "display": display})

    def patient_ref(self) -> dict[str, Any]:
        return self.ref("Patient", self.patient_id, self.file.patient.name)

    def practitioner_ref(self, practitioner_id: str | None) -> dict[str, Any] | None:
        found = self.file.practitioners.get(practitioner_id or "")
        if found is None:
            return None
        self.practitioners_named.add(found.id)
        return self.ref("Practitioner", fhir_id("Practitioner", found.id), found.name)

    def add(self, resource: dict[str, Any]) -> None:
        self.resources.append(_compact(resource))

    # -- people -------------------------------------------------------------------

    def patient(self) -> None:
        p = self.file.patient
        identifiers: list[dict[str, Any]] = [
            {"system": UUID_SYSTEM, "value": f"urn:uuid:{self.patient_id}"}]
        if p.external_id:
            identifiers.append({"type": {"text": "Numéro du patient dans le logiciel du cabinet"},
                                "value": p.external_id})
        telecom = []
        if p.phone:
            telecom.append({"system": "phone", "value": p.phone})
        if p.email:
            telecom.append({"system": "email", "value": p.email})
        self.add({
            "resourceType": "Patient",
            "id": self.patient_id,
            "identifier": identifiers,
            "name": [{"text": p.name}],
            "birthDate": p.born,
            "gender": {"F": "female", "M": "male"}.get(p.sex or "", "unknown"),
            "telecom": telecom,
        })

    def practitioner(self, practitioner_id: str) -> None:
        p = self.file.practitioners[practitioner_id]
        identifiers: list[dict[str, Any]] = []
        if p.rpps:
            identifiers = [
                {"use": "official", "system": IDNPS_SYSTEM, "value": f"8{p.rpps}",
                 "type": {"coding": [{"system": FR_IDENTIFIER_TYPES, "code": "IDNPS"}]}},
                {"use": "official", "system": RPPS_SYSTEM, "value": p.rpps,
                 "type": {"coding": [{"system": FR_IDENTIFIER_TYPES, "code": "RPPS"}]}},
            ]
        self.add({
            "resourceType": "Practitioner",
            "id": fhir_id("Practitioner", p.id),
            "identifier": identifiers,
            "name": [{"text": p.name}],
            "qualification": [{"code": {"text": p.profession}}] if _text(p.profession) else [],
        })

    # -- conversations ------------------------------------------------------------

    def attachment(self, doc: StoredDocument) -> dict[str, Any]:
        data = self.file.contents(doc)
        result: dict[str, Any] = {
            "contentType": doc.type,
            "title": doc.name,
            "size": doc.size,
            "creation": doc.created_at or None,
            "extension": [{"url": SHA256_EXTENSION, "valueString": doc.sha256}],
        }
        if data is not None:
            result["hash"] = base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")
            if self.include_data:
                result["data"] = base64.b64encode(data).decode("ascii")
        return result

    def prescription(self, prescription: Any) -> dict[str, Any]:
        """The renewed prescription's PDF, as the reply carried it."""
        data = self.file.prescription_pdf(prescription.id)
        result: dict[str, Any] = {
            "contentType": "application/pdf",
            "title": f"Ordonnance {prescription.issued_at.date().isoformat()}.pdf",
            "creation": instant(prescription.issued_at),
            "size": prescription.size or None,
            "extension": [{"url": SHA256_EXTENSION, "valueString": prescription.sha256}]
            if prescription.sha256 else [],
        }
        if data is not None:
            result["size"] = len(data)
            result["hash"] = base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")
            if self.include_data:
                result["data"] = base64.b64encode(data).decode("ascii")
        return result

    def conversations(self) -> dict[str, str]:
        """One Communication per message; returns, by conversation, its first message's
        resource id (a notice's reply points at it)."""
        categories = {c.id: str(c.category) for c in self.file.conversations}
        owners = {c.id: c.practitioner_id for c in self.file.conversations}
        first: dict[str, str] = {}
        last_of: dict[tuple[str, Sender], str] = {}
        for m in self.file.messages:
            me = fhir_id("Communication", m.id)
            head = first.setdefault(m.conversation_id, me)
            answered = last_of.get((m.conversation_id, _other(m.sender)))
            last_of[(m.conversation_id, m.sender)] = me
            sender: dict[str, Any] | None
            recipient: dict[str, Any] | None
            if m.sender is Sender.PATIENT:
                sender = self.patient_ref()
                recipient = self.practitioner_ref(owners.get(m.conversation_id))
            else:
                sender, recipient = self.practitioner_ref(m.author), self.patient_ref()
            category = categories.get(m.conversation_id, "other")
            payload: list[dict[str, Any]] = [{"contentString": m.text}] if _text(m.text) else []
            payload += [{"contentAttachment": self.attachment(d)}
                        for d in self.file.documents.get(m.id, [])]
            payload += [{"contentAttachment": self.prescription(p)}
                        for p in self.file.prescriptions if p.message_id == m.id]
            self.add({
                "resourceType": "Communication",
                "id": me,
                "identifier": [{"system": UUID_SYSTEM, "value": f"urn:uuid:{me}"}],
                "status": _communication_status(m.sender, m.delivery),
                "category": [{"coding": [{"system": CATEGORY_SYSTEM, "code": category,
                                          "display": _CATEGORY_TEXT.get(category)}]}],
                "subject": self.patient_ref(),
                "partOf": [self.ref("Communication", head)] if head != me else [],
                "inResponseTo": [self.ref("Communication", answered)] if answered else [],
                "sent": instant(m.sent_at),
                "received": instant(m.received_at) if m.sender is Sender.PATIENT else None,
                "sender": sender,
                "recipient": [recipient] if recipient else [],
                "payload": payload,
            })
        return first

    # -- renewals -----------------------------------------------------------------

    def renewals(self) -> None:
        prescriptions = {p.renewal_request_id: p for p in self.file.prescriptions
                         if p.renewal_request_id}
        for r in self.file.renewals:
            task_id = derived_id("Task", r.id)
            orders: list[str] = []
            issued = prescriptions.get(r.id)
            if issued is not None:
                orders = self.medication_requests(issued, task_id)
            answer = (fhir_id("Communication", r.decision_message_id)
                      if r.decision_message_id else None)
            if orders:
                focus = self.ref("MedicationRequest", orders[0])
            elif answer:
                focus = self.ref("Communication", answer)
            else:
                focus = None
            inputs = [{"type": {"text": "Traitement demandé"}, "valueString": t}
                      for t in r.treatments if _text(t)]
            inputs.append({"type": {"text": "Demande du patient"},
                           "valueReference": self.ref("Communication",
                                                      fhir_id("Communication", r.id))})
            outputs = [{"type": {"text": "Ordonnance renouvelée"},
                        "valueReference": self.ref("MedicationRequest", o)} for o in orders]
            if answer and r.state is not RenewalState.APPROVED:
                outputs.append({"type": {"text": "Réponse au patient"},
                                "valueReference": self.ref("Communication", answer)})
            status, business = _TASK_STATUS[r.state]
            self.add({
                "resourceType": "Task",
                "id": task_id,
                "identifier": [{"system": UUID_SYSTEM, "value": f"urn:uuid:{task_id}"}],
                "status": status,
                "businessStatus": {"text": business},
                "statusReason": {"text": _text(r.decision_text)} if _text(r.decision_text)
                else None,
                "intent": "order",
                "code": RENEWAL_CODE,
                "description": _text(r.message),
                "focus": focus,
                "for": self.patient_ref(),
                "requester": self.patient_ref(),
                "owner": self.practitioner_ref(r.decided_by or r.practitioner_id),
                "authoredOn": instant(r.received_at),
                "lastModified": instant(r.decided_at or r.received_at),
                "note": [{"text": f"Dérogation aux règles : {r.override_reason}"}]
                if _text(r.override_reason) else [],
                "input": inputs,
                "output": outputs,
            })

    def medication_requests(self, prescription: Any, task_id: str) -> list[str]:
        ids = []
        for n, line in enumerate(prescription.lines):
            me = derived_id("MedicationRequest", prescription.id, str(n))
            ids.append(me)
            self.add({
                "resourceType": "MedicationRequest",
                "id": me,
                "groupIdentifier": {"system": UUID_SYSTEM,
                                    "value": f"urn:uuid:{fhir_id('x', prescription.id)}"},
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": line.name},
                "subject": self.patient_ref(),
                "authoredOn": instant(prescription.issued_at),
                "requester": self.practitioner_ref(prescription.prescriber_id),
                "dosageInstruction": [{"text": line.dosage}] if _text(line.dosage) else [],
                "dispenseRequest": {
                    "numberOfRepeatsAllowed": max(0, int(line.renewals)),
                    "expectedSupplyDuration": {"value": int(line.duration_days), "unit": "d",
                                               "system": UCUM, "code": "d"},
                },
                "note": [{"text": f"Quantité : {line.quantity}"}] if _text(line.quantity) else [],
            })
        return ids

    # -- notices ------------------------------------------------------------------

    def notices(self, first_message: dict[str, str]) -> None:
        for n in self.file.notices:
            request_id = fhir_id("CommunicationRequest", n.id)
            copy_id = derived_id("Communication", n.id, self.file.patient.id)
            author = self.practitioner_ref(n.author_id)
            category = [{"coding": [{"system": NOTICE_SYSTEM, "code": n.kind,
                                     "display": _NOTICE_TEXT.get(n.kind)}]}]
            text = "\n\n".join(t for t in (n.title, n.text) if _text(t))
            self.add({
                "resourceType": "CommunicationRequest",
                "id": request_id,
                "identifier": [{"system": UUID_SYSTEM, "value": f"urn:uuid:{request_id}"}],
                "status": _NOTICE_STATUS.get(n.notice_state, "unknown"),
                "category": category,
                "subject": self.patient_ref(),
                "payload": [{"contentString": text}] if text else [],
                "authoredOn": instant(n.prepared_at),
                "occurrenceDateTime": instant(n.send_after) if n.send_after else None,
                "requester": author,
                "sender": author,
                "recipient": [self.patient_ref()],
            })
            self.add({
                "resourceType": "Communication",
                "id": copy_id,
                "basedOn": [self.ref("CommunicationRequest", request_id)],
                "status": _COPY_STATUS.get(n.state, "unknown"),
                "category": category,
                "subject": self.patient_ref(),
                "sent": instant(n.handed_over_at) if n.handed_over_at else None,
                "received": instant(n.delivered_at) if n.delivered_at else None,
                "sender": author,
                "recipient": [self.patient_ref()],
                "payload": [{"contentString": text}] if text else [],
            })
            reply = first_message.get(n.reply_conversation_id or "")
            if reply is not None:
                self._answers(reply, copy_id)

    def _answers(self, communication_id: str, notice_copy_id: str) -> None:
        """The patient's reply to a notice answers the notice's copy."""
        for resource in self.resources:
            if resource["resourceType"] == "Communication" and resource["id"] == communication_id:
                resource.setdefault("inResponseTo", []).append(
                    self.ref("Communication", notice_copy_id))

    def build(self) -> list[dict[str, Any]]:
        self.patient()
        first = self.conversations()
        self.renewals()
        self.notices(first)
        for practitioner_id in sorted(self.practitioners_named):
            self.practitioner(practitioner_id)
        return self.resources


def _other(sender: Sender) -> Sender:
    return Sender.PRACTICE if sender is Sender.PATIENT else Sender.PATIENT


def _communication_status(sender: Sender, delivery: DeliveryState) -> str:
    if sender is Sender.PATIENT:
        return "completed"  # it is here: it was received
    return {DeliveryState.PENDING: "preparation", DeliveryState.SENT: "in-progress"}.get(
        delivery, "completed")


_TASK_STATUS: dict[RenewalState, tuple[str, str]] = {
    RenewalState.RECEIVED: ("requested", "En attente de décision"),
    RenewalState.APPROVED: ("completed", "Renouvelée"),
    RenewalState.DECLINED: ("rejected", "Refusée"),
    RenewalState.APPOINTMENT_NEEDED: ("rejected", "Consultation nécessaire"),
}
_NOTICE_STATUS = {"prepared": "active", "sending": "active", "sent": "completed",
                  "cancelled": "revoked"}
_COPY_STATUS = {"queued": "preparation", "handed_over": "in-progress", "delivered": "completed",
                "read": "completed"}


def resources(file: PatientFile, *, bundle: bool = False,
              include_data: bool = True) -> list[dict[str, Any]]:
    """The patient's file as FHIR resources (relative references unless ``bundle``)."""
    return _Builder(file, bundle, include_data).build()


def bundle(file: PatientFile, *, include_data: bool = True,
           at: datetime | None = None) -> dict[str, Any]:
    """One ``Bundle`` of type ``collection`` holding the whole file."""
    moment = at or datetime.now(UTC)
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r}
               for r in resources(file, bundle=True, include_data=include_data)]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": instant(moment)},
        "identifier": {"system": UUID_SYSTEM, "value": f"urn:uuid:{uuid.uuid4()}"},
        "type": "collection",
        "timestamp": instant(moment),
        "entry": entries,
    }


def by_type(items: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in items:
        grouped.setdefault(r["resourceType"], []).append(r)
    return grouped


def to_json(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, indent=2)


def to_ndjson(items: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in items)
