"""The reading pack: every assigned entry in one PDF, never a conflicted one, nothing identifying when blind."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from judging.models import Scorecard
from tests.panels import NOMINEES


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pack_holds_the_judges_entries_and_not_the_conflicted_one(client, panel):
    client.force_login(panel.people["alice"])
    text = pdf_text(client.get(reverse("judging:reading_pack", args=[panel.stage.pk])))
    assert "Alan Turing listened to every patient." in text and "Ada Byron listened to every patient." in text
    assert "Grace Hopper" not in text and panel.entries[0].reference not in text
    assert "5 Outstanding" in text.replace(":", "")  # the descriptors are in it, to read beside the entries


def test_a_blind_pack_names_entries_by_reference_only(client, panel):
    panel.stage.blind = True
    panel.stage.save()
    client.force_login(panel.people["bob"])
    text = pdf_text(client.get(reverse("judging:reading_pack", args=[panel.stage.pk])))
    for entry, name in zip(panel.entries, NOMINEES, strict=True):
        assert entry.reference in text
        assert name not in text.replace(f"{name} listened", "")  # the story is not identifying; the name is
        assert f"{name.split()[0]}'s ward team" not in text  # an identifying answer
    assert "Northfield Hospital" not in text


@pytest.mark.parametrize("payload", ['<img src="file:///etc/passwd">', "<a href='https://evil.example/'>x</a>"])
def test_hostile_answers_are_text_in_the_pack(client, panel, payload):
    from nominations.models import Answer

    Answer.objects.filter(nomination=panel.entries[1].nomination, question__key="story").update(value=payload)
    client.force_login(panel.people["bob"])
    text = pdf_text(client.get(reverse("judging:reading_pack", args=[panel.stage.pk])))
    assert payload.split()[0] in text  # shown as the characters typed, not as markup


def test_others_scores_show_only_after_submitting_and_only_when_the_stage_allows(client, panel):
    from judging.models import Score

    entry, bob, alice = panel.entries[1], panel.people["bob"], panel.people["alice"]
    theirs = Scorecard.objects.create(entry=entry, judge=alice, status="submitted", overall_comment="A humane entry")
    Score.objects.create(scorecard=theirs, criterion=panel.criteria[0], value=4, comment="Strong story")
    mine = Scorecard.objects.create(entry=entry, judge=bob, status="submitted")
    client.force_login(bob)
    url = reverse("judging:score", args=[panel.stage.pk, entry.pk])
    assert "Strong story" not in client.get(url).content.decode()  # the stage says never
    panel.stage.others_scores = "after_own"
    panel.stage.save()
    page = client.get(url).content.decode()
    assert "Strong story" in page and "A humane entry" in page and "Alice" not in page
    mine.status = "draft"
    mine.save()
    assert "Strong story" not in client.get(url).content.decode()
