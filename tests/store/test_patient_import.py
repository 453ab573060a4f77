"""Importing the patient list exported by practice software: the preview, then the store."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from desktop.bench.patient_import import export_file
from desktop.core.errors import StoreError
from desktop.core.model import AuditAction
from desktop.core.patient_csv import ImportFileError, ImportRow, parse
from tests.store.conftest import Practice

TODAY = date(2026, 3, 2)

FRENCH = (
    "Nom;Prénom;Date de naissance;Sexe;Téléphone;Portable;Courriel;N° dossier;"
    "Dernière visite;Médecin traitant\r\n"
    "Martin;Jean;02/04/1961;H;04 78 00 00 00;06 12 34 56 78;jean@example.fr;A-1;"
    "2025-11-03;Dupont\r\n"
    '"Bernard; épouse Roux";Lucie;1990-12-24;F;;;;A-2;;Dupont\r\n'
    "Quatremère-Lavoisier;Zéphyrine;14-07-1948;femme;;;;A-3;15/01/2026;\r\n"
)


def test_a_french_export_in_windows_1252_is_previewed(tmp_path):
    preview = parse(FRENCH.encode("cp1252"), today=TODAY)
    assert (preview.encoding, preview.delimiter, preview.header_line) == ("cp1252", ";", 1)
    assert preview.mapping == {
        "Nom": "last_name",
        "Prénom": "first_name",
        "Date de naissance": "born",
        "Sexe": "sex",
        "Téléphone": "phone",
        "Portable": "mobile",
        "Courriel": "email",
        "N° dossier": "external_id",
        "Dernière visite": "last_visit",
    }
    assert preview.unmapped == ["Médecin traitant"]
    assert preview.errors == []
    assert preview.rows == [
        ImportRow(
            2,
            "Jean Martin",
            "1961-04-02",
            "M",
            "06 12 34 56 78",
            "jean@example.fr",
            "A-1",
            "2025-11-03",
        ),
        ImportRow(3, "Lucie Bernard; épouse Roux", "1990-12-24", "F", None, None, "A-2", None),
        ImportRow(
            4, "Zéphyrine Quatremère-Lavoisier", "1948-07-14", "F", None, None, "A-3", "2026-01-15"
        ),
    ]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")],
)
def test_unicode_exports_are_read_too(encoding, expected):
    preview = parse(FRENCH.encode(encoding), today=TODAY)
    assert preview.encoding == expected
    assert [r.name for r in preview.rows][2] == "Zéphyrine Quatremère-Lavoisier"


def test_an_english_comma_separated_export_with_a_title_line():
    data = (
        b"Patients exported 2026-03-01\n"
        b"\n"
        b"ID,Last name,First name,Birth date,Gender,Email,Notes\n"
        b'P1,Smith,Ann,1975-06-30,female,ann@example.com,"allergic, penicillin\nsee file"\n'
        b"P2,Brown,Bob,30/06/1975,M,,\n"
    )
    preview = parse(data, today=TODAY)
    assert (preview.delimiter, preview.header_line) == (",", 3)
    assert preview.unmapped == ["Notes"]
    assert [(r.line, r.name, r.sex, r.external_id) for r in preview.rows] == [
        (4, "Ann Smith", "F", "P1"),
        (6, "Bob Brown", "M", "P2"),  # line 6: the quoted note spans lines 4 and 5
    ]


def test_a_tab_separated_export():
    data = b"nom\tprenom\tDDN\tid\nMartin\tJean\t02.04.1961\t7\n"
    preview = parse(data, today=TODAY)
    assert preview.delimiter == "\t" and preview.rows[0].born == "1961-04-02"


def test_bad_lines_are_reported_with_their_line_number_and_left_out():
    data = (
        "Nom;Prénom;DDN;Sexe;Tel;Email;Dossier;Dernière visite\n"
        "Martin;Jean;02/04/1961;M;0612345678;;A-1;\n"  # 2: fine
        ";Paul;01/01/1970;;;;;\n"  # 3: no last name
        "Durand;Paul;;;;;;\n"  # 4: no date of birth
        "Durand;Paul;31/02/1970;;;;;\n"  # 5: no such day
        "Durand;Paul;1970;;;;;\n"  # 6: not a date
        "Durand;Paul;01/01/2027;;;;;\n"  # 7: born in the future
        "Durand;Paul;01/01/1970;Z;;;;\n"  # 8: unknown sex
        "Durand;Paul;01/01/1970;;appelez;;;\n"  # 9: not a phone
        "Durand;Paul;01/01/1970;;;paul@;;\n"  # 10: not an email
        "Petit;Léa;01/01/1970;;;;A-1;\n"  # 11: number already on line 2
        "Petit;Léa;01/01/1970;;;;;01/01/2030\n"  # 12: last visit in the future
        "Petit;Léa;01/01/1970;u;;;;\n"  # 13: fine ("u": unknown sex)
        "Petit\n"  # 14: a short line
    ).encode()
    preview = parse(data, today=TODAY)
    assert [r.line for r in preview.rows] == [2, 13]
    assert preview.rows[1].sex is None
    errors = {e.line: e.message for e in preview.errors}
    assert sorted(errors) == list(range(3, 13)) + [14]
    assert "last name is missing" in errors[3]
    assert "date of birth is missing" in errors[4]
    assert "not a date that exists" in errors[5]
    assert "not a date" in errors[6]
    assert "future" in errors[7] and "future" in errors[12]
    assert "not a sex" in errors[8]
    assert "not a phone number" in errors[9]
    assert "not an email address" in errors[10]
    assert "already on line 2" in errors[11]
    assert "date of birth is missing" in errors[14]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (os.urandom(4096), "not a text"),
        (b"\x00\x01\x02PK\x03\x04" + b"garbage" * 50, "not a text"),
        (b"hello;world\n1;2\n", "No header row"),
        (b"Ville;Code postal\nLyon;69001\n", "No header row"),
    ],
)
def test_a_file_that_is_not_a_patient_list_is_refused_as_a_whole(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse(data, today=TODAY)


def test_a_header_alone_is_an_empty_list():
    preview = parse("Nom;Prénom;Date de naissance\r\n".encode(), today=TODAY)
    assert preview.rows == [] and preview.errors == []
    assert preview.columns == ["Nom", "Prénom", "Date de naissance"]


def test_five_thousand_patients_are_previewed_and_imported_whole(practice: Practice):
    # How long it takes is a benchmark's figure: python -m desktop.bench.patient_import
    preview = parse(export_file(5000), today=TODAY)
    assert len(preview.rows) == 5000 and preview.errors == []
    assert preview.rows[7].name == 'Prénom Nom00007; dit "X"'
    report = practice.store.import_patients(preview.rows, actor_id=practice.doctor)
    assert report.imported == 5000 and report.skipped == ()
    assert practice.store.count_patients() == 5002
    assert practice.store.count_patients("nom04999") == 1


# -- into the store -------------------------------------------------------------


def test_an_import_adds_patients_and_skips_those_already_here(practice: Practice):
    store = practice.store
    store.update_patient(practice.jean, external_id="A-1", phone="0400000000")
    preview = parse(FRENCH.encode("cp1252"), today=TODAY)
    rows = [
        *preview.rows,
        ImportRow(9, "lucie  BERNARD", "1990-12-24"),  # Lucie, already here, no number
        ImportRow(10, "Paul Durand", "1970-01-01", external_id="A-9"),
        ImportRow(11, "Paul Durand", "1970-01-01", external_id="A-9"),  # twice in the rows
    ]
    report = store.import_patients(rows, actor_id=practice.nurse)
    assert report.imported == 3  # Lucie Bernard; épouse Roux, Zéphyrine, Paul Durand
    assert [(s.line, s.existing_patient_id) for s in report.skipped] == [
        (2, practice.jean),
        (9, practice.lucie),
        (11, store.patient_by_external_id("A-9").id),
    ]
    assert "A-1" in report.skipped[0].reason and "Jean Martin" in report.skipped[0].reason
    assert "name and date of birth" in report.skipped[1].reason
    # A duplicate updates nothing: Jean keeps the phone the practice typed.
    assert store.patient(practice.jean).phone == "0400000000"
    zephyrine = store.patients_page("zephyrine")[0]
    assert (zephyrine.external_id, zephyrine.sex, zephyrine.last_visit) == (
        "A-3",
        "F",
        "2026-01-15",
    )

    audit = store.audit(patient_id=zephyrine.id)
    assert [(a.action, a.actor_id, a.detail) for a in audit] == [
        (AuditAction.PATIENT_IMPORTED, practice.nurse, "line 4")
    ]
    # The same file again imports nothing more.
    again = store.import_patients(preview.rows)
    assert again.imported == 0 and len(again.skipped) == 3


def test_one_bad_row_and_nothing_is_imported(practice: Practice):
    store = practice.store
    rows = [
        ImportRow(2, "Paul Durand", "1970-01-01"),
        ImportRow(3, "Léa Petit", (date.today() + timedelta(days=2)).isoformat()),
    ]
    with pytest.raises(StoreError, match=r"Line 3: .*future.* Nothing was imported"):
        store.import_patients(rows)
    assert store.count_patients() == 2 and store.audit() == []
    with pytest.raises(StoreError, match="Line 7: .*not a phone number"):
        store.import_patients([ImportRow(7, "Léa Petit", "1970-01-01", phone="?")])
    assert store.count_patients() == 2
