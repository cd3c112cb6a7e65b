"""Prometheus metrics: the process's own counters and histograms, facts read from the database
at scrape time, and the `/metrics` answer (docs/operations.md, Monitoring)."""
