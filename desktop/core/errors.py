"""Errors a person can read: each says what happened and what to do."""


class PasserelleError(Exception):
    """Base of every error Passerelle reports to a person."""


class WrongPassphrase(PasserelleError):
    """The passphrase does not open the store. Nothing was written."""

    def __init__(self) -> None:
        super().__init__("Wrong passphrase: the store was not opened and nothing was changed.")


class StoreError(PasserelleError):
    """The store cannot do what was asked (missing file, corrupt file, bad input)."""


class StoreDamaged(StoreError):
    """The passphrase is right but part of the store cannot be read: restore a backup.

    Told apart from :class:`WrongPassphrase` so that the unlock screen neither
    starts its wrong-passphrase delays nor lets the person doubt their passphrase.
    """


class JournalDamaged(StoreError):
    """The store opened after a crash, but the last changes in its damaged journal were
    lost; what came from the relay is fetched again."""


class DiskFull(StoreError):
    """The disk holding the store has no room left; nothing was saved by the failed step."""


class InvalidField(PasserelleError, ValueError):
    """A value a person typed (or a file carried) breaks a rule; the message says which.

    Raised by the plain rules of ``desktop.core``; the store reports it as a
    ``StoreError`` with the same sentence.
    """


class EnvelopeRejected(PasserelleError):
    """An envelope failed its integrity or signature check; it is never shown."""


class RelayError(PasserelleError):
    """The relay refused a request; ``code`` is machine-readable, the message is for people."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        #: What else the refusal said (409 ``already_decided``: who decided and when).
        self.details = details or {}

    @property
    def retryable(self) -> bool:
        """A 5xx, a timeout or a lost connection may succeed later; a 4xx will not."""
        return self.status >= 500 or self.status == 0 or self.code == "rate_limited"

    def __str__(self) -> str:
        return f"{self.args[0]} [{self.code}]"
