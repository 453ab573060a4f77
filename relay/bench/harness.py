"""What the relay benchmarks share: relay processes, a minimal JSON client, a practice."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from relay.db import Database
from relay.operator import create_practice

_LISTENING = re.compile(r"Passerelle relay listening on http://(\S+):(\d+)")


class Relay:
    """``python -m relay serve`` on a free loopback port; ``code`` puts another checkout of
    the relay first on the path (to measure a version before a change)."""

    def __init__(self, database_url: str, *args: str, code: str | None = None) -> None:
        env = dict(os.environ)
        if code:
            env["PYTHONPATH"] = os.pathsep.join(p for p in (code, env.get("PYTHONPATH")) if p)
        command = [sys.executable, "-m", "relay", "serve", "--port", "0"]
        self.process = subprocess.Popen(
            [*command, "--database", database_url, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.output: list[str] = []
        started = threading.Event()
        self.port = 0

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                found = _LISTENING.search(line)
                if found:
                    self.port = int(found.group(2))
                    started.set()

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + 30
        while not started.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the relay did not start:\n" + "".join(self.output))

    def cpu_seconds(self) -> float | None:
        """User + system CPU the relay process has used so far (Linux; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Client:
    """One keep-alive connection, JSON in and out."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 60) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.token = token

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")
        return answer

    def close(self) -> None:
        self.connection.close()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass
class Scene:
    """A practice, one patient, an open conversation between them."""

    practice_token: str
    patient_token: str
    conversation_id: str


def scene(database_url: str, port: int) -> Scene:
    db = Database(database_url)
    try:
        enrolment = create_practice(db, "Cabinet du banc d'essai").enrolment_token
    finally:
        db.dispose()
    anonymous = Client(port)
    keys = {"enc_pk": b64(os.urandom(32)), "sign_pk": b64(os.urandom(32))}
    practice = Client(
        port,
        anonymous.ok(
            "POST",
            "/v1/practices/enrol",
            {"enrolment_token": enrolment, "device_name": "bench", **keys},
        )["token"],
    )
    practitioner = str(uuid.uuid4())
    practice.ok("POST", "/v1/practitioners", {"id": practitioner, "accepts_messaging": True})
    redeem = os.urandom(32)
    practice.ok(
        "POST",
        "/v1/invitations",
        {
            "id": str(uuid.uuid4()),
            "lookup": b64(hashlib.sha256(redeem).digest()),
            "welcome": b64(b"welcome"),
            "expires_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
    )
    redeemed = anonymous.ok(
        "POST",
        "/v1/invitations/redeem",
        {"redeem_token": b64(redeem), "binding": b64(os.urandom(32)), **keys},
    )
    patient = Client(port, redeemed["token"])
    conversation = str(uuid.uuid4())
    patient.ok(
        "POST",
        "/v1/conversations",
        {
            "id": conversation,
            "practitioner_id": practitioner,
            "message_id": str(uuid.uuid4()),
            "envelope": b64(os.urandom(200)),
        },
    )
    practice.ok(
        "POST",
        f"/v1/conversations/{conversation}/state",
        {"state": "open", "event_id": str(uuid.uuid4()), "envelope": None},
    )
    for client in (anonymous, practice, patient):
        client.close()
    return Scene(practice.token or "", patient.token or "", conversation)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
