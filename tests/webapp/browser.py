"""Real Chromium for the web app's tests: Debian's chromium and chromedriver, driven by Selenium.

Nothing here downloads a browser: the driver is /usr/bin/chromedriver, the browser
/usr/bin/chromium (installed by .ci/run). Each ``Browser`` has a fresh profile
directory, as a new phone would.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def available() -> bool:
    return bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER))


class Browser:
    """One Chromium profile looking at the relay's web app."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 800, lang: str = "fr") -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={width},{height}",
            f"--lang={lang}",
        ):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": lang})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_script_timeout(60)
        self.set_size(width, height)

    def set_size(self, width: int, height: int) -> None:
        # The window's outer size includes nothing in headless mode; set the viewport exactly.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def close(self) -> None:
        self.driver.quit()

    def open(self, url: str) -> None:
        self.driver.get(url)

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[Any]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        for _ in range(50):  # the element may be redrawn between finding and reading it
            try:
                return str(self.find(css).text)
            except StaleElementReferenceException:
                time.sleep(0.05)
        return str(self.find(css).text)

    def type(self, css: str, text: str) -> None:
        def typed() -> bool:
            element = self.wait_for(css)
            element.clear()
            element.send_keys(text)
            return element.get_attribute("value") == text
        self._retry(typed, f"typing into {css}")

    def attach(self, css: str, path: Any) -> None:
        """Choose a file in a file input (as the person picking it in the dialog)."""
        self._retry(lambda: self.wait_for(css).send_keys(str(path)) or True, f"attaching to {css}")

    def click(self, css: str) -> None:
        self._retry(lambda: self.wait_for(css).click() or True, f"clicking {css}")

    def _retry(self, action: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        # The app redraws a screen when something arrives: an element found a moment ago
        # may have been replaced by its new self.
        deadline = time.monotonic() + timeout
        while True:
            try:
                if action():
                    return
            except (StaleElementReferenceException, ElementNotInteractableException):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"could not finish {what}")
            time.sleep(0.1)

    def wait(self, condition: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except (WebDriverException, StaleElementReferenceException, AssertionError) as exc:
                last = exc
            time.sleep(0.1)
        logs = "\n".join(str(e.get("message")) for e in self.console())
        raise AssertionError(f"timed out waiting for {what or condition}: {last}\nconsole:\n{logs}")

    def wait_for(self, css: str, timeout: float = 30.0):
        return self.wait(lambda: (self.all(css) or [None])[0], timeout, css)

    def wait_text(self, css: str, needle: str, timeout: float = 30.0) -> str:
        return self.wait(lambda: needle in self.text(css) and self.text(css), timeout,
                         f"{needle!r} in {css}")

    def console(self) -> list[dict[str, Any]]:
        try:
            return list(self.driver.get_log("browser"))
        except WebDriverException:
            return []

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def js_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def storage_dump(self) -> str:
        """Everything the page's origin keeps: IndexedDB (every record of every store, binary
        as latin-1 text), localStorage, and the Cache Storage bodies, as one string."""
        return str(self.js_async(_DUMP))

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))


_DUMP = r"""
const done = arguments[arguments.length - 1];
(async () => {
  const out = [];
  const show = (v) => {
    if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
      const b = new Uint8Array(v); let s = ""; for (const x of b) s += String.fromCharCode(x); return s;
    }
    if (typeof v === "object" && v !== null) {
      return Object.entries(v).map(([k, x]) => k + "=" + show(x)).join(";");
    }
    return String(v);
  };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, ko) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = ko; });
    for (const store of db.objectStoreNames) {
      const tx = db.transaction(store);
      const all = await new Promise((ok) => { const r = tx.objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
      out.push("IDB " + info.name + "/" + store + ": " + all.map(show).join(" | "));
    }
    db.close();
  }
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i); out.push("LS " + k + "=" + localStorage.getItem(k));
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      const res = await cache.match(req); out.push("CACHE " + req.url + ": " + await res.text());
    }
  }
  return out.join("\n");
})().then(done, (e) => done("ERROR " + e));
"""
