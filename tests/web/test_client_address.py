"""The client's address: X-Forwarded-For only from a configured proxy, never from anyone."""

import pytest

from citizenbot.web.client_address import client_address, parse_proxies

PROXY = parse_proxies("10.0.0.1, ::1")


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("203.0.113.5", "198.51.100.7", frozenset()) == "203.0.113.5"


def test_a_header_from_a_client_that_is_not_a_trusted_proxy_is_ignored():
    assert client_address("203.0.113.5", "198.51.100.7", PROXY) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client():
    # the client may put anything first in the header; the proxy appends the address it saw
    assert client_address("10.0.0.1", "1.2.3.4, 198.51.100.7", PROXY) == "198.51.100.7"
    assert client_address("10.0.0.1", "198.51.100.7, 10.0.0.1", PROXY) == "198.51.100.7"
    assert client_address("::1", "2001:db8::7", PROXY) == "2001:db8::7"


def test_a_malformed_header_or_none_falls_back_to_the_peer():
    assert client_address("10.0.0.1", "not-an-address", PROXY) == "10.0.0.1"
    assert client_address("10.0.0.1", None, PROXY) == "10.0.0.1"
    assert client_address(None, None, PROXY) == "unknown"


def test_a_wrong_proxy_setting_is_an_error():
    with pytest.raises(ValueError):
        parse_proxies("10.0.0.1, proxy.example")
