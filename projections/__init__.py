"""Read models: SQL tables built from the event log, and the queries over them."""
