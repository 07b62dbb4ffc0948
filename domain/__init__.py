"""The petition domain: aggregates, events and rules. No database, no framework."""
