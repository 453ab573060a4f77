"""The patient at the command line sends two documents with one message (a disguised file
refused first, nothing uploaded), lists them, and saves one the practice sent."""

from __future__ import annotations

import os

from desktop.patient.__main__ import main as patient
from desktop.store.documents import DocumentStore


def test_send_list_and_save_documents(relay, practice, tmp_path, monkeypatch, capsys):
    store, ws = practice.store, practice.workstation
    record = store.add_patient("Jean Martin", "1961-04-02")
    code = ws.invite(record.id)
    practice.sync()
    monkeypatch.setenv("PASSERELLE_PATIENT_PASSPHRASE", "la phrase de Jean")
    state = tmp_path / "jean.patient"
    assert patient(["redeem", "--state", str(state), "--relay", relay.url, "--code", code]) == 0
    capsys.readouterr()
    assert patient(["request", "--state", str(state), "--practitioner",
                    practice.practitioner_id, "--text", "Mes résultats"]) == 0
    conversation = capsys.readouterr().out.strip()

    scan = tmp_path / "prise de sang.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + os.urandom(700_000))
    photo = tmp_path / "ordonnance.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(30_000))
    fake = tmp_path / "résultats.pdf"
    fake.write_bytes(b"MZ" + os.urandom(2000))

    assert patient(["send", "--state", str(state), "--conversation", conversation,
                    "--file", str(scan), "--file", str(fake)]) == 2
    err = capsys.readouterr().err
    assert "résultats.pdf: This type of file cannot be sent" in err
    assert "prise de sang" not in err

    assert patient(["send", "--state", str(state), "--conversation", conversation,
                    "--file", str(scan), "--file", str(photo), "--text", "Voici"]) == 0
    assert "sending… 3/3" in capsys.readouterr().err
    assert patient(["documents", "--state", str(state), "--conversation", conversation]) == 0
    listed = capsys.readouterr().out
    assert "prise de sang.pdf" in listed and "ordonnance.jpg" in listed

    practice.sync()
    docs = DocumentStore(store).of_conversation(conversation)
    assert sorted(d.name for d in docs) == ["ordonnance.jpg", "prise de sang.pdf"]
    assert len({d.message_id for d in docs}) == 1  # one message carries both

    # The practice answers with a letter; the patient saves it.
    letter = tmp_path / "courrier.pdf"
    letter.write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    ws.send_documents(conversation, [letter], "Le courrier", practice.practitioner_id)
    practice.sync()
    assert patient(["sync", "--state", str(state)]) == 0
    capsys.readouterr()
    assert patient(["documents", "--state", str(state), "--conversation", conversation]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if "courrier.pdf" in l)
    out = tmp_path / "mon courrier.pdf"
    assert patient(["document", "--state", str(state), "--id", line.split()[0],
                    "--out", str(out)]) == 0
    assert out.read_bytes() == letter.read_bytes()
