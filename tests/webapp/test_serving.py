"""The relay serves the app at its root, on its own origin, under a strict policy."""

from __future__ import annotations

import httpx


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
