"""Incidents: declared in one action, roles filled from the rotas, a document, a timeline and
an update cadence (docs/incidents.md)."""
