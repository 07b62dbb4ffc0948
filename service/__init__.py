"""The application: use cases over the domain, settings and wiring."""
