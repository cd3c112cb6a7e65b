"""Signing in and out, sessions and CSRF on the pages (throttling: test_signin_throttling.py)."""

from __future__ import annotations

from datetime import timedelta

from tests.web_fixtures import PASSWORD, add_user


def test_a_page_sends_a_signed_out_browser_to_sign_in_and_back(anonymous):
    answer = anonymous.get("/?rota=engineering")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/%3Frota%3Dengineering"


def test_signing_in_opens_the_dashboard(runtime, example_team, browser):
    alice = browser("alice", person="alice")
    page = alice.get("/")
    assert page.status_code == 200
    assert "Who is on support" in page.text
    assert "In hours engineering support" in page.text


def test_a_wrong_password_says_so_without_saying_whether_the_user_exists(runtime, anonymous):
    add_user(runtime, "alice", "responder", None)
    token = anonymous.csrf("/sign-in")
    wrong = anonymous.post(
        "/sign-in", {"username": "alice", "password": "nope nope nope"}, token=token
    )
    nobody = anonymous.post(
        "/sign-in", {"username": "zed", "password": "nope nope nope"}, token=token
    )
    assert wrong.status_code == nobody.status_code == 400
    assert "wrong username or password" in wrong.text
    assert "wrong username or password" in nobody.text
    assert "dutydesk_session" not in wrong.headers.get("set-cookie", "")


def test_an_empty_form_names_each_missing_field(anonymous):
    answer = anonymous.post("/sign-in", {"username": "", "password": ""}, token=anonymous.csrf())
    assert answer.status_code == 400
    assert "enter your username" in answer.text
    assert "enter your password" in answer.text
    assert 'aria-invalid="true"' in answer.text


def test_the_session_cookie_is_httponly_and_samesite(runtime, anonymous):
    add_user(runtime, "alice", "responder", None)
    answer = anonymous.post(
        "/sign-in", {"username": "alice", "password": PASSWORD}, token=anonymous.csrf()
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "dutydesk_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP here: a Secure cookie would never come back


def test_over_https_the_session_cookie_is_secure(runtime):
    from fastapi.testclient import TestClient

    from dutydesk.app import create_app
    from tests.web_fixtures import Browser

    add_user(runtime, "alice", "responder", None)
    with TestClient(
        create_app(runtime), base_url="https://dutydesk.test", headers={"accept": "text/html"}
    ) as client:
        secure = Browser(client)
        answer = secure.post(
            "/sign-in", {"username": "alice", "password": PASSWORD}, token=secure.csrf()
        )
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()


def test_a_form_without_the_csrf_token_is_refused(runtime, anonymous):
    add_user(runtime, "alice", "responder", None)
    anonymous.csrf()  # the visitor cookie is set, but the form leaves the token out
    answer = anonymous.client.post(
        "/sign-in", data={"username": "alice", "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert "did not come from Dutydesk" in answer.text
    assert "dutydesk_session" not in answer.headers.get("set-cookie", "")


def test_a_token_from_another_browser_is_refused(runtime, anonymous, browser):
    bob = browser("bob")
    answer = bob.post("/sign-out", {}, token=anonymous.csrf())
    assert answer.status_code == 403


def test_signing_out_ends_the_session(runtime, example_team, browser):
    alice = browser("alice")
    answer = alice.post("/sign-out", {})
    assert answer.status_code == 303
    assert alice.get("/").status_code == 303


def test_after_sign_in_the_browser_goes_where_it_was_going_but_never_off_site(runtime, anonymous):
    add_user(runtime, "alice", "responder", None)
    token = anonymous.csrf()
    answer = anonymous.post(
        "/sign-in",
        {"username": "alice", "password": PASSWORD, "next": "//evil.example/x"},
        token=token,
    )
    assert answer.headers["location"] == "/"


def test_an_unknown_page_is_an_html_page_for_browsers_and_json_for_programs(anonymous):
    page = anonymous.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    api = anonymous.client.get("/api/v1/nothing", headers={"accept": "application/json"})
    assert api.status_code == 404
    assert api.json()["error"] == "not_found"


def test_pages_forbid_framing_and_foreign_scripts(runtime, example_team, browser):
    page = browser("alice").get("/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_with_an_https_base_url_cookies_are_secure_whatever_the_proxy_says(runtime, anonymous):
    from tests.notify.servers import reconfigure

    reconfigure(runtime, base_url="https://dutydesk.example.org")
    # The request arrives as plain HTTP (a proxy that does not pass X-Forwarded-Proto on).
    answer = anonymous.get("/sign-in")
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"].lower()
    assert "dutydesk_visitor=" in cookie
    assert "secure" in cookie


def test_a_session_in_use_stays_open_and_an_idle_one_ends(runtime, clock, example_team, browser):
    from dutydesk.auth.signin import IDLE_TIMEOUT

    alice = browser("alice")
    for _ in range(3):  # 33 hours in all, each step within the idle timeout
        clock.advance(IDLE_TIMEOUT - timedelta(hours=1))
        assert alice.get("/").status_code == 200

    clock.advance(IDLE_TIMEOUT + timedelta(minutes=1))
    assert alice.get("/").status_code == 303
