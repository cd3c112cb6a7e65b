"""Sign-in throttling: the same answer, status and timing for real and unknown names; by
address and by name, so a stranger cannot keep the real user out; over with time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.auth import service as auth_service
from dutydesk.auth import signin, throttle
from dutydesk.runtime import Runtime
from tests.web_fixtures import PASSWORD, Browser, add_user

STRANGER = "203.0.113.7"
ALICE_AT_HOME = "198.51.100.20"


@pytest.fixture
def browser_at(runtime: Runtime) -> Iterator[Callable[[str], Browser]]:
    """`browser_at(address)`: a signed-out browser whose requests come from that address."""
    clients: list[TestClient] = []

    def open_at(address: str) -> Browser:
        client = TestClient(
            create_app(runtime), headers={"accept": "text/html"}, client=(address, 40000)
        )
        clients.append(client)
        return Browser(client)

    yield open_at
    for client in clients:
        client.close()


def attempt(browser: Browser, username: str, password: str, token: str):  # type: ignore[no-untyped-def]
    return browser.post("/sign-in", {"username": username, "password": password}, token=token)


def fail_until_throttled(browser: Browser, username: str, token: str) -> None:
    for _ in range(throttle.PER_NAME_AND_ADDRESS):
        assert attempt(browser, username, "wrong wrong wrong", token).status_code == 400


def test_a_throttled_real_name_and_a_throttled_unknown_name_get_the_same_answer(
    runtime, browser_at
):
    add_user(runtime, "alice", "admin", None)
    stranger = browser_at(STRANGER)
    token = stranger.csrf()
    fail_until_throttled(stranger, "alice", token)
    fail_until_throttled(stranger, "mallory", token)

    real = attempt(stranger, "alice", PASSWORD, token)  # even the right password
    unknown = attempt(stranger, "mallory", PASSWORD, token)

    assert real.status_code == unknown.status_code == 429
    assert real.headers["retry-after"] == unknown.headers["retry-after"] == "900"
    assert "too many failed sign-ins from your address: try again in 15 minute(s)" in real.text
    assert real.text.replace("alice", "NAME") == unknown.text.replace("mallory", "NAME")
    assert "dutydesk_session" not in real.headers.get("set-cookie", "")


def test_a_real_name_and_an_unknown_one_take_the_same_time(runtime, browser_at, monkeypatch):
    # Argon2 doing real work (tens of milliseconds a hash; production's cost ten times that):
    # the work that must not tell a real name from an unknown one is the point here, and with
    # the tests' cheapest parameters an attempt takes a few milliseconds, which a busy
    # machine's noise swamps.
    weighty = PasswordHasher(time_cost=2, memory_cost=32768, parallelism=1)
    monkeypatch.setattr(auth_service, "_hasher", weighty)
    monkeypatch.setattr(signin, "_hasher", weighty)
    signin._dummy_hash.cache_clear()
    add_user(runtime, "alice", "admin", None)
    stranger = browser_at(STRANGER)
    token = stranger.csrf()
    attempt(stranger, "warm-up", "wrong wrong wrong", token)

    def median_seconds(tries: int) -> tuple[float, float]:
        """Medians for the real name and the unknown one, tried in turn. Each answer's cost is
        this process's CPU time (the application answers in it, and every path of sign-in is
        CPU work, never a wait), so that other programs on a busy machine, which stretch the
        wall-clock time of one phase more than another's, do not count."""
        taken: dict[str, list[float]] = {"alice": [], "nobody": []}
        for _ in range(tries):
            for username, times in taken.items():
                started = time.process_time()
                attempt(stranger, username, "wrong wrong wrong", token)
                times.append(time.process_time() - started)
        return statistics.median(taken["alice"]), statistics.median(taken["nobody"])

    # Wrong passwords (4 each, under the limit), then throttled attempts.
    wrong_real, wrong_unknown = median_seconds(throttle.PER_NAME_AND_ADDRESS - 1)
    attempt(stranger, "alice", "wrong wrong wrong", token)
    attempt(stranger, "nobody", "wrong wrong wrong", token)
    throttled_real, throttled_unknown = median_seconds(5)

    # The lock-out this replaced answered a locked real name 35 times faster than an unknown
    # one; a factor of 2 is far outside noise and far inside that.
    assert 0.5 < wrong_real / wrong_unknown < 2
    assert 0.5 < throttled_real / throttled_unknown < 2
    assert 0.5 < throttled_real / wrong_real < 2


def test_the_real_user_signs_in_from_elsewhere_while_a_stranger_is_throttled(runtime, browser_at):
    add_user(runtime, "alice", "admin", None)
    stranger = browser_at(STRANGER)
    token = stranger.csrf()
    fail_until_throttled(stranger, "alice", token)
    assert attempt(stranger, "alice", PASSWORD, token).status_code == 429

    alice = browser_at(ALICE_AT_HOME)
    answer = attempt(alice, "alice", PASSWORD, alice.csrf())

    assert answer.status_code == 303
    assert "dutydesk_session=" in answer.headers["set-cookie"]


def test_a_name_under_attack_from_many_addresses_still_lets_a_correct_password_in(
    runtime, browser_at
):
    add_user(runtime, "alice", "admin", None)
    for host in range(throttle.NAME_UNDER_ATTACK // throttle.PER_NAME_AND_ADDRESS):
        attacker = browser_at(f"203.0.113.{100 + host}")
        fail_until_throttled(attacker, "alice", attacker.csrf())

    # Each address now gets fewer tries at the name...
    another = browser_at("203.0.113.99")
    token = another.csrf()
    for _ in range(throttle.PER_NAME_AND_ADDRESS_UNDER_ATTACK):
        assert attempt(another, "alice", "wrong wrong wrong", token).status_code == 400
    assert attempt(another, "alice", "wrong wrong wrong", token).status_code == 429
    # ... but the right password from an address that has not failed gets in at once.
    alice = browser_at(ALICE_AT_HOME)
    assert attempt(alice, "alice", PASSWORD, alice.csrf()).status_code == 303


def test_one_address_trying_many_names_is_throttled_for_every_name(runtime, browser_at):
    add_user(runtime, "alice", "admin", None)
    stranger = browser_at(STRANGER)
    token = stranger.csrf()
    for number in range(throttle.PER_ADDRESS):
        assert attempt(stranger, f"guess{number}", "wrong wrong wrong", token).status_code == 400

    assert attempt(stranger, "alice", PASSWORD, token).status_code == 429
    alice = browser_at(ALICE_AT_HOME)
    assert attempt(alice, "alice", PASSWORD, alice.csrf()).status_code == 303


def test_throttling_ends_as_failures_leave_the_window(runtime, clock, browser_at):
    add_user(runtime, "alice", "admin", None)
    stranger = browser_at(STRANGER)
    token = stranger.csrf()
    fail_until_throttled(stranger, "alice", token)

    clock.advance(throttle.WINDOW / 2)
    waiting = attempt(stranger, "alice", PASSWORD, token)
    assert waiting.status_code == 429
    assert waiting.headers["retry-after"] == str(int(throttle.WINDOW.total_seconds() / 2))

    clock.advance(throttle.WINDOW / 2)
    assert attempt(stranger, "alice", PASSWORD, token).status_code == 303


def test_a_successful_sign_in_forgets_that_address_s_failures_for_the_name(runtime, browser_at):
    add_user(runtime, "alice", "admin", None)
    alice = browser_at(ALICE_AT_HOME)
    token = alice.csrf()
    for _ in range(throttle.PER_NAME_AND_ADDRESS - 1):
        attempt(alice, "alice", "mistyped password", token)
    assert attempt(alice, "alice", PASSWORD, token).status_code == 303

    later = browser_at(ALICE_AT_HOME)
    token = later.csrf()
    for _ in range(throttle.PER_NAME_AND_ADDRESS - 1):
        assert attempt(later, "alice", "mistyped password", token).status_code == 400
    assert attempt(later, "alice", PASSWORD, token).status_code == 303


@pytest.mark.parametrize(
    ("host", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
    ],
)
def test_an_ipv6_client_is_counted_by_its_network(host, counted_as):
    assert throttle.client_address(host) == counted_as
