"""Files uploaded with an entry, for the judges who may open it: access-checked, and in a blind
stage named by the entry's reference, never by the name they were uploaded with."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent
from judging.models import Stage
from nominations.models import Answer
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Grace's letter of support\n"


@pytest.fixture
def evidence(scored):
    """A letter of support uploaded with each entry (Grace Hopper's names her in its file name)."""
    section = scored.stage.award.sections.first()
    question = QuestionFactory(section=section, key="letter", type="file", prompt="A letter of support")
    for entry in scored.entries:
        name = f"{entry.nomination.nominee_name.replace(' ', '_')}_letter.pdf"
        answer = Answer(nomination=entry.nomination, question=question, value=name, file_name=name)
        answer.file.save(name, ContentFile(PDF), save=True)
    return question


def url(scored, entry, key="letter", nomination=None):
    nomination_id = nomination.pk if nomination else entry.nomination_id
    return reverse("judging:evidence", args=[scored.stage.pk, entry.pk, nomination_id, key])


def test_a_judge_reads_the_entrys_file_from_the_scoring_page(client, scored, evidence):
    entry = scored.entries[1]
    client.force_login(scored.people["bob"])
    page = client.get(reverse("judging:score", args=[scored.stage.pk, entry.pk])).content.decode()
    assert f'href="{url(scored, entry)}" download>Alan_Turing_letter.pdf' in page
    response = client.get(url(scored, entry))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert 'filename="Alan_Turing_letter.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(
        summary__contains="the file for “letter” downloaded", actor_id=scored.people["bob"].pk
    )


def test_in_a_blind_stage_the_file_goes_under_the_entrys_reference(client, scored, evidence):
    Stage.objects.filter(pk=scored.stage.pk).update(blind=True)
    entry = scored.entries[1]
    client.force_login(scored.people["bob"])
    page = client.get(reverse("judging:score", args=[scored.stage.pk, entry.pk])).content.decode()
    assert "Alan_Turing" not in page and "A PDF file" in page
    response = client.get(url(scored, entry))
    assert response.status_code == 200
    assert f'filename="{entry.reference}-letter.pdf"' in response["Content-Disposition"]
    assert "Alan" not in response["Content-Disposition"]
    # A file question that identifies the nominee is not shown at all in a blind stage.
    type(evidence).objects.filter(pk=evidence.pk).update(identifying=True)
    assert client.get(url(scored, entry)).status_code == 404


def test_only_who_may_open_the_entry_gets_its_file(client, scored, evidence):
    e, people = scored.entries, scored.people
    # alice is conflicted with Grace Hopper's entry; charlie judges another award; dana chairs another.
    for name, entry, expected in [
        ("alice", e[0], 404),
        ("alice", e[1], 200),
        ("charlie", e[1], 404),
        ("dana", e[1], 404),
        ("chidi", e[1], 200),
        ("root", e[0], 200),
    ]:
        client.force_login(people[name])
        assert client.get(url(scored, entry)).status_code == expected, (name, entry)
    client.force_login(people["bob"])
    # Another entry's nomination through this entry, a question that is not a file, one hidden from judges.
    assert client.get(url(scored, e[1], nomination=e[2].nomination)).status_code == 404
    assert client.get(url(scored, e[1], key="story")).status_code == 404
    type(evidence).objects.filter(pk=evidence.pk).update(visible_to_judges=False)
    assert client.get(url(scored, e[1])).status_code == 404
    client.logout()
    assert client.get(url(scored, e[1])).status_code == 302
