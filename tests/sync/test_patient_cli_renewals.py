"""The patient at the command line asks a renewal, sees it approved, saves the PDF."""

from __future__ import annotations

from datetime import date, timedelta

from desktop.documents.prescription import PrescribedTreatment
from desktop.patient.__main__ import main as patient


def test_renew_renewals_prescription(relay, practice, tmp_path, monkeypatch, capsys):
    store, ws = practice.store, practice.workstation
    store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    store.set_setting("practice_phone", "04 78 00 00 00")
    record = store.add_patient("Jean Martin", "1961-04-02",
                               last_visit=(date.today() - timedelta(days=30)).isoformat())
    code = ws.invite(record.id)
    practice.sync()
    monkeypatch.setenv("PASSERELLE_PATIENT_PASSPHRASE", "la phrase de Jean")
    state = tmp_path / "jean.patient"
    assert patient(["redeem", "--state", str(state), "--relay", relay.url, "--code", code]) == 0

    assert patient(["renew", "--state", str(state), "--practitioner",
                    practice.practitioner_id]) == 2  # no treatment named: refused
    assert "at least one treatment" in capsys.readouterr().err
    capsys.readouterr()
    assert patient(["renew", "--state", str(state), "--practitioner", practice.practitioner_id,
                    "--treatment", "Levothyrox 75 µg", "--text", "Merci"]) == 0
    conversation = capsys.readouterr().out.strip()

    practice.sync()
    [queued] = store.pending_renewals()
    ws.approve_renewal(queued.request.id, [PrescribedTreatment(
        "Levothyrox 75 µg, comprimé", "1 comprimé le matin", 90, "3 boîtes", 0)],
        practice.practitioner_id)
    practice.sync()

    assert patient(["sync", "--state", str(state)]) == 0
    capsys.readouterr()
    assert patient(["renewals", "--state", str(state)]) == 0
    assert "approved" in capsys.readouterr().out
    out = tmp_path / "ordonnance.pdf"
    assert patient(["prescription", "--state", str(state), "--conversation", conversation,
                    "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
