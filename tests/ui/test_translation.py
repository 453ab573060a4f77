"""The French translation: complete, faithful to its placeholders, compiled, and loaded.

resources/translations/passerelle_fr.ts is refreshed by scripts/update_translations.sh
(which also compiles the .qm); scripts/fill_fr.py fills what is new.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import shiboken6

from desktop.ui.app import install_translations
from desktop.ui.qt import QCoreApplication, QLocale, QTranslator
from desktop.ui.resources import translations
from desktop.ui.session import Session
from desktop.ui.unlock import UnlockScreen

TS = translations() / "passerelle_fr.ts"
QM = translations() / "passerelle_fr.qm"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # {0}, {1}, {error}
TAG = re.compile(r"</?[a-zA-Z][^>]*>")  # <b>, </b>


def _messages() -> list[tuple[str, ET.Element]]:
    """(context, message) for every message still in use (not vanished or obsolete)."""
    root = ET.parse(TS).getroot()
    return [(c.findtext("name") or "", m) for c in root.iter("context") for m in c.iter("message")
            if _state(m) not in ("vanished", "obsolete")]


def _state(message: ET.Element) -> str:
    """"" for a finished translation, else its type: unfinished, vanished, obsolete."""
    t = message.find("translation")
    return "unfinished" if t is None else t.get("type", "")


def _translations(message: ET.Element) -> list[str]:
    t = message.find("translation")
    if t is None:
        return [""]
    forms = [f.text or "" for f in t.iter("numerusform")]
    return forms or [t.text or ""]


def _where(context: str, message: ET.Element) -> str:
    loc = message.find("location")
    origin = message.findtext("extracomment") or (
        f"{loc.get('filename')}:{loc.get('line')}" if loc is not None else "?")
    return f"{context} {message.findtext('source')!r} ({origin})"


@pytest.fixture()
def french(qapp):
    """The French translators installed, and only for this test: English again after it."""

    def ours() -> dict[int, QTranslator]:
        return {shiboken6.getCppPointer(t)[0]: t for t in qapp.findChildren(QTranslator)}

    assert QM.exists(), f"{QM} is missing: run scripts/update_translations.sh"
    before, locale = set(ours()), QLocale()
    assert install_translations(qapp, "fr") == "fr"
    added = [t for key, t in ours().items() if key not in before]
    yield added
    for t in added:
        qapp.removeTranslator(t)
        t.setParent(None)
    QLocale.setDefault(locale)
    assert QCoreApplication.translate("UnlockScreen", "Unlock") == "Unlock"


def test_the_unlock_screen_speaks_french(qtbot, tmp_path, french):
    session = Session(tmp_path / "x.passerelle")
    screen = UnlockScreen(session)
    qtbot.addWidget(screen)
    assert screen.button.text() == "Déverrouiller"
    assert screen.passphrase.placeholderText() == "Phrase de passe"
    session.close()


def test_every_message_is_translated():
    messages = _messages()
    assert messages
    unfinished = [_where(c, m) for c, m in messages
                  if _state(m) == "unfinished" or not all(t.strip() for t in _translations(m))]
    assert unfinished == [], "run scripts/fill_fr.py (or Qt Linguist) for these"


def test_translations_keep_placeholders_and_markup():
    wrong = []
    for context, m in _messages():
        source = m.findtext("source") or ""
        for text in _translations(m):
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(f"{_where(context, m)}: placeholders of {text!r}")
            if TAG.findall(source) != TAG.findall(text):
                wrong.append(f"{_where(context, m)}: markup of {text!r}")
    assert wrong == []


def test_the_compiled_translation_is_the_ts(french):
    """The .qm says what the .ts says, in the contexts the window looks them up in."""
    stale = []
    for context, m in _messages():
        if m.get("numerus") == "yes":
            continue
        source, comment = m.findtext("source") or "", m.findtext("comment")
        got = QCoreApplication.translate(context, source, comment)
        if got != _translations(m)[0]:
            stale.append(f"{_where(context, m)}: the .qm gives {got!r}")
    assert stale == [], "run scripts/update_translations.sh to compile the .qm again"


def test_the_ts_has_no_context_less_message():
    """Qt never looks a string up without a context: such a message would stay English."""
    assert [_where(c, m) for c, m in _messages() if not c] == []



def test_audit_details_read_in_french_and_unknown_ones_as_written(french):
    from desktop.ui.labels import audit_detail

    assert audit_detail("wrong secret") == "code ou phrase de passe erronés"
    assert audit_detail("valid until 2026-12-31") == "valable jusqu’au 31/12/2026"
    assert audit_detail("Vaccination grippe — 412 recipients") == (
        "Vaccination grippe — 412 destinataires")
    assert audit_detail("assistant, administrator") == "secrétariat, administrateur"
    assert audit_detail(
        "PDF: 3 conversation(s), 41 message(s), without internal notes → /tmp/x.pdf"
    ) == "PDF\u00a0: 3 conversation(s), 41 message(s), sans les notes internes → /tmp/x.pdf"
    # A name, a list of medicines: the words people wrote, untouched.
    assert audit_detail("Levothyrox 75, Kardegic 75") == "Levothyrox 75, Kardegic 75"
