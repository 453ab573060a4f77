"""Why adding or revoking a workstation was refused, in the practice's language
(desktop.sync.pairing and desktop.sync.rotation give the reason; their English sentence
is the fallback for anything else)."""

from __future__ import annotations

from desktop.sync import pairing, rotation
from desktop.ui.qt import QCoreApplication


def refusal(exc: BaseException) -> str:
    """The sentence to show for a failed step."""
    reason = getattr(exc, "reason", None)
    if reason == pairing.MALFORMED:
        return QCoreApplication.translate(
            "pairing", "This pairing code is not valid: it has 10 letters and digits, in two "
            "groups of five, as shown on the new computer's screen.")
    if reason == pairing.NOT_WAITING:
        return QCoreApplication.translate(
            "pairing", "No new workstation waits for this code: it is mistyped, already used, "
            "or more than ten minutes old. Nothing was changed. Check the code on the other "
            "screen, or start again there for a new one.")
    if reason == pairing.EXPIRED:
        return QCoreApplication.translate(
            "pairing", "This pairing code has expired (a code lives ten minutes) or was "
            "cancelled. Nothing was saved: start again to get a new code.")
    if reason == pairing.KEYS_MISMATCH:
        return QCoreApplication.translate(
            "pairing", "The relay's answer does not match this code: the keys it gave are not "
            "the new computer's. Nothing was sent; do not pair, and tell whoever runs the "
            "relay.")
    if reason == pairing.FORGED:
        return QCoreApplication.translate(
            "pairing", "The practice's keys did not come from the workstation that read this "
            "code; nothing was saved. Start the pairing again.")
    if reason == rotation.NEEDS_RELAY:
        return QCoreApplication.translate(
            "pairing", "Revoking a workstation needs the relay, which cannot be reached now. "
            "Nothing was changed; try again once online.")
    if reason == rotation.ITSELF:
        return QCoreApplication.translate(
            "pairing", "A workstation cannot revoke itself: revoke it from another workstation.")
    if reason == rotation.UNKNOWN:
        return QCoreApplication.translate(
            "pairing", "The practice has no such workstation.")
    return str(exc)
