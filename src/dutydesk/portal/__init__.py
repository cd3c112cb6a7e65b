"""The tenant portal: tenants sign in by e-mail and see and answer their own organisation's
tickets, and only those (docs/portal.md)."""
