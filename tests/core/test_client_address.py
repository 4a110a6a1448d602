"""Which client a request comes from: REMOTE_ADDR; behind a proxy (TANDEM_BEHIND_PROXY) the entry
the proxies appended to X-Forwarded-For (the TANDEM_PROXY_COUNT-th from the right), never the
entries the client wrote itself; IPv6 clients counted by their /64."""

from __future__ import annotations

from django.test import RequestFactory

from tandem.core.clients import client_address, client_key

factory = RequestFactory()


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/login/", **extra)


def test_directly_on_the_network_the_header_is_ignored(settings):
    settings.TANDEM_BEHIND_PROXY = False
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert client_address(None) == ""


def test_behind_one_proxy_the_right_most_entry_counts(settings):
    settings.TANDEM_BEHIND_PROXY, settings.TANDEM_PROXY_COUNT = True, 1
    assert client_address(request(forwarded="203.0.113.9")) == "203.0.113.9"
    assert client_address(request(forwarded="1.2.3.4, 192.0.2.1 , 203.0.113.9")) == "203.0.113.9"
    assert client_address(request()) == "10.0.0.2"  # not through the proxy: its own address
    assert client_address(request(forwarded="not an address")) == "10.0.0.2"
    assert client_address(request(forwarded="")) == "10.0.0.2"


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings):
    settings.TANDEM_BEHIND_PROXY, settings.TANDEM_PROXY_COUNT = True, 2
    assert client_address(request(forwarded="1.2.3.4, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    assert client_address(request(forwarded="203.0.113.9")) == "203.0.113.9"


def test_ipv6_clients_are_counted_by_their_network():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::7") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_key("[2001:db8::1]:443") == "2001:db8::/64"
    assert client_key("203.0.113.9:443") == "203.0.113.9"
    assert client_key("x" * 80) == "x" * 45
