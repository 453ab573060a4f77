"""Relay client, outbox push, cursor pull and the background engine (plain threads, no Qt)."""
