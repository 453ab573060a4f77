"""What a patient does in the web app, step by step, for the tests and the screenshots."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from selenium.webdriver.support.ui import Select

from tests.webapp.browser import Browser

PASSPHRASE = "un cheval de bataille correct"


def invite(practice, name: str, born: str = "1970-05-04") -> tuple[Any, str]:
    """The practice adds the patient and prints the invitation; returns (patient, code)."""
    patient = practice.store.add_patient(name, born)
    code = practice.workstation.invite(patient.id)
    practice.sync()
    return patient, code


def join(browser: Browser, relay_url: str, code: str | None, passphrase: str = PASSPHRASE,
         url: str | None = None) -> None:
    """Open the app (``url``, e.g. the letter's #join= address) and join with the code."""
    browser.open(url or f"{relay_url}/")
    browser.wait_for("#join-form")
    if code is not None:
        browser.type("#code", code)
    browser.type("#passphrase", passphrase)
    browser.type("#passphrase2", passphrase)
    browser.click("#join-submit")
    browser.wait_for("#new-request", timeout=60)


def sign_in(browser: Browser, relay_url: str, code: str, passphrase: str = PASSPHRASE) -> None:
    browser.open(f"{relay_url}/")
    browser.click("#to-signin")
    browser.type("#code", code)
    browser.type("#passphrase", passphrase)
    browser.click("#signin-submit")


def new_request(browser: Browser, text: str, category: str = "other") -> None:
    browser.click("#new-request")
    browser.wait_for("#new-form")
    Select(browser.find("#category")).select_by_value(category)
    browser.type("#text", text)
    browser.click("#send")


def sync_until(practice, condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        practice.sync()
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"the practice never saw it; rejected: {practice.store.rejected()}")
