"""A relay on SQLite runs without psycopg: the desktop's frozen demo ships without it
(installer/passerelle.spec excludes it), and the relay's cross-process wake-up must not
make it a dependency of every relay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.relay import REPO

SCRIPT = """
import sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("psycopg", "psycopg_binary", "psycopg_c"):
            raise ImportError("no psycopg here, as in the frozen demo")

sys.meta_path.insert(0, NoPsycopg())
from relay.app import create_app
from relay.config import Settings
from relay.server import RelayServer
app = create_app(Settings(database_url=sys.argv[1]))
RelayServer(app)
print("a relay on SQLite without psycopg")
"""


def test_a_sqlite_relay_needs_no_psycopg(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'relay.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "without psycopg" in done.stdout
