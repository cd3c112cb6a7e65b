"""Addresses and domains as tenants are matched by them."""

from __future__ import annotations

import pytest

from dutydesk.tenants.addresses import check_address, check_domain, domains_to_try


@pytest.mark.parametrize(
    ("text", "domain"),
    [("Acme.COM", "acme.com"), ("@acme.com", "acme.com"), ("eu.acme.co.uk.", "eu.acme.co.uk")],
)
def test_a_domain_is_kept_in_lower_case(text, domain):
    assert check_domain(text) == domain


@pytest.mark.parametrize("text", ["acme", "acme..com", "-acme.com", "acme.com/x", "", "a b.com"])
def test_a_domain_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match=r"is not a domain like example\.org"):
        check_domain(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Ops@Acme.com", "ops@acme.com"),
        ("Alice Archer <Alice@acme.com>", "alice@acme.com"),
    ],
)
def test_an_address_is_kept_in_lower_case(text, address):
    assert check_address(text) == address


@pytest.mark.parametrize("text", ["ops", "ops@", "@acme.com", "ops@acme", "o ps@acme.com"])
def test_an_address_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="is not an e-mail address"):
        check_address(text)


def test_an_address_belongs_to_its_domain_then_each_parent_but_never_a_bare_top_level():
    assert domains_to_try("ops@eu.mail.acme.com") == [
        "eu.mail.acme.com",
        "mail.acme.com",
        "acme.com",
    ]
    assert domains_to_try("ops@acme.com") == ["acme.com"]
