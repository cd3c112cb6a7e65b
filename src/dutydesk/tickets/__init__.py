"""Tenant tickets: intake by mail, web, API and CLI; triage P1–P4; response targets in support
hours; every ticket picked up and answered on time."""
