"""Tenants: the organisations the team supports, their e-mail domains and contacts."""
