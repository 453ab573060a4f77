"""The performance benchmark of the core issue: ``python -m desktop.bench``.

Builds a store of 10,000 conversations and 1,000,000 messages (and a plain
SQLite copy of it), a relay holding 100,000 messages for one practice, and
prints what a practice would feel: unlocking, the inbox, a thread, search,
a first sync, a patient's new message. It prints figures beside their
targets; it never fails because a machine is slow (``--quick`` for a small
run, ``--help`` for the sizes).
"""

# The first words of every figure line, in the order printed. The quick test
# checks each one is there, so that a figure cannot silently stop being measured.
FIGURES = (
    "unlock (Store.open, passphrase)",
    "bare KDF (Argon2id",
    "inbox: all, newest 50",
    "inbox: to process, newest 50",
    "inbox: one practitioner's desk",
    "thread: last 100 messages",
    "search: selective word (FTS)",
    "search: common word (FTS)",
    "first sync:",
    "new message, patient → practice",
)
# The figures ``--only sync`` measures (the others are the store's).
SYNC_FIGURES = ("first sync:", "new message, patient → practice")
