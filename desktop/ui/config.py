"""Every setting the window reads, declared once with its type, default and meaning.

Practice settings live inside the encrypted store (they travel with it to a
new computer); workstation settings (where the store is, the language, the
window's size) live in the platform's settings through ``QSettings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from desktop.core.documents import (
    DEFAULT_MAX_BYTES,
    LIMIT_SETTING,
    MAX_LIMIT_BYTES,
    MIN_LIMIT_BYTES,
)
from desktop.store import Store
from desktop.ui.qt import QSettings

T = TypeVar("T", int, str, bool)


@dataclass(frozen=True)
class PracticeSetting(Generic[T]):
    """A setting kept in the store's settings table."""

    key: str
    kind: type[T]
    default: T
    description: str
    minimum: int | None = None
    maximum: int | None = None

    def read(self, store: Store) -> T:
        raw = store.get_setting(self.key)
        if raw is None:
            return self.default
        try:
            value: Any = (raw == "1") if self.kind is bool else self.kind(raw)
        except ValueError:
            return self.default
        if self.kind is int and self.minimum is not None and value < self.minimum:
            return self.default
        if self.kind is int and self.maximum is not None and value > self.maximum:
            return self.default
        return value

    def write(self, store: Store, value: T) -> None:
        if self.kind is int:
            value = int(value)  # type: ignore[assignment]
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise ValueError(f"{self.key} must be between {self.minimum} and {self.maximum}")
        store.set_setting(self.key, ("1" if value else "0") if self.kind is bool else str(value))


AUTO_LOCK_MINUTES = PracticeSetting(
    "auto_lock_minutes", int, 10, "Lock the window after this many idle minutes", 1, 240
)
# Inactivity signs the person out first (the store stays open for the next one), then
# locks the store: the window keeps the person's delay shorter than the lock's.
SIGN_OUT_MINUTES = PracticeSetting(
    "sign_out_minutes", int, 5, "Sign the person out after this many idle minutes", 1, 240
)
PRACTICE_NAME = PracticeSetting("practice_name", str, "", "The practice's name, as patients see it")
PRACTICE_ADDRESS = PracticeSetting("practice_address", str, "", "Postal address, on documents")
PRACTICE_PHONE = PracticeSetting("practice_phone", str, "", "Telephone, shown to patients")
DOCUMENT_MAX_BYTES = PracticeSetting(
    LIMIT_SETTING, int, DEFAULT_MAX_BYTES,
    "Largest document, in bytes, the practice or a patient may send (patients learn it "
    "from the practice profile)", MIN_LIMIT_BYTES, MAX_LIMIT_BYTES,
)
CURRENT_USER = PracticeSetting(
    "default_practitioner", str, "", "Who works at this workstation (practitioner id)"
)


@dataclass(frozen=True)
class WorkstationSetting(Generic[T]):
    """A setting of this computer, not of the practice (``QSettings``)."""

    key: str
    kind: type[T]
    default: T
    description: str

    def read(self) -> T:
        value = QSettings().value(self.key, self.default)
        if self.kind is bool:
            return value in (True, "true", "1", 1)  # type: ignore[return-value]
        try:
            return self.kind(value)
        except (TypeError, ValueError):
            return self.default

    def write(self, value: T) -> None:
        QSettings().setValue(self.key, value)


STORE_PATH = WorkstationSetting("store/path", str, "", "Where this workstation's store is")
LANGUAGE = WorkstationSetting("ui/language", str, "", "fr or en; empty follows the system")

# Backups are this workstation's: its folder (a USB disk, a NAS share) is a path on
# this computer, and the unlock screen must find it even when the store is damaged.
BACKUP_FOLDER = WorkstationSetting(
    "backup/folder", str, "", "Folder the store's encrypted backups are written to")
BACKUP_LAST_AT = WorkstationSetting(
    "backup/last_at", str, "", "When the last good backup was made (ISO 8601, UTC)")
BACKUP_LAST_PATH = WorkstationSetting("backup/last_path", str, "", "The last good backup's file")
BACKUP_LAST_BYTES = WorkstationSetting("backup/last_bytes", int, 0, "The last good backup's size")
BACKUP_FAILED_AT = WorkstationSetting(
    "backup/failed_at", str, "", "When the last backup failed (empty once one succeeds)")
BACKUP_ERROR = WorkstationSetting("backup/error", str, "", "Why the last backup failed")
BACKUP_ERROR_KIND = WorkstationSetting(
    "backup/error_kind", str, "", "folder (out of reach), no_key (no recovery key) or other")
