"""Small checks every store module shares: ids, required text, the core's field rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desktop.core.errors import InvalidField, StoreError


def new_id(given: str | None = None) -> str:
    """A canonical lowercase UUID: the relay compares ids as text."""
    if given is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(str(given)))
    except ValueError:
        raise StoreError(f"{given!r} is not a valid id (a UUID is expected).") from None


def required_text(value: Any, what: str, limit: int | None = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise StoreError(f"The {what} cannot be empty.")
    if limit is not None and len(text) > limit:
        raise StoreError(f"The {what} is longer than {limit} characters.")
    return text


@contextmanager
def valid() -> Iterator[None]:
    """The core's field rules, reported as the store reports bad input."""
    try:
        yield
    except InvalidField as exc:
        raise StoreError(str(exc)) from None


def exists(c: Any, table: str, id: str | None) -> bool:
    """Whether ``table`` (a name from this package, never from input) has a row ``id``."""
    return c.execute(f"SELECT 1 FROM {table} WHERE id = ?", (id,)).fetchone() is not None
