"""The one identity rule for an email address (plaudit.addresses): what is refused, what is the
same, and that on either database no address finds what another address started."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nominations.models import Nomination
from nominations.selectors import started_by
from plaudit import addresses
from tests.factories import NominationFactory, UserFactory, kindness_award

# Letters that look like, or fold onto, ASCII ones somewhere (PostgreSQL's upper(), Python's
# case-insensitive matching, NFKC): each must stay a different address, or be refused.
LOOK_ALIKES = "ſKıİﬁａеоаѕіјᴋßÅ"
letters = st.sampled_from("abcksAKS" + LOOK_ALIKES)
local_parts = st.text(letters, min_size=1, max_size=6)
domains = st.sampled_from(
    ["nhs.net", "NHS.net", "nhѕ.net", "example.org", "bücher.de", "xn--bcher-kva.de", "ｎｈｓ.net"]
)
typed_addresses = st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains) | st.text(max_size=30)


@given(typed=typed_addresses)
@settings(max_examples=300)
def test_the_one_form_is_ascii_lower_case_and_stable(typed):
    address = addresses.normalised_or_none(typed)
    if address is None:
        return
    assert address.isascii() and address == address.lower() and address == address.strip()
    assert addresses.normalise(address) == address  # the one form is its own
    local = typed.strip().rsplit("@", 1)[0]
    assert local.isascii(), "a letter outside ASCII before the @ is refused, never folded"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("  Ada.Lovelace@NHS.net ", "ada.lovelace@nhs.net"),
        ("ada@bücher.de", "ada@xn--bcher-kva.de"),
        ("ADA@XN--BCHER-KVA.DE", "ada@xn--bcher-kva.de"),
        ("ſam@nhs.net", None),  # a long s: PostgreSQL's upper() makes it S
        ("\u212aate@nhs.net", None),  # the Kelvin sign, which folds onto K
        ("ada@nhа.net", None),  # a Cyrillic а in a Latin label
        ("ada@nhs.net.", None),
        ('"ada"@nhs.net', None),
        ("ada@[10.0.0.1]", None),
    ],
)
def test_what_the_rule_takes_and_refuses(typed, expected):
    assert addresses.normalised_or_none(typed) == expected


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(started=st.lists(typed_addresses, min_size=1, max_size=6), asked=st.lists(typed_addresses, max_size=6))
@example(started=["sam@nhs.net", "kate@nhs.net"], asked=["ſam@nhs.net", "\u212aate@nhs.net"])  # PostgreSQL folds both
def test_no_two_addresses_find_the_same_nominations(started, asked):
    """Nominations started with any addresses (as the start form stores them); any address asked
    for, on this database: it finds exactly those started with its one form, so two different
    addresses never find the same nomination."""
    # Each example starts clean, whether the one before passed or failed.
    Nomination.objects.all().delete()
    get_user_model().objects.filter(username__startswith="account-").delete()
    award = kindness_award()
    stored, accounts = {}, {}
    for n, typed in enumerate(started):
        address = addresses.normalised_or_none(typed)
        if address is not None:
            stored[NominationFactory(award=award, reference=f"KA-{n:04d}", nominator_email=address).pk] = address
            # An account saved with the address as typed (an invitation, the admin): kept in its one form.
            accounts[UserFactory(username=f"account-{n}", email=typed).pk] = address
    found_by = {}
    for typed in asked + started:
        address = addresses.normalised_or_none(typed)
        found = set(started_by(typed).values_list("pk", flat=True))
        assert found == {pk for pk, a in stored.items() if address is not None and a == address}, typed
        users = set(addresses.accounts(typed).values_list("pk", flat=True))
        assert users == {pk for pk, a in accounts.items() if address is not None and a == address}, typed
        found_by.setdefault(address, set()).update(found)
    for one, two in [(a, b) for a in found_by for b in found_by if a != b]:
        assert not (found_by[one] & found_by[two]), (one, two)


@pytest.mark.django_db
def test_the_start_page_answers_the_same_whether_or_not_the_address_has_a_draft(
    client, django_capture_on_commit_callbacks
):
    """Anyone may type any address: the page must not say whether it has started nominations.
    Only the email, which goes to that address, says so and links to them."""
    award = kindness_award()
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])

    def start(email):
        client.cookies.clear()
        response = client.post(url, {"email": email}, follow=True)
        page = response.content.decode()
        page = re.sub(r"[A-Z]+\d*-\d{4}", "REF", page)  # each nomination's own reference
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        page = re.sub(r'nonce="[^"]+"', "", page)
        return response.redirect_chain[0][1], page.replace(email, "ADDRESS")

    first_time = start("fresh@example.org")
    start("ada@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = start("ADA@example.org ")
    assert again[0] == first_time[0] and again[1].replace("ADA@example.org", "ADDRESS").replace(
        "ada@example.org", "ADDRESS"
    ) == first_time[1].replace("fresh@example.org", "ADDRESS")
    (link,) = mail.outbox
    assert link.to == ["ada@example.org"]
    assert "You had already started 1 other nomination for Kindness Award" in link.body
    assert "/mine/" in link.body
    assert Nomination.objects.filter(nominator_email="ada@example.org").count() == 2


@pytest.mark.django_db
def test_changing_the_case_of_an_address_is_the_same_rate_limit(client, settings):
    settings.RATELIMIT_ENABLE = True
    find = reverse("nominations:find")
    statuses = [
        client.post(find, {"email": spelling}).status_code
        for spelling in ["ada@nhs.net", "Ada@nhs.net", "ADA@NHS.NET", "ada@NHS.net", "aDa@nhs.net", "ADA@nhs.NET"]
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


@pytest.mark.django_db
def test_stored_addresses_are_rewritten_in_their_one_form():
    """What the data migrations run on accounts, deliveries, nominations and referees."""
    user = UserFactory(username="old-account")
    User = type(user)
    User.objects.filter(pk=user.pk).update(email=" Old.Account@NHS.net ")  # as saved before the rule
    refused = UserFactory(username="look-alike")
    User.objects.filter(pk=refused.pk).update(email="ſam@NHS.net")
    addresses.rewrite_stored(User, "email")
    assert User.objects.get(pk=user.pk).email == "old.account@nhs.net"
    assert User.objects.get(pk=refused.pk).email == "ſam@nhs.net"  # refused: finds nothing valid
    assert list(addresses.accounts("OLD.account@nhs.net")) == [User.objects.get(pk=user.pk)]
    assert not addresses.accounts("sam@nhs.net").exists() and not addresses.accounts("ſam@nhs.net").exists()
