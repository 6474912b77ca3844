"""The scoring page: answers beside criteria, descriptors on the radios, blind stages, bad input refused."""

import pytest
from django.urls import reverse

from judging.models import Assignment, Conflict, Entry, PanelMember, Score, Scorecard, Stage
from nominations.models import Answer
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    declare_all,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring():
    award = AwardFactory()
    section = SectionFactory(award=award)
    story = QuestionFactory(section=section, key="story", prompt="What did they do?")
    partners = QuestionFactory(section=section, key="partners", prompt="Which partners?", identifying=True)
    phone = QuestionFactory(section=section, key="phone", prompt="Phone?", type="phone", visible_to_judges=False)
    CriterionFactory(
        award=award, key="impact", title="Impact", levels={"0": "None", "5": "Outstanding"}, question_keys=["story"]
    )
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    entries = []
    for name in ("Grace Hopper", "Alan Turing"):
        nomination = NominationFactory(
            award=award, status="submitted", nominee_name=name, nominee_organisation="Northfield"
        )
        Answer.objects.create(nomination=nomination, question=story, value=f"{name} listened to every patient.")
        Answer.objects.create(nomination=nomination, question=partners, value="The Northfield Community Trust")
        Answer.objects.create(nomination=nomination, question=phone, value="01632 960 001")
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        Assignment.objects.create(entry=entry, judge=judge)
        entries.append(entry)
    declare_all(stage, judge)
    return stage, judge, entries


def url(stage, entry):
    return reverse("judging:score", args=[stage.pk, entry.pk])


def test_the_page_shows_answers_and_descriptors_but_never_hidden_answers(client, scoring):
    stage, judge, entries = scoring
    client.force_login(judge)
    page = client.get(url(stage, entries[0])).content.decode()
    assert "Grace Hopper listened to every patient." in page
    assert "0: None" in page and "5: Outstanding" in page
    assert "3: between “None” and “Outstanding”" in page
    assert "01632 960 001" not in page


def test_a_blind_stage_shows_no_identifying_text(client, scoring):
    stage, judge, entries = scoring
    Stage.objects.filter(pk=stage.pk).update(blind=True)
    client.force_login(judge)
    page = client.get(url(stage, entries[0])).content.decode()
    assert entries[0].reference in page
    for secret in ("Grace Hopper</", "Northfield", "The Northfield Community Trust", "nominator@example.org"):
        assert secret not in page
    assert "listened to every patient" in page


def test_saving_and_submitting(client, scoring):
    stage, judge, entries = scoring
    client.force_login(judge)
    response = client.post(
        url(stage, entries[0]), {"version": "0", "score-impact": "4", "comment-impact": "Good", "next": "1"}
    )
    assert response.url == url(stage, entries[1])
    card = Scorecard.objects.get(entry=entries[0])
    assert (card.status, card.version, Score.objects.get().value) == ("draft", 1, 4)
    summary = client.post(url(stage, entries[0]), {"version": "1", "score-impact": "5", "submit": "1"})
    # Saved as a draft first, then a summary to confirm: nothing is submitted yet.
    card.refresh_from_db()
    assert (card.status, card.version) == ("draft", 2)
    page = summary.content.decode()
    assert "Check your scorecard" in page and "5: Outstanding" in page and "A submitted scorecard is locked" in page
    assert "You have not commented on: Impact" in page and "100.00 out of 100" in page
    # A confirmation from a page that is out of date (another tab changed the draft) shows it again.
    stale = client.post(url(stage, entries[0]), {"version": "1", "confirmed": "1"})
    assert stale.status_code == 400 and "These scores changed since you looked" in stale.content.decode()
    card.refresh_from_db()
    assert card.status == "draft"
    client.post(url(stage, entries[0]), {"version": "2", "confirmed": "1"})
    card.refresh_from_db()
    assert card.status == "submitted" and card.total == 100.0
    assert "You submitted this scorecard" in client.get(url(stage, entries[0])).content.decode()


@pytest.mark.parametrize(
    "posted,message",
    [
        (
            {"version": "0", "score-impact": "9", "submit": "1"},
            "Select a valid choice. 9 is not one of the available choices.",
        ),
        ({"version": "0", "score-impact": "", "submit": "1"}, "Choose a score for “Impact”"),
        (
            {"version": "7", "score-impact": "3", "save": "1"},
            "These scores were changed in another tab or device. Reload to see the latest.",
        ),
        ({"score-impact": "3", "save": "1"}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(client, scoring, posted, message):
    stage, judge, entries = scoring
    client.force_login(judge)
    response = client.post(url(stage, entries[0]), posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Score.objects.exists()


def test_a_conflicted_or_unassigned_entry_is_404_by_direct_url(client, scoring):
    stage, judge, entries = scoring
    client.force_login(judge)
    Conflict.objects.create(judge=judge, nomination=entries[0].nomination)
    assert client.get(url(stage, entries[0])).status_code == 404
    assert client.post(url(stage, entries[0]), {"version": "0", "score-impact": "3", "save": "1"}).status_code == 404
    Assignment.objects.filter(entry=entries[1]).delete()
    assert client.get(url(stage, entries[1])).status_code == 404
    assert not Scorecard.objects.exists()


def test_autosave_returns_the_new_version_and_refuses_stale_or_bad_saves(client, scoring):
    stage, judge, entries = scoring
    client.force_login(judge)
    autosave = reverse("judging:autosave", args=[stage.pk, entries[0].pk])
    first = client.post(autosave, {"version": "0", "score-impact": "2"})
    assert first.status_code == 200 and first.json()["version"] == 1
    assert client.post(autosave, {"version": "0", "score-impact": "3"}).status_code == 409
    assert client.post(autosave, {"version": "1", "score-impact": "77"}).status_code == 422
    assert Score.objects.get().value == 2
    Conflict.objects.create(judge=judge, nomination=entries[0].nomination)
    assert client.post(autosave, {"version": "1", "score-impact": "3"}).status_code == 404


def test_weights_are_written_as_people_say_them():
    from decimal import Decimal

    from judging.presentation import weight_words

    weights = [Decimal("1.0000"), Decimal("2.0000"), Decimal("1.5000"), Decimal("0"), Decimal("3")]
    assert [weight_words(w, weights) for w in weights] == [
        "Counts once",
        "Counts double",
        "Counts ×1.5",
        "Not counted in the total",
        "Counts three times",
    ]
    # Against the lightest that counts: 10, 20, 30 read as once, double, three times.
    assert [weight_words(w, [10, 20, 30]) for w in (10, 20, 30)] == [
        "Counts once",
        "Counts double",
        "Counts three times",
    ]


def test_judges_read_labels_for_judges_and_no_email_address(client, scoring):
    from nominations.models import Nomination

    stage, judge, entries = scoring
    Nomination.objects.filter(pk=entries[0].nomination_id).update(
        nominator_name="Ada Lovelace",
        nominator_relationship="Colleague",
        nominator_email="ada@example.org",
        nominee_email="grace@example.org",
    )
    client.force_login(judge)
    page = client.get(url(stage, entries[0])).content.decode()
    assert "Nominated by" in page and "Your name" not in page and "How you know the nominee" not in page
    assert "Ada Lovelace" in page and "How the nominator knows them" in page
    assert "ada@example.org" not in page and "grace@example.org" not in page


@pytest.mark.parametrize(
    "rule, value, comment, refused",
    [
        ("optional", "5", "", False),
        ("always", "3", "", True),
        ("always", "3", "Clear examples.", False),
        ("extremes", "3", "", False),
        ("extremes", "5", "", True),
        ("extremes", "0", "  ", True),
        ("extremes", "0", "No evidence of impact.", False),
    ],
)
def test_a_stage_may_require_comments_on_every_score_or_the_extremes(client, scoring, rule, value, comment, refused):
    stage, judge, entries = scoring
    Stage.objects.filter(pk=stage.pk).update(comments_required=rule)
    client.force_login(judge)
    page = client.get(url(stage, entries[0])).content.decode()
    assert ('id="comments-rule"' in page) == (rule != "optional")
    response = client.post(
        url(stage, entries[0]), {"version": "0", "score-impact": value, "comment-impact": comment, "submit": "1"}
    )
    body = response.content.decode()
    if refused:
        assert "Explain your score" in body and "Check your scorecard" not in body
        assert not Scorecard.objects.exists()  # refused before anything is written
    else:
        assert "Check your scorecard" in body
    # A draft never needs a comment.
    saved = client.post(
        url(stage, entries[0]), {"version": str(Scorecard.objects.count()), "score-impact": value, "save": "1"}
    )
    assert saved.status_code == 302


def test_submitting_returns_to_the_page_of_the_list_that_holds_the_entry(client, scoring, monkeypatch):
    from judging import views

    stage, judge, entries = scoring
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)  # two entries: one a page
    client.force_login(judge)
    client.post(url(stage, entries[1]), {"version": "0", "score-impact": "5", "submit": "1"})
    response = client.post(url(stage, entries[1]), {"version": "1", "confirmed": "1"})
    assert response.url == reverse("judging:queue", args=[stage.pk]) + "?page=2"
    response = client.post(url(stage, entries[0]), {"version": "0", "score-impact": "4", "next": "1"})
    assert response.url == url(stage, entries[1])


def test_not_applicable_is_told_apart_from_the_lowest_score(client, scoring):
    from awards.models import Criterion

    stage, judge, entries = scoring
    Criterion.objects.filter(key="impact").update(allow_na=True)
    client.force_login(judge)
    page = client.get(url(stage, entries[0])).content.decode()
    assert "Not applicable (left out of your total)" in page
    assert "A score of 0 counts in your total as the lowest score (“None”)" in page
