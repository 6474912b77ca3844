"""A nominator who lost their link finds their nominations by email: one email, a short-lived key
exchanged for the session, the same answer whether or not the address started any."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from nominations.models import Nomination
from plaudit.logs import redact
from tests.factories import NOMINATION_IDENTITY, kindness_award

# Real commits: emails go once the transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award():
    return kindness_award()


def start(client, award, email="ada@example.org", **extra):
    return client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": email, **extra})


def test_a_lost_link_is_found_by_email_and_the_key_leaves_the_address_bar(client, award):
    start(client, award)
    nomination = Nomination.objects.get()
    other = kindness_award()
    start(client, other, email="ADA@example.org")
    client.cookies.clear()  # a new browser: the links are lost
    mail.outbox.clear()

    find = reverse("nominations:find")
    page = client.post(find, {"email": "ada@example.org"}).content.decode()
    assert "If any nominations were started with ada@example.org, we have emailed that address" in page
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"] and message.subject == "Your nominations"
    assert nomination.reference in message.body and other.title in message.body
    url = re.search(r"https?://\S+/mine/\S+/", message.body).group(0)
    assert redact(url).endswith("/mine/[redacted]/")

    response = client.get(url[url.index("/mine/") :])
    assert response.status_code == 302 and response.url == reverse("nominations:mine")
    page = client.get(response.url).content.decode()
    assert nomination.reference in page and "Draft" in page
    # The session now reaches both nominations, and can carry on with them.
    assert client.get(reverse("nominations:edit", args=[nomination.reference])).status_code == 200


def test_the_answer_is_the_same_for_an_address_that_started_nothing(client, award):
    start(client, award)
    client.cookies.clear()
    mail.outbox.clear()
    find = reverse("nominations:find")
    known = client.post(find, {"email": "ada@example.org"}).content.decode()
    unknown = client.post(find, {"email": "nobody@example.org"}).content.decode()
    assert known.replace("ada@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]  # nothing sent to a stranger
    bad = client.post(find, {"email": "not an address"})
    assert bad.status_code == 200 and "Enter an email address in the correct format" in bad.content.decode()


def test_a_tampered_or_unknown_key_offers_to_find_them_again(client):
    response = client.get(reverse("nominations:mine_open", args=["not-a-key"]))
    assert response.status_code == 404 and reverse("nominations:find") in response.content.decode()
    assert client.get(reverse("nominations:mine")).url == reverse("nominations:find")
    assert reverse("nominations:find") in client.get(reverse("nominations:resume", args=["nope"])).content.decode()


def test_starting_again_with_the_same_address_tells_only_the_address(client, award):
    """A second start makes a second draft, answered as the first was (the page would tell anyone
    who typed the address); the emailed link, which only the address reads, says a draft exists
    and links to the list of them."""
    first = start(client, award)
    mail.outbox.clear()
    again = start(client, award)
    assert again.status_code == first.status_code == 302
    assert Nomination.objects.count() == 2
    (link,) = mail.outbox
    assert "You had already started 1 other nomination for Kindness Award" in link.body
    assert "/mine/" in link.body


def test_the_receipt_carries_a_way_back(client, award):
    start(client, award)
    nomination = Nomination.objects.get()
    edit = reverse("nominations:edit", args=[nomination.reference])
    client.post(edit, {**NOMINATION_IDENTITY, "q-story": "Kind", "q-has-partners": "no", "save": "1"})
    client.post(reverse("nominations:submit", args=[nomination.reference]))
    receipt = next(m for m in mail.outbox if m.subject.startswith("Nomination received"))
    token = re.search(r"/n/([^/\s]+)/", receipt.body).group(1)
    client.cookies.clear()
    assert client.get(reverse("nominations:resume", args=[token])).status_code == 302
    assert client.get(edit).status_code == 200
