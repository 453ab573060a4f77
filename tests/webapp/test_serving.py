"""The relay serves the app at its root, on its own origin, under a strict policy."""

from __future__ import annotations

import httpx

from tests.webapp.flows import invite, join, new_request


def test_the_app_is_served_with_its_security_headers(relay, browser):
    page = httpx.get(f"{relay.url}/", headers={"Accept-Encoding": "identity"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text  # no inline script: the policy would block it anyway

    script = httpx.get(f"{relay.url}/app.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["content-encoding"] == "gzip"
    assert script.headers["content-type"].startswith("text/javascript")
    again = httpx.get(f"{relay.url}/app.js", headers={"If-None-Match": script.headers["etag"]})
    assert again.status_code == 304
    assert httpx.get(f"{relay.url}/nothing.js").status_code == 404
    assert httpx.get(f"{relay.url}/v1/me").json()["code"] == "unauthenticated"  # the API is untouched

    # In Chromium, under that policy: libsodium's WebAssembly runs, nothing is blocked.
    browser.open(f"{relay.url}/")
    browser.wait_for("#join-form")
    problems = [e["message"] for e in browser.console() if e.get("level") in ("SEVERE", "WARNING")]
    assert not problems, problems


_CACHED = """
const done = arguments[arguments.length - 1];
(async () => {
  await navigator.serviceWorker.ready;
  const urls = [];
  for (const name of await caches.keys()) {
    for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
  }
  return urls.sort();
})().then(done, (e) => done("ERROR " + e));
"""


def test_the_service_worker_caches_the_application_shell_only(relay, practice, browser):
    _, code = invite(practice, "Paulette Girard")
    join(browser, relay.url, code)
    new_request(browser, "Une question confidentielle sur mon dossier")
    browser.wait_text("#thread", "Une question confidentielle")
    shell = ["/", "/app.css", "/app.js", "/icon.svg", "/manifest.webmanifest"]
    assert browser.wait(lambda: browser.js_async(_CACHED) == shell and shell, what="the shell cached")
    assert "confidentielle" not in browser.storage_dump()
    manifest = httpx.get(f"{relay.url}/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
