"""The real relay, served from a thread of this process on a free loopback port."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from relay.app import create_app
from relay.config import Settings
from relay.db import Database
from relay.operator import create_practice
from relay.server import RelayServer


class InProcessRelay:
    """A relay on 127.0.0.1 backed by a SQLite file in ``folder``; stop() ends it."""

    def __init__(self, folder: Path) -> None:
        self.database_path = folder / "demo-relay.sqlite3"
        self.database_url = f"sqlite:///{self.database_path}"
        self.server = RelayServer(create_app(Settings(self.database_url)), "127.0.0.1", 0)
        self._thread = threading.Thread(target=self.server.run, name="demo-relay", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the demo relay did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.server.bound_port}"

    def create_practice(self, label: str) -> str:
        db = Database(self.database_url)
        try:
            return create_practice(db, label).enrolment_token
        finally:
            db.dispose()

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
