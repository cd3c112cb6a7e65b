"""The process's own counters and histograms (instruments.py) and the counts taken when a
transaction commits (commits.py): what Dutydesk measures. Answering Prometheus with them is
dutydesk/prometheus (docs/operations.md, Monitoring)."""
