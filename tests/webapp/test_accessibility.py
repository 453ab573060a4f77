"""WCAG basics on every screen: each control named, the page's language said, French and
English switched by the patient, a phone's width without sideways scrolling."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from tests.webapp.flows import PASSPHRASE, invite, join, new_request

_UNNAMED = """
return [...document.querySelectorAll('input, select, textarea, button, a[href]')].filter((el) => {
  if (el.closest('[hidden]')) return false;
  const label = el.id && document.querySelector(`label[for="${el.id}"]`);
  return !(label && label.textContent.trim()) && !(el.getAttribute('aria-label') || '').trim()
    && !(el.textContent || '').trim();
}).map((el) => el.outerHTML.slice(0, 80));
"""


def _check(browser, lang):
    assert browser.js("return document.documentElement.lang") == lang
    assert browser.js(_UNNAMED) == []
    assert browser.js("return document.documentElement.scrollWidth <= window.innerWidth")


def test_every_screen_names_its_controls_in_both_languages_at_360_px(relay, practice, browsers):
    _, code = invite(practice, "Lise Bertrand")
    browser = browsers(width=360, height=740)
    browser.open(f"{relay.url}/#join={code}")
    browser.wait_for("#join-form")
    _check(browser, "fr")
    assert browser.text("h1") == "Rejoindre mon cabinet"
    browser.click("#lang")
    browser.wait_text("h1", "Join my practice")
    _check(browser, "en")
    assert browser.find("#code").get_attribute("value")  # the code from the letter stays
    browser.click("#lang")
    browser.wait_text("h1", "Rejoindre mon cabinet")
    join(browser, relay.url, code=None, url=f"{relay.url}/#join={code}")
    _check(browser, "fr")
    new_request(browser, "Bonjour, une question administrative.", "administrative")
    browser.wait_for("#thread")
    _check(browser, "fr")
    browser.click("#back")
    browser.click("#new-request")
    Select(browser.find("#category")).select_by_value("renewal")
    _check(browser, "fr")
    browser.click("#lock")
    browser.wait_for("#unlock-form")
    _check(browser, "fr")
    # Keyboard only: the passphrase field has the focus, Enter unlocks.
    assert browser.js("return document.activeElement.id") == "passphrase"
    browser.find("#passphrase").send_keys(PASSPHRASE + "\n")
    browser.wait_for("#new-request", timeout=60)
