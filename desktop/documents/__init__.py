"""The PDFs Passerelle produces (renewed prescription, …): data in, bytes out, no Qt, no store."""
