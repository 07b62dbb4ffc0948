"""Storage plumbing: the event store, its recorders, and the key store that seals personal data."""
