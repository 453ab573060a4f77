"""Keys and end-to-end envelopes (libsodium through PyNaCl). No I/O, no Qt."""

from desktop.crypto.envelope import open_envelope, seal_envelope
from desktop.crypto.keys import Identity

__all__ = ["Identity", "open_envelope", "seal_envelope"]
