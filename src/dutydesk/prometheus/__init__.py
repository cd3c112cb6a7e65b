"""Answering Prometheus: `/metrics` on the web application with the time of each request, the
outbox's depth read from the database at scrape time, and the worker's own `/metrics` server
(docs/operations.md, Monitoring). What is measured is dutydesk/metrics."""
