"""What the patient sees of the practice: its signed profile, who takes messages."""

from __future__ import annotations

from datetime import date, timedelta

from selenium.webdriver.support.ui import Select

from desktop.core.documents import LIMIT_SETTING
from desktop.sync.profile import publish_current_profile
from tests.webapp.flows import invite, join


def test_the_practice_profile_response_times_absences_and_document_limit(relay, practice, browser):
    ws = practice.workstation
    practice.store.set_response_days(practice.practitioner_id, 3)
    nurse = ws.add_practitioner("Marie Laurent", "Infirmière", None, accepts_messaging=True)
    start, end = date.today() + timedelta(days=2), date.today() + timedelta(days=9)
    practice.store.set_absence(nurse.id, start, end, "En congés, le cabinet vous répond.")
    ws.add_practitioner("Dr Paul Girard", "Kinésithérapeute", None, accepts_messaging=False)
    practice.store.set_setting(LIMIT_SETTING, str(10 * 1000 * 1000))
    practice.sync()
    _, code = invite(practice, "Alice Moreau")
    publish_current_profile(ws)
    practice.sync()

    join(browser, relay.url, code)
    browser.wait(lambda: len(browser.all("#practitioners li")) == 3, what="three practitioners")
    rows = {li.find_element("css selector", "strong").text: li.text
            for li in browser.all("#practitioners li")}
    assert "répond en général sous 3 jours ouvrés" in rows["Dr Claire Dupont"]
    assert "absent du" in rows["Marie Laurent"] and "En congés, le cabinet vous répond." in rows["Marie Laurent"]
    assert str(end.year) in rows["Marie Laurent"]
    assert "ne prend pas de messages" in rows["Dr Paul Girard"]
    assert browser.text("#document-limit") == "Documents jusqu’à 10 Mo"

    browser.click("#new-request")
    names = [o.text for o in Select(browser.find("#practitioner")).options]
    assert names == ["Dr Claire Dupont — Médecin généraliste", "Marie Laurent — Infirmière"]
