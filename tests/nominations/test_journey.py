"""The nominator's journey through the server: nothing lost, deadlines kept, only your own nomination."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nominations.models import Answer, Nomination, NominationLink, hash_token
from tests.factories import NOMINATION_IDENTITY, SMALLEST_PDF, QuestionFactory, kindness_award

# Real commits: emails are sent once the transaction that wrote the nomination commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def award():
    return kindness_award()


def start(client, award, email="ada@example.org"):
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])
    response = client.post(url, {"email": email})
    nomination = Nomination.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("nominations:edit", args=[nomination.reference])
    return nomination


def token_from_email(message) -> str:
    return re.search(r"/n/([^/\s]+)/", message.body).group(1)


def edit_url(nomination):
    return reverse("nominations:edit", args=[nomination.reference])


def test_starting_emails_a_link_and_stores_only_its_hash(client, award):
    nomination = start(client, award)
    token = token_from_email(mail.outbox[0])
    assert mail.outbox[0].to == ["ada@example.org"]
    assert NominationLink.objects.get().token_hash == hash_token(token)
    assert not NominationLink.objects.filter(token_hash=token).exists()
    assert re.fullmatch(r"KIN\d\d-0001", nomination.reference)
    assert nomination.status == "draft"


def test_references_count_up_per_award(client, award):
    year = f"{award.programme.nominations_open.year % 100:02d}"
    emails = ["a@example.org", "b@example.org", "c@example.org"]
    assert [start(client, award, email).reference for email in emails] == [f"KIN{year}-000{n}" for n in (1, 2, 3)]


def test_a_draft_keeps_every_word_even_over_the_limit(client, award):
    nomination = start(client, award)
    text = "one two three four five six seven"
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": text, "save": "1"})
    assert Answer.objects.get(question__key="story").draft == text
    page = client.get(edit_url(nomination)).content.decode()
    assert text in page


def test_continuing_with_problems_shows_them_and_keeps_the_text(client, award):
    nomination = start(client, award)
    text = "one two three four five six seven"
    response = client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": text, "continue": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Your answer to “What did they do?” must be 5 words or fewer. You wrote 7 words." in page
    assert text in page
    assert Answer.objects.get(question__key="story").draft == text


def test_submit_stores_shown_answers_only_and_sends_a_receipt_with_a_pdf(client, award):
    nomination = start(client, award)
    client.post(
        edit_url(nomination),
        {
            **NOMINATION_IDENTITY,
            "q-story": "She listened",
            "q-has-partners": "no",
            "q-partners": "left over",
            "save": "1",
        },
    )
    assert client.get(reverse("nominations:check", args=[nomination.reference])).status_code == 200
    response = client.post(reverse("nominations:submit", args=[nomination.reference]))
    assert response.status_code == 302

    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    assert nomination.nominee_name == "Grace Hopper"
    assert {a.question.key: a.value for a in nomination.answers.all()} == {
        "story": "She listened",
        "has-partners": "no",
    }
    receipt = next(m for m in mail.outbox if m.subject.startswith("Nomination received"))
    assert "She listened" in receipt.body
    assert receipt.attachments[0][1].startswith(b"%PDF-")
    consent = next(m for m in mail.outbox if m.subject.startswith("You have been nominated"))
    assert consent.to == ["grace@example.org"]
    assert nomination.consent_status == "pending"


def test_editing_a_submitted_nomination_changes_nothing_until_it_is_resubmitted(client, award):
    nomination = start(client, award)
    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "First version", "q-has-partners": "no", "save": "1"}
    )
    client.post(reverse("nominations:submit", args=[nomination.reference]))

    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Second version", "q-has-partners": "no", "save": "1"}
    )
    story = Answer.objects.get(question__key="story")
    assert (story.value, story.draft) == ("First version", "Second version")
    assert Nomination.objects.get().has_unsubmitted_changes

    client.post(reverse("nominations:submit", args=[nomination.reference]))
    story.refresh_from_db()
    assert (story.value, story.draft) == ("Second version", None)


def test_another_visitor_cannot_reach_the_nomination(client, award):
    nomination = start(client, award)
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Private words", "save": "1"})
    from django.test import Client

    stranger = Client()
    for name in ("edit", "check", "submitted", "withdraw", "receipt"):
        assert stranger.get(reverse(f"nominations:{name}", args=[nomination.reference])).status_code == 404
    assert stranger.post(reverse("nominations:submit", args=[nomination.reference])).status_code == 404
    assert stranger.post(reverse("nominations:autosave", args=[nomination.reference])).status_code == 404


def test_the_emailed_link_lets_the_nominator_back_in(client, award):
    nomination = start(client, award)
    from django.test import Client

    later = Client()
    token = token_from_email(mail.outbox[0])
    response = later.get(reverse("nominations:resume", args=[token]))
    assert response.status_code == 302
    assert later.get(edit_url(nomination)).status_code == 200
    assert later.get(reverse("nominations:resume", args=["not-a-real-token"])).status_code == 404


def test_the_link_stops_working_when_the_programme_closes(client, award):
    start(client, award)
    token = token_from_email(mail.outbox[0])
    award.programme.nominations_close = timezone.now() - dt.timedelta(minutes=1)
    award.programme.save()
    response = client.get(reverse("nominations:resume", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_after_the_deadline_a_draft_can_be_read_but_not_submitted(client, award):
    nomination = start(client, award)
    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Nearly done", "q-has-partners": "no", "save": "1"}
    )
    award.programme.nominations_close = timezone.now() - dt.timedelta(minutes=1)
    award.programme.save()

    page = client.get(edit_url(nomination)).content.decode()
    assert "This draft was not submitted, so it cannot be judged" in page
    assert "Nearly done" in page
    response = client.post(reverse("nominations:submit", args=[nomination.reference]))
    assert "Nominations closed on" in response.content.decode()
    assert Nomination.objects.get().status == "draft"
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Too late", "save": "1"})
    assert Answer.objects.get(question__key="story").draft == "Nearly done"
    assert (
        client.post(reverse("nominations:autosave", args=[nomination.reference]), {"q-story": "x"}).status_code == 409
    )


def test_an_extended_deadline_lets_one_nomination_submit_late(client, award):
    nomination = start(client, award)
    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Nearly done", "q-has-partners": "no", "save": "1"}
    )
    award.programme.nominations_close = timezone.now() - dt.timedelta(minutes=1)
    award.programme.save()
    Nomination.objects.filter(pk=nomination.pk).update(deadline_override=timezone.now() + dt.timedelta(days=1))

    client.post(reverse("nominations:submit", args=[nomination.reference]))

    assert Nomination.objects.get().status == "submitted"


def test_withdrawing_keeps_the_nomination_but_not_for_judging(client, award):
    nomination = start(client, award)
    response = client.post(reverse("nominations:withdraw", args=[nomination.reference]), {"confirm": "yes"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"
    assert not nomination.goes_to_judging
    assert "This nomination was withdrawn" in client.get(edit_url(nomination)).content.decode()


def test_autosave_answers_with_the_time_in_the_programme_zone(client, award):
    nomination = start(client, award)
    response = client.post(reverse("nominations:autosave", args=[nomination.reference]), {"q-story": "typing"})
    assert response.status_code == 200
    assert re.fullmatch(r"\d{1,2}:\d{2} [ap]\.m\.", response.json()["saved_at"])
    assert Answer.objects.get(question__key="story").draft == "typing"


# ---------------------------------------------------------------- consent


def submitted(client, award):
    nomination = start(client, award)
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Kind", "q-has-partners": "no", "save": "1"})
    client.post(reverse("nominations:submit", args=[nomination.reference]))
    message = next(m for m in mail.outbox if m.subject.startswith("You have been nominated"))
    return Nomination.objects.get(pk=nomination.pk), re.search(r"/consent/([^/\s]+)/", message.body).group(1)


def answer(client, token, data):
    """The nominee opens their link (exchanged for their session, then on to /consent/) and answers."""
    opened = client.get(reverse("nominations:consent", args=[token]))
    assert opened.status_code == 302 and opened["Location"] == reverse("nominations:consent_page")
    return client.post(reverse("nominations:consent_page"), data)


def test_a_nominee_agrees(client, award):
    nomination, token = submitted(client, award)
    answer(Client(), token, {"decision": "agree"})
    nomination.refresh_from_db()
    assert nomination.consent_status == "confirmed"
    assert nomination.goes_to_judging


def test_a_nominee_declines_and_has_their_details_removed(client, award):
    nomination, token = submitted(client, award)
    response = answer(Client(), token, {"decision": "decline", "remove_data": "on"})
    assert "Your name and details have been removed" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.consent_status == "declined"
    assert not nomination.goes_to_judging
    assert (nomination.nominee_name, nomination.nominee_email) == ("", "")


def test_consent_cannot_both_agree_and_remove(client, award):
    _, token = submitted(client, award)
    response = answer(Client(), token, {"decision": "agree", "remove_data": "on"})
    assert "You can only remove your details if you decline" in response.content.decode()


def test_the_consent_link_answers_once_and_then_shows_the_answer(client, award):
    nomination, token = submitted(client, award)
    nominee = Client()
    answer(nominee, token, {"decision": "decline"})
    # The page (opened again by the same link) shows the answer; posting again changes nothing.
    again = answer(nominee, token, {"decision": "agree"})
    assert "You declined to be considered" in again.content.decode()
    assert "contact the awards office" in again.content.decode()
    nomination.refresh_from_db()
    assert nomination.consent_status == "declined"
    assert token not in again.content.decode()


def test_a_nominators_resubmission_cannot_bring_back_removed_details(client, award):
    nomination, token = submitted(client, award)
    answer(Client(), token, {"decision": "decline", "remove_data": "on"})
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Kind", "q-has-partners": "no", "save": "1"})
    client.post(reverse("nominations:submit", args=[nomination.reference]))
    nomination.refresh_from_db()
    assert (nomination.nominee_name, nomination.nominee_email, nomination.consent_status) == ("", "", "declined")
    page = client.get(edit_url(nomination)).content.decode()
    assert "The nominee asked not to be considered" in page and 'name="nominee_name"' not in page


def test_a_consent_link_stops_working_when_the_programmes_judging_ends(client, award):
    from judging.models import Stage

    nomination, token = submitted(client, award)
    stage = Stage.objects.create(award=award, name="Final", closes_at=timezone.now() + dt.timedelta(days=30))
    assert Client().get(reverse("nominations:consent", args=[token])).status_code == 302
    Stage.objects.filter(pk=stage.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert Client().get(reverse("nominations:consent", args=[token])).status_code == 404


def test_the_office_resends_a_request_and_records_an_answer_given_by_phone(client, admin_client, award):
    from audit.models import AuditEvent

    nomination, token = submitted(client, award)
    changelist = reverse("admin:nominations_nomination_changelist")
    pending = admin_client.get(changelist + "?consent_status__exact=pending").content.decode()
    assert nomination.reference in pending
    mail.outbox.clear()
    admin_client.post(changelist, {"action": "resend_consent_request", "_selected_action": [nomination.pk]})
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    new_token = re.search(r"/consent/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert new_token != token
    assert Client().get(reverse("nominations:consent", args=[token])).status_code == 404  # the old link
    record = reverse("admin:nominations_nomination_consent", args=[nomination.pk])
    refused = admin_client.post(record, {"decision": "agree", "how": "phone"})
    assert "Say how and when the nominee told you" in refused.content.decode()
    admin_client.post(record, {"decision": "agree", "how": "phone", "note": "Rang the office on 3 December"})
    nomination.refresh_from_db()
    assert nomination.consent_status == "confirmed"
    event = AuditEvent.objects.filter(summary__contains="recorded by the awards office").get()
    assert event.data["note"] == "By phone: Rang the office on 3 December" and event.actor_label


def test_self_nominations_need_no_consent(client, award):
    award.self_nomination = True
    award.save()
    nomination = start(client, award)
    client.post(
        edit_url(nomination),
        {**NOMINATION_IDENTITY, "self_nomination": "yes", "q-story": "Me", "q-has-partners": "no", "save": "1"},
    )
    client.post(reverse("nominations:submit", args=[nomination.reference]))
    nomination.refresh_from_db()
    assert (nomination.status, nomination.consent_status) == ("submitted", "not_needed")


# ---------------------------------------------------------------- files


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_real_pdf_is_stored_privately_and_served_only_to_its_nominator(client, award, settings):
    nomination = start(client, award)
    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-evidence": upload("report.pdf", SMALLEST_PDF), "save": "1"}
    )
    answer = Answer.objects.get(question__key="evidence")
    assert answer.draft_file_name == "report.pdf"
    assert answer.draft_file.path.startswith(str(settings.MEDIA_ROOT))
    assert not answer.draft_file.path.startswith(str(settings.STATIC_ROOT))

    url = reverse("nominations:file", args=[nomination.reference, "evidence"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SMALLEST_PDF
    assert Client().get(url).status_code == 404


def test_a_file_that_only_pretends_to_be_a_pdf_is_refused(client, award):
    nomination = start(client, award)
    response = client.post(
        edit_url(nomination),
        {**NOMINATION_IDENTITY, "q-evidence": upload("report.pdf", b"MZ\x90\x00 not a pdf"), "save": "1"},
    )
    assert "The selected file is not a real PDF file" in response.content.decode()
    assert not Answer.objects.filter(question__key="evidence").exclude(draft_file="").exists()


def test_the_scanning_hook_can_refuse_a_file(client, award, settings):
    settings.PLAUDIT_UPLOAD_SCANNER = "tests.nominations.scanner.refuse_eicar"
    nomination = start(client, award)
    infected = SMALLEST_PDF + b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    response = client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-evidence": upload("report.pdf", infected), "save": "1"}
    )
    assert "The selected file contains a virus" in response.content.decode()
    assert not Answer.objects.filter(question__key="evidence").exclude(draft_file="").exists()


def test_only_submitted_nominations_with_consent_go_to_judging(award):
    from nominations.selectors import judgeable
    from tests.factories import NominationFactory

    expected = {
        NominationFactory(award=award, status="submitted", consent_status="confirmed").reference,
        NominationFactory(award=award, status="submitted", consent_status="not_needed").reference,
    }
    NominationFactory(award=award, status="submitted", consent_status="pending")
    NominationFactory(award=award, status="submitted", consent_status="declined")
    NominationFactory(award=award, status="withdrawn", consent_status="confirmed")
    NominationFactory(award=award, status="ineligible", consent_status="not_needed")
    NominationFactory(award=award, status="draft")
    assert set(judgeable().values_list("reference", flat=True)) == expected
    assert {n.reference for n in Nomination.objects.all() if n.goes_to_judging} == expected


def test_a_late_autosave_never_undoes_a_later_save_from_the_same_page(client, award):
    nomination = start(client, award)
    autosave = reverse("nominations:autosave", args=[nomination.reference])
    client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Final words", "_page": "p1", "_seq": "5", "save": "1"}
    )

    response = client.post(autosave, {**NOMINATION_IDENTITY, "q-story": "Older words", "_page": "p1", "_seq": "4"})

    assert response.json()["applied"] is False and response.json()["saved_at"]
    assert Answer.objects.get(question__key="story").draft == "Final words"
    # A save from another page (another tab, or a later visit) is applied.
    client.post(autosave, {**NOMINATION_IDENTITY, "q-story": "From another tab", "_page": "p2", "_seq": "1"})
    assert Answer.objects.get(question__key="story").draft == "From another tab"


def test_the_edit_page_does_not_grow_in_queries_with_the_answers(client, award):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nomination = start(client, award)
    client.post(edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "One", "save": "1"})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(edit_url(nomination)).status_code == 200
        return len(captured)

    few = queries()
    section = award.sections.get()
    for n in range(10):
        question = QuestionFactory(section=section, key=f"extra-{n}", required=False, position=10 + n)
        Answer.objects.create(nomination=nomination, question=question, draft=f"answer {n}")
    assert queries() == few


def test_autosave_writes_only_the_answers_that_changed(client, award):
    """The page sends the whole form every few seconds; an unchanged answer is not written again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nomination = start(client, award)
    autosave = reverse("nominations:autosave", args=[nomination.reference])
    form = {**NOMINATION_IDENTITY, "q-story": "Listened", "q-has-partners": "yes", "q-partners": "The chaplaincy"}
    client.post(autosave, form)

    def answer_writes(data):
        with CaptureQueriesContext(connection) as captured:
            assert client.post(autosave, data).json()["applied"] is True
        return [
            q["sql"] for q in captured if q["sql"].startswith(("INSERT", "UPDATE")) and "nominations_answer" in q["sql"]
        ]

    assert answer_writes(form) == []
    changed = answer_writes({**form, "q-partners": "The chaplaincy and the choir"})
    assert len(changed) == 1
    assert Answer.objects.get(question__key="partners").draft == "The chaplaincy and the choir"
    assert Answer.objects.get(question__key="story").draft == "Listened"


class Counting(FileUploadHandler):
    """A test's own upload handler, after Plaudit's: counts the bytes that reach storage."""

    stored = 0

    def receive_data_chunk(self, raw_data, start):
        Counting.stored += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def test_a_file_over_the_ceiling_is_cut_off_as_it_arrives_and_refused_by_name(client, award, settings):
    settings.PLAUDIT_UPLOAD_MAX_MB = 2
    handlers = list(settings.FILE_UPLOAD_HANDLERS)
    settings.FILE_UPLOAD_HANDLERS = [handlers[0], "tests.nominations.test_journey.Counting", *handlers[1:]]
    Counting.stored = 0
    nomination = start(client, award)
    huge = SMALLEST_PDF + b"x" * (30 * 1024 * 1024)
    response = client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-evidence": upload("report.pdf", huge), "save": "1"}
    )
    # The question allows 1 MB: the message names it; and no more than the 2 MB ceiling got past the handler.
    assert "The selected file must be smaller than 1.0\xa0MB" in response.content.decode()
    assert 0 < Counting.stored <= 2 * 1024 * 1024
    assert not Answer.objects.filter(question__key="evidence").exclude(draft_file="").exists()
    # The nominator's words are kept on the page.
    assert "Grace Hopper" in response.content.decode()


def test_the_saved_message_has_no_doubled_full_stop(client, award):
    nomination = start(client, award)
    page = client.post(
        edit_url(nomination), {**NOMINATION_IDENTITY, "q-story": "Kind", "save": "1"}, follow=True
    ).content.decode()
    assert re.search(r"Your nomination was saved at \d{1,2}:\d{2} [ap]\.m\.: use the link", page)
    assert not re.search(r"[ap]\.m\.\.", page)
