"""Writing a patient's FHIR export to a folder: one Bundle, or NDJSON per resource type.

Refused for an id that is not a patient of this practice; audited (``fhir_exported``)
for ours, in the transaction that writes the files' last rename, so that an export
that failed to write leaves neither files nor a line in the history.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from desktop.core.errors import PasserelleError
from desktop.core.model import AuditAction
from desktop.core.rights import Right, check
from desktop.records import fhir
from desktop.records.patient_file import PatientFile, gather


def bundle_name(file: PatientFile) -> str:
    return f"fhir-patient-{file.patient.id}.json"


def _write(path: Path, text: str) -> None:
    """All of the file or none of it: a half-written export is never left behind."""
    part = path.with_name(path.name + ".part")
    try:
        part.write_text(text, encoding="utf-8")
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise PasserelleError(f"Could not write {path} ({exc.strerror or exc}).") from None


def _folder(out_dir: Path | str) -> Path:
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise PasserelleError(f"{folder} is a file, not a folder; nothing was exported.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PasserelleError(f"Could not create {folder} ({exc.strerror or exc}).") from None
    return folder


def contents(file: PatientFile, ndjson: bool, include_data: bool = True) -> dict[str, str]:
    """The export's files by name, as text."""
    if not ndjson:
        return {bundle_name(file): fhir.to_json(fhir.bundle(file, include_data=include_data))}
    grouped = fhir.by_type(fhir.resources(file, include_data=include_data))
    return {f"{kind}.ndjson": fhir.to_ndjson(items) for kind, items in sorted(grouped.items())}


def export_fhir(
    store: Any,
    patient_id: str,
    out_dir: Path | str,
    *,
    ndjson: bool = False,
    actor_id: str | None = None,
    include_data: bool = True,
) -> list[Path]:
    """Export a patient's file to ``out_dir``; returns the files written."""
    # An administrator's (desktop.core.rights); the window and the command line pass the
    # person signed in.
    if actor_id is not None:
        check(store.person(actor_id), Right.EXPORT_PATIENT)
    file = gather(store, patient_id)  # NotOurPatient before anything is written
    files = contents(file, ndjson, include_data)
    folder = _folder(out_dir)
    written = []
    with store.transaction():
        store.record_audit(
            AuditAction.FHIR_EXPORTED, actor_id, file.patient.id,
            detail=f"{'NDJSON' if ndjson else 'Bundle'} → {folder}",
        )
        try:
            for name, text in files.items():
                path = folder / name
                _write(path, text)
                written.append(path)
        except BaseException:
            for path in written:  # with the audit line rolled back: as if never asked
                path.unlink(missing_ok=True)
            raise
    return written
