"""The team as code: `dutydesk apply` and `dutydesk export` across every domain's section of
the team file (each declared in its module.py as a contributions.TeamSection)."""
