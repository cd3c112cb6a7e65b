"""The alerting rules shipped in docs/prometheus, checked and unit-tested by Prometheus' own
promtool (Debian's prometheus package), and held to the metrics Dutydesk really exports."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from dutydesk.app import create_app
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Worker

PROMTOOL = "/usr/bin/promtool"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
RULES = DOCS / "prometheus" / "dutydesk-rules.yml"
RULE_TESTS = DOCS / "prometheus" / "dutydesk-rules.test.yml"


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROMTOOL, *args], capture_output=True, text=True, timeout=60, cwd=RULES.parent
    )


def alert_names() -> list[str]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule["alert"] for group in groups for rule in group["rules"]]


def test_promtool_finds_the_rules_valid():
    checked = promtool("check", "rules", RULES.name)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(alert_names())} rules found" in checked.stdout


def test_promtool_unit_tests_make_each_alert_fire_and_stay_silent():
    tested = promtool("test", "rules", RULE_TESTS.name)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_every_alert_has_a_unit_test_where_it_fires_and_one_where_it_does_not():
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    checks = [check for test in tests for check in test["alert_rule_test"]]
    for name in alert_names():
        outcomes = [bool(c["exp_alerts"]) for c in checks if c["alertname"] == name]
        assert any(outcomes), f"{name} is never shown firing"
        assert not all(outcomes), f"{name} is never shown silent"


def test_the_rules_read_only_metrics_dutydesk_exports(runtime):
    # A renamed metric would leave a rule that never fires: every name a rule reads must be
    # in a real scrape (of a process that runs a worker).
    Worker(runtime, default_cycles()).run_once()
    with TestClient(create_app(runtime)) as client:
        scraped = client.get("/metrics").text
    families = list(text_string_to_metric_families(scraped))
    exported = {f.name for f in families} | {s.name for f in families for s in f.samples}
    read = set(re.findall(r"\b(dutydesk_\w+)", RULES.read_text(encoding="utf-8")))
    assert read, "the rules read no Dutydesk metric"
    assert read <= exported, f"not exported: {sorted(read - exported)}"


def test_operations_md_shows_the_rules_file_as_it_is():
    operations = (DOCS / "operations.md").read_text(encoding="utf-8")
    assert f"```yaml\n{RULES.read_text(encoding='utf-8')}```" in operations
