"""Heartbeat monitors: a job pings a secret URL every so often; a missed ping raises an alert."""
