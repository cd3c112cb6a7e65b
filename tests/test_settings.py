"""Settings: the base URL for links follows the listening address unless it is given."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dutydesk.errors import Invalid
from dutydesk.settings import Settings, every_setting


@pytest.fixture(autouse=True)
def no_address_in_the_environment(monkeypatch):
    for name in ("DUTYDESK_HOST", "DUTYDESK_PORT", "DUTYDESK_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_base_url_is_the_default_address():
    assert Settings().base_url == "http://127.0.0.1:8000"


def test_the_port_alone_moves_the_base_url(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    assert Settings().base_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        # Listening on every address: links use the loopback one (set the base URL for others).
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://127.0.0.1:8000"),
    ],
)
def test_the_host_moves_the_base_url(monkeypatch, host, expected):
    monkeypatch.setenv("DUTYDESK_HOST", host)
    assert Settings().base_url == expected


def test_a_base_url_that_is_given_wins(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    monkeypatch.setenv("DUTYDESK_BASE_URL", "https://duty.example.org/")
    settings = Settings()
    assert settings.base_url == "https://duty.example.org"
    assert settings.listening_on("0.0.0.0", 9000).base_url == "https://duty.example.org"


def test_serve_options_move_a_base_url_that_was_not_given(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    moved = Settings(database_url="sqlite:///x.sqlite3").listening_on(None, 9000)
    assert (moved.port, moved.base_url) == (9000, "http://127.0.0.1:9000")
    assert moved.database_url == "sqlite:///x.sqlite3"
    assert Settings().listening_on("localhost", None).base_url == "http://localhost:8123"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("DUTYDESK_PORT", "eighty", "DUTYDESK_PORT: 'eighty' is not a whole number"),
        ("DUTYDESK_PORT", "70000", "DUTYDESK_PORT: must be at most 65535, not 70000"),
        ("DUTYDESK_MAX_BODY_BYTES", "10", "DUTYDESK_MAX_BODY_BYTES: must be at least 1024, not 10"),
        (
            "DUTYDESK_LOG_LEVEL",
            "loud",
            "DUTYDESK_LOG_LEVEL: must be one of debug, info, warning, error, not 'loud'",
        ),
        (
            "DUTYDESK_RUN_WORKER",
            "perhaps",
            "DUTYDESK_RUN_WORKER: 'perhaps' is neither true nor false",
        ),
        (
            "DUTYDESK_WORKER_INTERVAL_SECONDS",
            "0",
            "DUTYDESK_WORKER_INTERVAL_SECONDS: must be more than 0 seconds, not 0",
        ),
        (
            "DUTYDESK_WORKER_INTERVAL_SECONDS",
            "nan",
            "DUTYDESK_WORKER_INTERVAL_SECONDS: must be more than 0 seconds, not nan",
        ),
        (
            "DUTYDESK_METRICS_TOKEN",
            "  ",
            "DUTYDESK_METRICS_TOKEN: must not be empty; unset it to need no token",
        ),
        (
            "DUTYDESK_SQLITE_SYNCHRONOUS",
            "off",
            "DUTYDESK_SQLITE_SYNCHRONOUS: must be one of full, normal, not 'off'",
        ),
        (
            "DUTYDESK_ZENDESK_SIGNING_SECRET",
            " , ",
            "DUTYDESK_ZENDESK_SIGNING_SECRET: must not be empty; unset it to turn the receiver off",
        ),
        (
            "DUTYDESK_ZENDESK_URL",
            "acme.zendesk.com",
            "DUTYDESK_ZENDESK_URL: must be an http:// or https:// address, not 'acme.zendesk.com'",
        ),
        (
            "DUTYDESK_ZENDESK_URL",
            "javascript://acme.zendesk.com",
            "DUTYDESK_ZENDESK_URL: must be an http:// or https:// address, not"
            " 'javascript://acme.zendesk.com'",
        ),
        (
            "DUTYDESK_ZENDESK_URL",
            "https://acme.zendesk.com/agent",
            "DUTYDESK_ZENDESK_URL: must be the address of the site alone (https://host), not"
            " 'https://acme.zendesk.com/agent'",
        ),
    ],
)
def test_a_setting_that_does_not_read_is_refused_with_its_name(monkeypatch, name, text, message):
    monkeypatch.setenv(name, text)
    with pytest.raises(Invalid) as refused:
        Settings()
    assert refused.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("off", False), ("FALSE", False), ("0", False)],
)
def test_yes_and_no_read_as_they_are_commonly_written(monkeypatch, text, expected):
    monkeypatch.setenv("DUTYDESK_RUN_WORKER", text)
    assert Settings().run_worker is expected


def test_typed_settings_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DUTYDESK_WORKER_INTERVAL_SECONDS", "0.25")
    monkeypatch.setenv("DUTYDESK_WORKER_METRICS_PORT", "9102")
    monkeypatch.setenv("DUTYDESK_LOG_LEVEL", "DEBUG")
    settings = Settings()
    assert (settings.worker_interval_seconds, settings.worker_metrics_port) == (0.25, 9102)
    assert settings.log_level == "debug"
    assert settings.smtp_url is None


def test_a_value_given_by_name_wins_over_the_environment_and_is_read_the_same_way(monkeypatch):
    monkeypatch.setenv("DUTYDESK_FEED_DAYS_BACK", "30")
    assert Settings(feed_days_back=7).feed_days_back == 7
    assert Settings(feed_days_back="14").feed_days_back == 14
    with pytest.raises(Invalid, match="DUTYDESK_FEED_DAYS_BACK: 'x' is not a whole number"):
        Settings(feed_days_back="x")
    with pytest.raises(TypeError, match="no such setting: feed_days"):
        Settings(feed_days=7)


def test_a_secret_is_never_shown(monkeypatch):
    monkeypatch.setenv("DUTYDESK_SMTP_URL", "smtp://user:hunter2@mail.example.org:587")
    settings = Settings(slack_token="xoxb-hunter2")
    assert settings.smtp_url is not None
    assert settings.smtp_url.get_secret_value() == "smtp://user:hunter2@mail.example.org:587"
    assert "hunter2" not in repr(settings) + str(settings.smtp_url) + f"{settings.slack_token}"


def test_the_zendesk_settings_read_as_they_are_written(monkeypatch):
    monkeypatch.setenv("DUTYDESK_ZENDESK_URL", " https://acme.zendesk.com/ ")
    monkeypatch.setenv("DUTYDESK_ZENDESK_SIGNING_SECRET", "c2VjcmV0MQ==, c2VjcmV0Mg==")
    settings = Settings()
    assert settings.zendesk_url == "https://acme.zendesk.com"
    assert settings.zendesk_signing_secret is not None
    assert "c2VjcmV0" not in repr(settings)


def test_every_setting_has_help_text_and_a_default_of_the_right_kind():
    for setting in every_setting():
        assert setting.description.endswith("."), setting.name
        if setting.default is not None:
            assert setting.read(str(setting.default)) == setting.default, setting.name


def test_a_command_with_a_setting_that_does_not_read_says_so_in_one_line(tmp_path):
    environment = {
        **os.environ,
        "DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}",
        "DUTYDESK_PORT": "eighty",
    }
    done = subprocess.run(
        [sys.executable, "-m", "dutydesk", "who"], env=environment, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [
        "dutydesk: error: DUTYDESK_PORT: 'eighty' is not a whole number"
    ]
