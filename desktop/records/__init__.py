"""The exits of a patient's record: what leaves Passerelle for the practice software, the
DMP or the patient himself (FHIR, the GDPR export), and his erasure. No Qt here."""
