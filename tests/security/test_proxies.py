"""Rate limits behind the TLS proxy: each visitor is counted by their own address when the
deployment says how many proxies it trusts; a visitor's own X-Forwarded-For is never believed;
and limits also count per account and email address, whatever the address."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from plaudit.network import client_ip
from tests.factories import AwardFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


def ask_for_link(client, email, **meta):
    return client.post(reverse("judging:sign_in"), {"method": "link", "link-email": email}, **meta)


def test_many_people_behind_one_trusted_proxy_are_each_counted_on_their_own(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(40):  # the sign-in page allows 30 posts an hour from one address
        response = ask_for_link(
            client, f"judge{n}@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}"
        )
        assert response.status_code == 200, n


def test_without_a_trusted_proxy_the_header_is_not_believed(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        ask_for_link(
            client, f"judge{n}@example.org", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}"
        ).status_code
        for n in range(31)
    ]
    # A different made-up address each time, and still one visitor: limited at the 31st.
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_a_visitor_writing_the_header_behind_a_trusted_proxy_is_counted_by_the_proxys_word(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        ask_for_link(
            client,
            f"judge{n}@example.org",
            REMOTE_ADDR=PROXY,
            # The visitor wrote the first address; the proxy appended the one it saw.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, 203.0.113.9",
        ).status_code
        for n in range(31)
    ]
    assert statuses[30] == 429


def test_one_email_address_is_limited_from_any_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        ask_for_link(
            client, "jo@example.org", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_one_account_is_limited_from_any_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            reverse("judging:sign_in"),
            {"method": "password", "username": "Jo", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
        ).status_code
        for n in range(21)
    ]
    assert statuses[20] == 429


@pytest.mark.parametrize(
    "trusted, forwarded, expected",
    [
        (0, "198.51.100.1", "203.0.113.9"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
        (2, "198.51.100.1", "203.0.113.9"),  # fewer hops than proxies: not through them
        (1, "not-an-address", "203.0.113.9"),
        (1, "", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_visitors_address(settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_nominations_started_behind_the_proxy_are_counted_per_visitor(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    award = AwardFactory(programme=ProgrammeFactory())
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])
    for n in range(125):  # 120 an hour from one address
        response = client.post(
            url,
            {"email": f"n{n}@example.org"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.{n // 200}.{n % 200 + 1}",
        )
        assert response.status_code == 302, (n, response.status_code)
