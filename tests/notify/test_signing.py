"""Webhook signatures: what a receiver verifies."""

from __future__ import annotations

import hashlib
import hmac

from dutydesk.notify.signing import signature_header, verify_signature, webhook_secret

BODY = b'{"event":"handoff"}'


def test_the_signature_is_an_hmac_of_the_timestamp_and_the_raw_body():
    header = signature_header("secret", 1768384800, BODY)
    expected = hmac.new(b"secret", b"1768384800." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1768384800,v1={expected}"


def test_a_valid_recent_signature_verifies():
    header = signature_header("secret", 1000, BODY)
    assert verify_signature("secret", header, BODY, now=1100)


def test_a_changed_body_another_secret_or_an_old_timestamp_do_not_verify():
    header = signature_header("secret", 1000, BODY)
    assert not verify_signature("secret", header, BODY + b" ", now=1000)
    assert not verify_signature("other", header, BODY, now=1000)
    assert not verify_signature("secret", header, BODY, now=1000 + 301)
    assert not verify_signature("secret", "garbage", BODY, now=1000)
    assert not verify_signature("secret", "t=x,v1=00", BODY, now=1000)


def test_each_url_has_its_own_secret_derived_from_the_instance_key():
    first = webhook_secret("key", "https://a.example/hook")
    assert first == hmac.new(b"key", b"webhook:https://a.example/hook", hashlib.sha256).hexdigest()
    assert first != webhook_secret("key", "https://b.example/hook")
    assert first != webhook_secret("other-key", "https://a.example/hook")


def test_a_non_ascii_signature_is_not_valid():
    header = signature_header("secret", 1000, BODY).split(",v1=")[0] + ",v1=\u00e9"
    assert not verify_signature("secret", header, BODY, now=1000)
