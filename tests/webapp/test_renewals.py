"""A renewal from the patient's app: asked, approved by the practice, the PDF opened."""

from __future__ import annotations

import io

from pypdf import PdfReader
from selenium.webdriver.support.ui import Select

from desktop.documents.prescription import PrescribedTreatment
from tests.webapp.flows import invite, join, sync_until

LEVO = PrescribedTreatment("Levothyrox 75 µg", "1 comprimé le matin à jeun", 90, "3 boîtes", 1)


def test_a_renewal_is_asked_approved_and_its_prescription_opened(relay, practice, browser,
                                                                tmp_path):
    practice.store.set_setting("practice_address", "12 rue des Tilleuls, 69003 Lyon")
    practice.store.set_setting("practice_phone", "04 78 00 00 00")
    _patient, code = invite(practice, "Germaine Roux", born="1949-11-20")
    join(browser, relay.url, code)
    browser.click("#new-request")
    Select(browser.find("#category")).select_by_value("renewal")
    browser.wait(lambda: browser.find("#renewal").is_displayed())
    browser.click("#send")
    assert browser.wait(lambda: browser.text("#form-error")) == "Indiquez au moins un traitement à renouveler."
    browser.type("#treatments-typed", "Levothyrox 75 µg")
    browser.type("#text", "Il me reste une semaine.")
    browser.click("#send")
    browser.wait_text("#renewal-status", "En attente de la décision du cabinet.")

    [queued] = sync_until(practice, lambda: practice.store.pending_renewals())
    assert queued.request.treatments == ("Levothyrox 75 µg",)
    practice.workstation.approve_renewal(queued.request.id, [LEVO], practice.practitioner_id,
                                         override_reason="Vue en consultation le mois dernier")
    practice.sync()

    browser.wait_text("#renewal-status", "Renouvelé : l’ordonnance est prête.")
    browser.click("#open-prescription")
    frame = browser.wait_for("#prescription-frame")
    url = frame.get_attribute("src")
    assert url.startswith("blob:")
    assert browser.find("#download-prescription").get_attribute("download").endswith(".pdf")
    # Downloaded as the patient would (the page's policy lets no script read a blob: URL).
    folder = tmp_path / "downloads"
    browser.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                   {"behavior": "allow", "downloadPath": str(folder)})
    browser.click("#download-prescription")
    saved = browser.wait(lambda: [p for p in folder.glob("*.pdf")], what="the downloaded PDF")
    pdf = saved[0].read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Levothyrox 75 µg" in text and "Germaine ROUX" in text
    # Kept sealed: not the PDF, not the treatment, in the browser's storage.
    stored = browser.storage_dump()
    where = stored.find("Levothyrox")
    assert where < 0 and "%PDF" not in stored, stored[max(0, where - 300):where + 100]

    # Next time, what was renewed is offered to pick.
    browser.click("#back")
    browser.click("#new-request")
    Select(browser.find("#category")).select_by_value("renewal")
    assert browser.find("label[for=pick-0]").text == "Levothyrox 75 µg"
