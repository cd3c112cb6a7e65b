"""Webhook connections: kept alive and reused, replaced when the receiver hung up, over TLS
with the certificate checked, and through the environment's proxy."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutydesk.notify.channels.connections import (
    MAX_ANSWER_BYTES,
    Connections,
    ProxyNotSupported,
)
from tests.notify.servers import (
    ForwardProxy,
    RecordingServer,
    Reply,
    make_certificate,
    recording_server,
)

BODY = b'{"n":1}'
HEADERS = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever proxy the machine running the tests has, these tests choose their own."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def receiver() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def connections() -> Iterator[Connections]:
    made = Connections(timeout_seconds=10)
    yield made
    made.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_receiver(certificate: tuple[Path, Path]) -> Iterator[RecordingServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    with recording_server(context) as server:
        yield server


@pytest.fixture
def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A certificate check that trusts the test certificate (as SSL_CERT_FILE would)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    server = ForwardProxy()
    yield server
    server.stop()


def test_requests_to_one_receiver_share_one_kept_alive_connection(receiver, connections):
    for _ in range(5):
        answer = connections.post(receiver.url + "/hook", BODY, HEADERS)
        assert answer.status == 200

    assert len(receiver.requests) == 5
    assert len(receiver.connections()) == 1
    assert receiver.requests[0].body == BODY
    assert receiver.requests[0].headers["content-length"] == str(len(BODY))


def test_a_connection_the_receiver_closed_while_idle_is_replaced_not_failed(receiver, connections):
    receiver.script = [Reply(hang_up=True)]
    connections.post(receiver.url + "/hook", BODY, HEADERS)
    assert receiver.wait_for_hang_ups(1)

    answer = connections.post(receiver.url + "/hook", BODY, HEADERS)

    assert answer.status == 200
    assert len(receiver.connections()) == 2


def test_a_long_answer_is_not_read_whole_and_its_connection_not_reused(receiver, connections):
    receiver.script = [Reply(body={"padding": "x" * MAX_ANSWER_BYTES})]
    assert connections.post(receiver.url + "/hook", BODY, HEADERS).status == 200

    assert connections.post(receiver.url + "/hook", BODY, HEADERS).status == 200

    assert len(receiver.connections()) == 2


def test_the_status_and_retry_after_are_what_the_receiver_answered(receiver, connections):
    receiver.script = [Reply(status=503, headers={"Retry-After": "120"})]

    answer = connections.post(receiver.url + "/hook", BODY, HEADERS)

    assert (answer.status, answer.retry_after) == (503, "120")


def test_a_redirect_is_answered_not_followed(receiver, connections):
    receiver.script = [Reply(status=302, headers={"Location": receiver.url + "/elsewhere"})]

    assert connections.post(receiver.url + "/hook", BODY, HEADERS).status == 302
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_credentials_in_the_url_are_sent_as_basic_authentication(receiver, connections):
    url = receiver.url.replace("http://", "http://dutydesk:p%40ss@") + "/hook?token=a%20b"

    connections.post(url, BODY, HEADERS)

    [request] = receiver.requests
    assert request.headers["authorization"] == "Basic ZHV0eWRlc2s6cEBzcw=="  # dutydesk:p@ss
    assert request.path == "/hook?token=a%20b"


def test_a_path_that_is_not_ascii_is_percent_encoded(receiver, connections):
    connections.post(receiver.url + "/hooks/équipe", BODY, HEADERS)

    assert receiver.requests[0].path == "/hooks/%C3%A9quipe"


def test_nothing_listening_is_an_os_error(connections):
    with recording_server() as stopped:
        url = stopped.url + "/hook"
    with pytest.raises(ConnectionRefusedError):
        connections.post(url, BODY, HEADERS)


def test_https_checks_the_receivers_certificate(tls_receiver, trusting):
    trusted = Connections(timeout_seconds=10, tls=trusting)
    untrusted = Connections(timeout_seconds=10, tls=ssl.create_default_context())
    try:
        assert trusted.post(tls_receiver.url + "/hook", BODY, HEADERS).status == 200
        assert trusted.post(tls_receiver.url + "/hook", BODY, HEADERS).status == 200
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.post(tls_receiver.url + "/hook", BODY, HEADERS)
    finally:
        trusted.close()
        untrusted.close()
    assert len(tls_receiver.requests) == 2
    assert len(tls_receiver.connections()) == 1


def test_plain_http_goes_through_the_proxy_the_environment_names(
    receiver, proxy, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://me:secret@"))
    connections = Connections(timeout_seconds=10)
    try:
        for _ in range(2):
            assert connections.post(receiver.url + "/hook?x=1", BODY, HEADERS).status == 200
    finally:
        connections.close()

    line = f"POST {receiver.url}/hook?x=1 HTTP/1.1"
    assert proxy.seen == [(line, "Basic bWU6c2VjcmV0"), (line, "Basic bWU6c2VjcmV0")]
    assert [r.path for r in receiver.requests] == ["/hook?x=1", "/hook?x=1"]
    assert "proxy-authorization" not in receiver.requests[0].headers


def test_https_goes_through_a_tunnel_of_the_proxy(
    tls_receiver, proxy, trusting, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    connections = Connections(timeout_seconds=10, tls=trusting)
    try:
        assert connections.post(tls_receiver.url + "/hook", BODY, HEADERS).status == 200
        assert connections.post(tls_receiver.url + "/hook", BODY, HEADERS).status == 200
    finally:
        connections.close()

    address = tls_receiver.url.removeprefix("https://")
    [(line, authorization)] = proxy.seen  # one tunnel, kept for both
    assert line.startswith(f"CONNECT {address} HTTP/")
    assert authorization is None
    assert [r.body for r in tls_receiver.requests] == [BODY, BODY]


def test_no_proxy_sends_straight_to_the_hosts_it_names(
    receiver, proxy, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    connections = Connections(timeout_seconds=10)
    try:
        assert connections.post(receiver.url + "/hook", BODY, HEADERS).status == 200
    finally:
        connections.close()

    assert proxy.seen == []
    assert len(receiver.requests) == 1


def test_a_proxy_other_than_http_is_refused_with_the_reason(
    receiver, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ALL_PROXY", "socks5://user:secret@127.0.0.1:1080")
    connections = Connections(timeout_seconds=10)

    with pytest.raises(ProxyNotSupported, match=r"socks5://, only http://") as raised:
        connections.post(receiver.url + "/hook", BODY, HEADERS)

    assert "secret" not in str(raised.value)
    assert receiver.requests == []
