"""The patient's side: a real client of the relay (used by the demo, the tests and a small CLI)."""

from desktop.patient.client import PatientClient

__all__ = ["PatientClient"]
