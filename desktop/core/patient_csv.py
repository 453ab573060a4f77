"""Reading a patient list exported by practice software (CSV), for a preview before import.

Pure: bytes in, a :class:`ImportPreview` out; nothing touches the store. The
practice looks at the preview (which column became what, which lines are
wrong and why), then ``Store.import_patients(preview.rows)`` imports the valid
lines in one transaction.

What the exports look like in practice: French headers with or without
accents ("Prénom", "DDN", "N° dossier"), a semicolon (Excel in a French
locale), a comma or a tab between fields, UTF-8 with or without a BOM,
Windows-1252 from older software, UTF-16 from Excel's "Unicode text", CRLF
line ends, quoted fields holding the delimiter or a line break. Messages are
in English; the window translates them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from desktop.core.errors import InvalidField, PasserelleError
from desktop.core.patient_fields import (
    check_email,
    check_external_id,
    check_name,
    check_past_day,
    check_phone,
    read_date,
)

MAX_BYTES = 50 * 1024 * 1024  # a list of 100,000 patients is a few megabytes
DELIMITERS = (";", "\t", ",")  # in this order on a tie: ';' is France's Excel default
HEADER_SEARCH_LINES = 10  # some exports start with a title line or two

# Header → field, keyed by the header folded to lowercase ASCII words (see _key).
SYNONYMS: dict[str, str] = {}
for _field, _names in {
    "last_name": "nom, nom patient, nom du patient, nom d usage, nom usuel, nom marital, "
    "last name, lastname, surname, family name",
    "birth_name": "nom de naissance, nom de jeune fille, birth name, maiden name",
    "first_name": "prenom, prenoms, prenom patient, first name, firstname, given name, forename",
    "full_name": "nom complet, nom et prenom, nom prenom, patient, full name, name",
    "born": "date de naissance, naissance, ddn, ne e le, ne le, nee le, date naissance, "
    "birth date, birthdate, date of birth, dob, born",
    "sex": "sexe, genre, sex, gender",
    "mobile": "portable, mobile, tel portable, telephone portable, cell, cell phone, mobile phone",
    "phone": "telephone, tel, tel fixe, telephone fixe, phone, phone number, telephone number",
    "email": "email, e mail, courriel, mail, adresse mail, adresse email, adresse e mail",
    "external_id": "n dossier, no dossier, num dossier, numero dossier, numero de dossier, "
    "dossier, n patient, no patient, numero patient, id, identifiant, id patient, "
    "patient id, patient number, ipp, ref, reference",
    "last_visit": "derniere visite, date derniere visite, derniere consultation, "
    "date derniere consultation, dernier rdv, last visit, last visit date, last seen",
}.items():
    for _name in _names.split(","):
        SYNONYMS[" ".join(_name.split())] = _field

_SEX = {
    "f": "F", "femme": "F", "feminin": "F", "female": "F", "w": "F", "2": "F", "mme": "F",
    "m": "M", "h": "M", "homme": "M", "masculin": "M", "male": "M", "1": "M", "mr": "M",
}  # fmt: skip
_SEX_UNKNOWN = {"", "i", "u", "x", "inconnu", "indetermine", "unknown", "nc", "ni", "?"}


class ImportFileError(PasserelleError):
    """The file as a whole cannot be read as a patient list; nothing can be imported."""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid patient line, ready for ``Store.import_patients``; ``line`` as in the file."""

    line: int
    name: str  # "Prénom Nom"
    born: str  # ISO date
    sex: str | None = None
    phone: str | None = None
    email: str | None = None
    external_id: str | None = None
    last_visit: str | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """Why a line was left out; ``line`` is the line number a text editor shows."""

    line: int
    message: str


@dataclass
class ImportPreview:
    """What the file holds and what an import would do with it."""

    encoding: str
    delimiter: str
    header_line: int
    columns: list[str]  # the headers as written in the file
    mapping: dict[str, str]  # header → field (last_name, born, phone…)
    unmapped: list[str]  # headers nothing is read from
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _key(header: str) -> str:
    """A header as the synonyms know it: "N° Dossier" → "n dossier", "Né(e) le" → "ne e le"."""
    text = unicodedata.normalize("NFKD", header).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding it was read with."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        # Valid UTF-8 is almost never accidental in a cp1252 file with accents.
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise ImportFileError("This file is not a text (CSV) file: export the patient list as CSV.")


def _looks_like_text(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls <= len(text) // 1000  # a stray control character, not binary


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """``(first line number, fields)`` per record; a quoted field may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {reader.line_num} cannot be read ({exc}); check the file's quotes."
        ) from None
    return records


def _map_header(fields: list[str]) -> dict[int, str]:
    """Column index → field, for the headers recognised (the first of each field wins)."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(fields):
        found = SYNONYMS.get(_key(header))
        if found is not None and found not in mapping.values():
            mapping[index] = found
    return mapping


def _is_header(mapping: dict[int, str]) -> bool:
    fields = set(mapping.values())
    return (
        bool(fields & {"last_name", "first_name", "full_name", "birth_name"}) and len(fields) >= 2
    )


def _find_header(text: str) -> tuple[str, list[tuple[int, list[str]]], int, dict[int, str]]:
    """The delimiter and header row that recognise the most columns."""
    best: tuple[int, str, int, dict[int, str]] | None = None
    for delimiter in DELIMITERS:
        head = text.split("\n", 60)[:60]  # enough lines for a header, even with a preamble
        try:
            records = _records("\n".join(head), delimiter)
        except ImportFileError:
            continue
        for position, (_, fields) in enumerate(records[:HEADER_SEARCH_LINES]):
            mapping = _map_header(fields)
            if _is_header(mapping) and (best is None or len(mapping) > len(best[3])):
                best = (len(mapping), delimiter, position, mapping)
                break
    if best is None:
        raise ImportFileError(
            "No header row was recognised: the file needs a first line naming its columns, "
            "with at least the name and the date of birth."
        )
    _, delimiter, position, mapping = best
    return delimiter, _records(text, delimiter), position, mapping


def read_sex(text: str) -> str | None:
    key = _key(text)
    if key in _SEX_UNKNOWN:
        return None
    if key in _SEX:
        return _SEX[key]
    raise InvalidField(f"{text.strip()!r} is not a sex: use F or M (or leave it empty).")


def _file_date(text: str, what: str, today: date) -> str:
    return check_past_day(read_date(text), what, today)


def _row(line: int, values: dict[str, str], today: date) -> ImportRow:
    first = values.get("first_name", "")
    last = values.get("last_name", "") or values.get("birth_name", "")
    if not last and ({"last_name", "birth_name"} & values.keys()):
        # A first name alone does not tell two patients apart.
        raise InvalidField("The last name is missing.")
    full = " ".join(f"{first} {last}".split()) or values.get("full_name", "")
    if not full.strip():
        raise InvalidField("The name is missing.")
    born_text = values.get("born", "").strip()
    if not born_text:
        raise InvalidField("The date of birth is missing.")
    visit = values.get("last_visit", "").strip()
    return ImportRow(
        line=line,
        name=check_name(full),
        born=_file_date(born_text, "date of birth", today),
        sex=read_sex(values.get("sex", "")),
        # The mobile first: messaging is about reaching the patient.
        phone=check_phone(values.get("mobile") or values.get("phone") or None),
        email=check_email(values.get("email") or None),
        external_id=check_external_id(values.get("external_id") or None),
        last_visit=_file_date(visit, "date of last visit", today) if visit else None,
    )


def parse(data: bytes, today: date | None = None) -> ImportPreview:
    """Read an export: detect its encoding, delimiter and header, and check every line.

    Raises :class:`ImportFileError` when the file as a whole cannot be a
    patient list (empty, binary, too large, no recognisable header). A line
    that is wrong is reported in ``errors`` and left out of ``rows``; the
    other lines are still offered.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ImportFileError("Give the file's content as bytes.")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB: it is not a patient list."
        )
    if not data.strip():
        raise ImportFileError("This file is empty.")
    text, encoding = decode(data)
    today = today or date.today()
    delimiter, records, position, mapping = _find_header(text)
    header_line, header = records[position]
    preview = ImportPreview(
        encoding=encoding,
        delimiter=delimiter,
        header_line=header_line,
        columns=[h.strip() for h in header],
        mapping={header[i].strip(): f for i, f in mapping.items()},
        unmapped=[h.strip() for i, h in enumerate(header) if i not in mapping and h.strip()],
    )
    seen_ids: dict[str, int] = {}
    for line, fields in records[position + 1 :]:
        values = {f: fields[i].strip() if i < len(fields) else "" for i, f in mapping.items()}
        try:
            row = _row(line, values, today)
        except InvalidField as exc:
            preview.errors.append(RowError(line, str(exc)))
            continue
        if row.external_id is not None:
            first = seen_ids.setdefault(row.external_id, line)
            if first != line:
                preview.errors.append(
                    RowError(
                        line, f"Patient number {row.external_id!r} is already on line {first}."
                    )
                )
                continue
        preview.rows.append(row)
    return preview
