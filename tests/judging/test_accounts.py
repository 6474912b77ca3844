"""Judges sign in by a one-time emailed link or a password; repeated failures lock the account."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from judging.models import PanelMember, Stage
from tests.factories import AwardFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def judge():
    user = UserFactory(username="jo", email="jo@northfield.example", first_name="Jo")
    PanelMember.objects.create(
        stage=Stage.objects.create(award=AwardFactory(title="Kindness"), name="Shortlisting"), user=user
    )
    return user


def ask_for_link(client, email):
    return client.post(reverse("judging:sign_in"), {"method": "link", "link-email": email})


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/sign-in/link/\?sesame=\S+)", message.body).group(1)


def test_an_emailed_link_signs_in_once(client, judge):
    response = ask_for_link(client, "JO@northfield.example")
    assert "we have sent a sign-in link" in response.content.decode()
    path = link_in(mail.outbox[0])
    token = path.split("sesame=", 1)[1]
    # Opening the link keeps its token in the session and goes on to an address without it;
    # that page only shows a button: a mail scanner's visit signs nobody in.
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == reverse("judging:sign_in_link")
    page = client.get(opened["Location"]).content.decode()
    assert "Continue to your judging" in page and token not in page
    assert client.get(reverse("judging:home")).status_code == 302
    response = client.post(reverse("judging:sign_in_link"))
    assert response.status_code == 302 and response.url == reverse("judging:home")
    assert client.session.get_expire_at_browser_close()  # unless they asked to stay signed in
    page = client.get(reverse("judging:home")).content.decode()
    assert "Shortlisting" in page and "Kindness" in page

    again = Client().post(reverse("judging:sign_in_link"), {"sesame": token})
    assert again.status_code == 400
    assert "This sign-in link does not work" in again.content.decode()


def test_unknown_addresses_get_the_same_answer_and_no_email(client, judge):
    response = ask_for_link(client, "nobody@example.org")
    assert "we have sent a sign-in link" in response.content.decode()
    assert mail.outbox == []


def test_link_requests_are_rate_limited(client, judge, settings):
    settings.RATELIMIT_ENABLE = True
    for _ in range(5):
        ask_for_link(client, "jo@northfield.example")
    response = ask_for_link(client, "jo@northfield.example")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 5


def test_a_password_signs_in(client, judge):
    response = client.post(
        reverse("judging:sign_in"),
        {"method": "password", "username": "jo", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302 and response.url == reverse("judging:home")


def test_repeated_wrong_passwords_lock_the_account(client, judge, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(
            reverse("judging:sign_in"), {"method": "password", "username": "jo", "password": "wrong"}
        )
        assert "Enter a correct email address (or username) and password" in response.content.decode()
    response = client.post(reverse("judging:sign_in"), {"method": "password", "username": "jo", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(
        reverse("judging:sign_in"),
        {"method": "password", "username": "jo", "password": "correct horse battery staple"},
    )
    assert response.status_code == 429
    assert "Try again later" in response.content.decode()


def test_bad_input_is_named_next_to_the_field(client, judge):
    page = client.post(reverse("judging:sign_in"), {"method": "link", "link-email": "not an email"}).content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the correct format, like name@example.org" in page


def test_signing_out(client, judge):
    client.force_login(judge)
    client.post(reverse("judging:sign_out"))
    assert client.get(reverse("judging:home")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_office_invites_a_judge_who_then_signs_in_by_the_link(admin_client):
    stage = Stage.objects.create(award=AwardFactory(title="Kindness"), name="Shortlisting")
    group = stage.groups.create(name="Patient leaders", share="0.2")
    url = reverse("admin:judging_stage_invite", args=[stage.pk])

    assert admin_client.post(url, {"name": "", "email": "nope"}).status_code == 200
    response = admin_client.post(
        url, {"name": "Priya Patel", "email": "Priya@example.org", "role": "judge", "group": group.pk}
    )

    assert response.status_code == 302
    seat = PanelMember.objects.get(stage=stage)
    assert (seat.user.get_full_name(), seat.user.email, seat.group, seat.user.has_usable_password()) == (
        "Priya Patel",
        "priya@example.org",  # the address in its one form (plaudit.addresses)
        group,
        False,
    )
    invitation = mail.outbox[-1]
    assert invitation.to == ["priya@example.org"] and invitation.subject == "You are invited to judge"
    token = link_in(invitation).split("sesame=", 1)[1]
    judge_client = Client()
    assert judge_client.post(reverse("judging:sign_in_link"), {"sesame": token}).status_code == 302
    assert "Shortlisting" in judge_client.get(reverse("judging:home")).content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/judging/",
        "http://evil.example",
        "//evil.example/judging/",
        "/\\evil.example",
        "\\\\evil.example",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example".replace("/%2F", "%2F"),
        "https:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "http://testserver@evil.example/",
    ],
)
def test_signing_in_never_sends_a_judge_to_another_site(client, judge, target):
    from urllib.parse import quote

    url = reverse("judging:sign_in") + "?next=" + quote(target, safe="%")
    response = client.post(url, {"method": "password", "username": "jo", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == reverse("judging:home")


def test_signing_in_goes_on_to_the_page_asked_for_on_this_site(client, judge):
    url = reverse("judging:sign_in") + "?next=/judging/stages/1/"
    response = client.post(url, {"method": "password", "username": "jo", "password": "correct horse battery staple"})
    assert response["Location"] == "/judging/stages/1/"
