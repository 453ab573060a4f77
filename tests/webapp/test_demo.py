"""The demo's in-process relay serves the web app, with a ready invitation for a person."""

from __future__ import annotations

from desktop.demo.world import DemoWorld
from tests.webapp.flows import PASSPHRASE


def test_the_demo_prints_an_address_where_a_person_joins(tmp_path, browser):
    world = DemoWorld(tmp_path, patients=2)
    try:
        world.build()
        assert world.browser_url.startswith(f"{world.relay.url}/#join=")
        browser.open(world.browser_url)
        browser.wait_for("#join-form")
        browser.type("#passphrase", PASSPHRASE)
        browser.type("#passphrase2", PASSPHRASE)
        browser.click("#join-submit")
        browser.wait_text("header", "Cabinet Dupont", timeout=60)
        browser.wait(lambda: len(browser.all("#practitioners li")) >= 3, what="the practitioners")
    finally:
        world.stop()
