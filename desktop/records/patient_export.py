"""Everything about a patient, in one ZIP (GDPR art. 15, the right of access): the PDF of
all his conversations, the FHIR bundle, his documents decrypted, and a CSV of every row
the practice's store holds about him.

The ZIP is written where the person chose, in clear: like "Save as…", it is a way out of
the encrypted store, and the dialog says so. Refused for a patient of another practice
(or an unknown id) before anything is read; audited (``record_exported``) for ours, in
the transaction that puts the finished file in place: a failed export leaves neither a
file nor a line.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from desktop.core.documents import safe_name
from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction
from desktop.core.rights import Right, check
from desktop.records import fhir
from desktop.records.patient_file import PatientFile, gather
from desktop.store.patient_holdings import PatientHoldings

CSV_NAME = "donnees-du-cabinet.csv"
PDF_NAME = "conversations.pdf"
FHIR_NAME = "fhir-bundle.json"

_README = {
    "fr": (
        "Export de toutes les données que le cabinet {practice} détient sur {name} "
        "(né(e) le {born}), fait le {at} (UTC).\n\n"
        "- {pdf} : toutes les conversations, avec les décisions sur les renouvellements{notes}.\n"
        "- {fhir} : les mêmes données au format FHIR R4 (Bundle), pour un logiciel médical.\n"
        "- documents/ : les documents échangés, déchiffrés{missing} ; prescriptions/ : "
        "les ordonnances renouvelées.\n"
        "- {csv} : chaque ligne de la base du cabinet qui concerne le patient, "
        "table par table (séparateur « ; », UTF-8).\n"
    ),
    "en": (
        "Everything the practice {practice} holds about {name} (born {born}), "
        "exported on {at} (UTC).\n\n"
        "- {pdf}: every conversation, with the decisions on renewal requests{notes}.\n"
        "- {fhir}: the same as FHIR R4 (a Bundle), for medical software.\n"
        "- documents/: the documents exchanged, decrypted{missing}; prescriptions/: the "
        "renewed prescriptions.\n"
        "- {csv}: every row of the practice's store about the patient, table by table "
        "(separator ';', UTF-8).\n"
    ),
}
_NOTES = {"fr": ", et les notes internes", "en": ", and the internal notes"}
_MISSING = {
    "fr": " ({n} pas encore téléchargé(s) sur ce poste : listés dans le CSV)",
    "en": " ({n} not downloaded to this workstation yet: listed in the CSV)",
}


def holdings_csv(holdings: dict[str, tuple[Any, list[tuple[Any, ...]]]]) -> str:
    """One line per value: table; row number; column; value (long format: every table
    fits one sheet, whatever its columns)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["table", "row", "column", "value"])
    for table, (columns, rows) in holdings.items():
        for n, row in enumerate(rows, start=1):
            for column, value in zip(columns, row, strict=True):
                writer.writerow([table, n, column, "" if value is None else value])
    return out.getvalue()


def _documents(file: PatientFile) -> Iterator[tuple[str, bytes]]:
    """Each downloaded document once, under a name of its own (day first, then its name)."""
    used: set[str] = set()
    for docs in file.documents.values():
        for doc in docs:
            data = file.contents(doc)
            if data is None:
                continue
            base = safe_name(f"{(doc.created_at or '')[:10]} {doc.name}".strip())
            name, n = base, 1
            while name.lower() in used:
                n += 1
                stem, dot, ext = base.rpartition(".")
                name = f"{stem} ({n}).{ext}" if dot else f"{base} ({n})"
            used.add(name.lower())
            yield f"documents/{name}", data


def _prescriptions(file: PatientFile) -> Iterator[tuple[str, bytes]]:
    """Each renewed prescription's PDF, under the name it is saved as."""
    from desktop.sync.practice_documents import prescription_name

    used: set[str] = set()
    for p in file.prescriptions:
        data = file.prescription_pdf(p.id)
        if data is None:
            continue
        name, n = prescription_name(p), 1
        while name.lower() in used:
            n += 1
            name = prescription_name(p).replace(".pdf", f" ({n}).pdf")
        used.add(name.lower())
        yield f"prescriptions/{name}", data


def _pdf(store: Any, patient_id: str, include_notes: bool, language: str,
         exported_by: str, tz: tzinfo | None) -> bytes:
    # The conversations as the medical-file export lays them out (letters-export).
    from desktop.documents.conversation_export import render_record
    from desktop.store.patient_record import gather as gather_record

    record = gather_record(store, patient_id, include_notes=include_notes,
                           exported_by=exported_by)
    return render_record(record, language=language, tz=tz)


def export_everything(
    store: Any,
    patient_id: str,
    path: Path | str,
    *,
    actor_id: str | None = None,
    language: str = "fr",
    include_notes: bool = False,
    tz: tzinfo | None = None,
) -> Path:
    """Write the ZIP to ``path``; returns it. ``NotOurPatient`` for an id not ours.

    Internal notes are the practice's, never seen by the patient: left out unless
    ``include_notes`` (a copy for the practice's own file, not for the patient)."""
    # An administrator's (desktop.core.rights); the window and the command line pass the
    # person signed in.
    if actor_id is not None:
        check(store.person(actor_id), Right.EXPORT_PATIENT)
    if language not in _README:
        raise PasserelleError(f"An export is written in French or English, not {language!r}.")
    file = gather(store, patient_id)  # refused here, before anything is read or written
    target = Path(path)
    if target.is_dir():
        raise PasserelleError(f"{target} is a folder: give the name of the ZIP to write.")
    actor = store.practitioner(actor_id) if actor_id else None
    pdf = _pdf(store, file.patient.id, include_notes, language, actor.name if actor else "", tz)
    bundle = fhir.bundle(file, include_data=False)  # the documents are beside it
    documents = list(_documents(file)) + list(_prescriptions(file))
    waiting = sum(1 for docs in file.documents.values() for d in docs if not d.downloaded)
    now = datetime.now(UTC)
    readme = _README[language].format(
        practice=file.practice_name or "—", name=file.patient.name, born=file.patient.born,
        at=now.strftime("%Y-%m-%d %H:%M"), pdf=PDF_NAME, fhir=FHIR_NAME, csv=CSV_NAME,
        notes=_NOTES[language] if include_notes else "",
        missing=_MISSING[language].format(n=waiting) if waiting else "",
    )
    part = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("LISEZ-MOI.txt" if language == "fr" else "README.txt", readme)
            z.writestr(PDF_NAME, pdf)
            z.writestr(FHIR_NAME, fhir.to_json(bundle))
            for name, data in documents:
                z.writestr(name, data)
            z.writestr(CSV_NAME, "\ufeff" + holdings_csv(PatientHoldings(store, file.patient.id)
                                                         .holdings()))
        with store.transaction():
            store.record_audit(
                AuditAction.RECORD_EXPORTED, actor_id, file.patient.id,
                detail=f"ZIP: PDF, FHIR, {len(documents)} document(s), CSV → {target}",
            )
            os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise PasserelleError(f"Could not write {target} ({exc.strerror or exc}).") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target
