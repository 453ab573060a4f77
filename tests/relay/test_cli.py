"""``passerelle-relay`` as an operator runs it, and the test helpers built on it."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from relay.config import DATABASE_ENV
from tests.relay.helpers import Api, b64, ok, refused
from tests.support.relay import REPO, RelayProcess, create_practice, free_port


def enrol(url: str, token: str) -> httpx.Response:
    body = {
        "enrolment_token": token,
        "enc_pk": b64(os.urandom(32)),
        "sign_pk": b64(os.urandom(32)),
        "device_name": "desk",
    }
    with Api(url) as api:
        return api.post("/v1/practices/enrol", body)


def get(url: str, path: str, token: str | None = None, **params: object) -> httpx.Response:
    with Api(url, token) as api:
        return api.get(path, **params)


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    environment = (env or os.environ.copy()) | {"PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "relay", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
        check=False,
    )


def test_create_practice_prints_the_token_last_and_stores_its_hash(tmp_path: Path) -> None:
    path = tmp_path / "relay.sqlite3"
    proc = run_cli(
        "create-practice", "--name", "Cabinet Dupont", "--database", str(path), cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    token = lines[-1]
    assert re.fullmatch(r"enrol_[A-Za-z0-9_-]{43}", token)
    assert any("Cabinet Dupont" in line for line in lines[:-1])
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("relay.sqlite3*"))
    assert token.encode() not in stored
    assert hashlib.sha256(token.encode()).digest() in stored


def test_create_practice_uses_the_environment_or_the_current_directory(tmp_path: Path) -> None:
    assert run_cli("create-practice", "--name", "A", cwd=tmp_path).returncode == 0
    assert (tmp_path / "passerelle-relay.sqlite3").exists()
    elsewhere = tmp_path / "other.sqlite3"
    env = os.environ.copy() | {DATABASE_ENV: f"sqlite:///{elsewhere}"}
    assert run_cli("create-practice", "--name", "B", cwd=tmp_path, env=env).returncode == 0
    assert elsewhere.exists()


def test_operator_errors_are_sentences(tmp_path: Path) -> None:
    proc = run_cli(
        "create-practice", "--name", "  ", "--database", str(tmp_path / "r.sqlite3"), cwd=tmp_path
    )
    assert proc.returncode == 2 and "label" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("serve", "--database", "sqlite://", cwd=tmp_path)
    assert proc.returncode == 2 and "file" in proc.stderr and "Traceback" not in proc.stderr
    assert run_cli("frobnicate", cwd=tmp_path).returncode == 2


def test_serve_on_port_zero_prints_the_real_port(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "relay", "serve", "--port", "0"]
    command += ["--database", str(tmp_path / "r.sqlite3")]
    environment = os.environ.copy() | {"PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(r"Passerelle relay listening on http://127\.0\.0\.1:(\d+)\n", line)
            assert match, line
            port = int(match.group(1))
            assert port != 0
            refused(get(f"http://127.0.0.1:{port}", "/v1/me"), 401, "unauthenticated")
        finally:
            process.terminate()


def test_relay_process_survives_a_kill_and_comes_back(database_url: str) -> None:
    token = create_practice(database_url, "Cabinet Dupont")
    with RelayProcess(database_url) as relay:
        assert relay.url == f"http://127.0.0.1:{relay.port}"
        practice = ok(enrol(relay.url, token), 201)
        relay.kill()
        assert relay.process is not None and relay.process.returncode == -9
        with pytest.raises(httpx.ConnectError):
            httpx.get(relay.url + "/v1/me", timeout=2)
        relay.start()
        # Same port, same database: the workstation's token still works.
        me = ok(get(relay.url, "/v1/me", practice["token"]))
        assert me["practice_id"] == practice["practice_id"]
        refused(enrol(relay.url, token), 409, "enrolment_token_used")
    assert relay.process is not None and relay.process.poll() is not None


def test_a_clean_stop_does_not_wait_for_long_polls(database_url: str) -> None:
    token = create_practice(database_url, "Cabinet Dupont")
    relay = RelayProcess(database_url).start()
    practice = ok(enrol(relay.url, token), 201)
    poll = threading.Thread(
        target=get, args=(relay.url, "/v1/mailbox/events", practice["token"]), kwargs={"wait": 30}
    )
    poll.start()
    time.sleep(0.3)
    started = time.monotonic()
    relay.stop()
    assert time.monotonic() - started < 5
    poll.join(5)
    assert not poll.is_alive()


def test_a_relay_that_cannot_start_says_why(tmp_path: Path) -> None:
    port = free_port()
    with RelayProcess(f"sqlite:///{tmp_path / 'a.sqlite3'}", port=port):
        second = RelayProcess(f"sqlite:///{tmp_path / 'b.sqlite3'}", port=port)
        with pytest.raises(RuntimeError, match="did not start"):
            second.start()


def test_an_enrolment_token_never_reads_as_a_command_line_option():
    # `passerelle init --token TOKEN`: a token starting with "-" was taken for an option.
    from relay.operator import enrolment_token

    assert all(not enrolment_token().startswith("-") for _ in range(500))
