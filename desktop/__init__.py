"""Passerelle: the practice's desktop application and the patient-side client library.

Only ``desktop.ui`` imports Qt; every other sub-package is plain Python.
"""
