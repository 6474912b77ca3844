"""Hostile text in every field anyone can write, looked for on every page, export, PDF and email.

Each field gets its own payload: Django template syntax (`{{ 4000|add:N }}`, `{% now %}`), HTML,
a Markdown link to `javascript:`, and control characters (a bell, a right-to-left override).
Then every surface where that text is shown is rendered as the person who would see it, and:

- nothing ran: no payload's sum (4000 + N) appears after its label, and every field shown is
  there literally;
- no markup got through: no `<b data-hostile>` tag in a page, no `javascript:` link;
- nothing failed: no server error, whatever the characters (XLSX cannot hold control
  characters: they are written as their visible symbols, never refused with an error).
"""

import csv
import io
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from awards.models import Award, Criterion, Programme, Question, Section
from judging.models import Conflict, Decision, Entry, JudgeGroup, OutcomeTemplate, Score, Scorecard, Stage
from nominations.domain import link_create
from nominations.models import Answer, Nomination
from results import decisions
from tests.factories import NominationFactory, UserFactory, declare_all

pytestmark = pytest.mark.django_db

PAYLOADS: dict[str, str] = {}


# What people type about people (names, roles, notes) also carries a web address: an email's
# HTML part must show it as words, never as a link (their fields are long enough to hold it).
TYPED_ADDRESS = "https://evil.example/claim"
PEOPLES_TEXT = ("nominee-", "nominator-", "job-", "relationship-", "referee-name", "referee-role", "referee-note")


def hostile(label: str) -> str:
    """A payload of its own for one field, remembered under its label."""
    n = len(PAYLOADS) + 1
    # Short enough for the narrowest field it goes in (a stage's name: 100 characters).
    PAYLOADS[label] = (
        f"{label} {{{{ 4000|add:{n} }}}} {{% now 'Y' %}} <b data-hostile>!</b> [go](javascript:alert({n})) \x07\u202e!"
    )
    if label.startswith(PEOPLES_TEXT):
        PAYLOADS[label] += f" {TYPED_ADDRESS}"
    return PAYLOADS[label]


def fragment(label: str) -> str:
    """The part of a payload that survives every rendering, Markdown included: its template code."""
    return re.search(r"\{\{ 4000\|add:\d+ \}\}", PAYLOADS[label]).group(0)


def ran(text: str) -> str | None:
    """The label of a payload whose template code ran in `text`, if any: its sum printed straight
    after its label. Not the sum alone: a page's random tokens (CSRF, nonces) and ids or references
    hold such digits by chance (CI once failed on a CSRF token holding 4025)."""
    for n, label in enumerate(PAYLOADS, start=1):
        if re.search(rf"{re.escape(label)}(?:\s|&nbsp;|&#160;)+{4000 + n}(?!\d)", text):
            return label
    return None


@dataclass
class World:
    stage: Stage
    entries: list
    people: dict
    nomination: Nomination
    token: str


@pytest.fixture
def world(scored, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PAYLOADS.clear()
    stage, entries, people = scored.stage, scored.entries, scored.people
    award = stage.award
    now = timezone.now()
    Programme.objects.filter(pk=award.programme_id).update(
        name=hostile("programme-name"),
        organiser=hostile("organiser"),
        nominations_open=now - timezone.timedelta(days=10),
        nominations_close=now + timezone.timedelta(days=10),
    )
    Award.objects.filter(pk=award.pk).update(
        title=hostile("award-title"), summary=hostile("award-summary"), description=hostile("award-description")
    )
    Section.objects.filter(award=award).update(title=hostile("section-title"), intro=hostile("section-intro"))
    Question.objects.filter(award=award, key="story").update(prompt=hostile("prompt"), guidance=hostile("guidance"))
    Criterion.objects.filter(award=award, key="impact").update(
        title=hostile("criterion-title"),
        description=hostile("criterion-description"),
        levels={"0": hostile("level-0"), "5": hostile("level-5")},
    )
    Stage.objects.filter(pk=stage.pk).update(name=hostile("stage-name"), others_scores="after_own")
    JudgeGroup.objects.filter(stage=stage).update(name=hostile("group-name"))
    for person in ("bob", "alice", "chidi"):
        user = people[person]
        user.first_name = hostile(f"{person}-name")
        user.save()
    for index, entry in enumerate(entries):
        identity = {
            "nominee_kind": "individual",
            "nominee_name": hostile(f"nominee-{index}"),
            "nominee_job_title": hostile(f"job-{index}"),
            "nominee_organisation": hostile(f"organisation-{index}"),
            "nominator_name": hostile(f"nominator-{index}"),
            "nominator_organisation": hostile(f"nominator-organisation-{index}"),
            "nominator_relationship": hostile(f"relationship-{index}"),
            "nominee_email": f"nominee{index}@example.org",
        }
        # As submitted, and as the nominator's working copy (what their pages show).
        Nomination.objects.filter(pk=entry.nomination_id).update(**identity, identity_draft=identity, submitted_at=now)
        Answer.objects.filter(nomination=entry.nomination, question__key="story").update(
            value=hostile(f"answer-{index}")
        )
        Answer.objects.filter(nomination=entry.nomination, question__key="team").update(value=hostile(f"team-{index}"))
    Score.objects.filter(scorecard__judge=people["bob"]).update(comment=hostile("score-comment"))
    Scorecard.objects.filter(judge=people["alice"]).update(overall_comment=hostile("overall-comment"))
    Conflict.objects.filter(judge=people["alice"]).update(reason=hostile("conflict-reason"))
    chair = people["chidi"]
    decisions.decisions_record(
        stage=stage, entries=entries[1:2], outcome="shortlisted", reason=hostile("decision-reason"), by=chair, now=now
    )
    decisions.decisions_apply(stage=stage, entries=entries[1:2], by=chair, now=now)
    OutcomeTemplate.objects.update_or_create(
        stage=stage,
        outcome="shortlisted",
        defaults={
            "subject": hostile("email-subject") + " {nominee}",
            "body": hostile("email-body") + " {nominee} {feedback}",
            "include_feedback": True,
        },
    )
    Score.objects.filter(scorecard__judge=people["bob"]).update(feedback_approved=True)
    # A nomination ruled out after it was brought in, with the office's reason.
    ruled_out = NominationFactory(award=award, status="ineligible", ineligible_reason=hostile("ineligible-reason"))
    Entry.objects.create(stage=stage, nomination=ruled_out)
    for entry in entries:
        entry.refresh_from_db()
    nomination = Nomination.objects.get(pk=entries[1].nomination_id)
    return World(stage, entries, people, nomination, link_create(nomination=nomination))


def check_html(text: str, *labels: str, where: str):
    assert ran(text) is None, f"{where}: template code ran ({ran(text)})"
    assert "<b data-hostile>" not in text, f"{where}: markup got through"
    assert not re.search(r"href=[\"']?\s*javascript:", text, re.I), f"{where}: a javascript: link"
    for label in labels:
        assert fragment(label) in text, f"{where}: {label} is not shown as typed"


def check_text(text: str, *labels: str, where: str):
    """Plain text (emails, CSV, PDF text): every field literal, nothing run."""
    assert ran(text) is None, f"{where}: template code ran ({ran(text)})"
    for label in labels:
        assert fragment(label) in text, f"{where}: {label} is not shown as typed"


def check_email(email, *labels: str, where: str):
    """An email, both parts: the text as typed, nothing run; the HTML part the same words with no
    markup, no image, and no link but those Plaudit made (on this site)."""
    from django.conf import settings

    check_text(email.subject + "\n" + email.body, *labels, where=where)
    ((html, kind),) = email.alternatives
    assert kind == "text/html", where
    check_html(html, *labels, where=f"{where} (HTML)")
    assert "<img" not in html, f"{where} (HTML): an image"
    for href in re.findall(r"href=\"([^\"]*)\"", html):
        assert href.startswith(settings.SITE_URL + "/"), f"{where} (HTML): a link to {href}"
    assert f'href="{TYPED_ADDRESS}' not in html, f"{where} (HTML): typed text made a link"


def test_the_checks_see_template_code_that_ran_and_nothing_else():
    """The checks can fail: a payload rendered as a template is caught, in HTML and in text (a
    PDF's text may break the line after the label); digits of a sum inside a token or an id are not."""
    from django.template import Context, Template
    from django.utils.html import escape

    PAYLOADS.clear()
    hostile("first")
    typed = hostile("second")
    rendered = Template(typed).render(Context())
    for check in (check_html, check_text):
        with pytest.raises(AssertionError, match=r"template code ran \(second\)"):
            check(f"<p>{rendered}</p>", where="rendered")
    with pytest.raises(AssertionError, match="template code ran"):
        check_text(rendered.replace(" ", "\n", 1), where="wrapped")
    check_html(f'<input value="aJpi4002yv"><a href="/e/4002/">TST-4001</a> {escape(typed)}', "second", where="typed")


def get(client, url, where):
    response = client.get(url)
    assert response.status_code == 200, f"{where}: {response.status_code}"
    return response


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_public_pages_show_the_offices_text_as_text(client, world):
    programme, award = world.stage.award.programme, world.stage.award
    check_html(get(client, "/", "home").content.decode(), "programme-name", where="home")
    page = get(client, reverse("awards:programme", args=[programme.slug]), "programme").content.decode()
    check_html(page, "programme-name", "award-title", "award-summary", where="programme page")
    page = get(client, reverse("awards:award", args=[programme.slug, award.slug]), "award").content.decode()
    check_html(
        page,
        "award-title",
        "award-description",
        "section-title",
        "section-intro",
        "prompt",
        "guidance",
        where="award page",
    )
    page = get(client, reverse("nominations:start", args=[programme.slug, award.slug]), "start").content.decode()
    check_html(page, "award-title", where="start page")


def test_the_nominators_pages_pdf_and_emails_show_what_they_wrote_as_text(client, world):
    client.get(reverse("nominations:resume", args=[world.token]))
    reference = world.nomination.reference
    labels = ("nominee-1", "job-1", "organisation-1", "nominator-1", "relationship-1", "answer-1")
    page = get(client, reverse("nominations:edit", args=[reference]), "edit").content.decode()
    check_html(page, "section-title", "section-intro", "prompt", "guidance", *labels, where="nomination form")
    page = get(client, reverse("nominations:check", args=[reference]), "check").content.decode()
    check_html(page, *labels, where="check your answers")
    # The same award as a form in steps: its task list names the sections, each step asks one.
    Award.objects.filter(pk=world.nomination.award_id).update(stepped=True)
    page = get(client, reverse("nominations:edit", args=[reference]), "task list").content.decode()
    check_html(page, "section-title", where="task list")
    page = get(client, reverse("nominations:step", args=[reference, 1]), "step 1").content.decode()
    check_html(page, "nominee-1", "nominator-1", "relationship-1", where="step 1")
    page = get(client, reverse("nominations:step", args=[reference, 2]), "step 2").content.decode()
    check_html(page, "section-title", "section-intro", "prompt", "guidance", "answer-1", where="step 2")
    Award.objects.filter(pk=world.nomination.award_id).update(stepped=False)
    check_html(
        get(client, reverse("nominations:submitted", args=[reference]), "submitted").content.decode(),
        where="submitted",
    )
    receipt = get(client, reverse("nominations:receipt", args=[reference]), "receipt").content
    check_text(pdf_text(receipt), "award-title", "nominee-1", "answer-1", where="receipt PDF")
    from nominations.tasks import send_receipt

    send_receipt.call(world.nomination.pk)
    check_email(mail.outbox[-1], "award-title", "nominee-1", "answer-1", where="receipt email")
    # "Your nominations", opened with the key emailed to the nominator's address.
    from nominations.links import mine_token

    client.get(reverse("nominations:mine_open", args=[mine_token(world.nomination.nominator_email)]))
    page = get(client, reverse("nominations:mine"), "my nominations").content.decode()
    check_html(page, "award-title", "nominee-1", where="my nominations")


def test_the_judges_pages_and_pack_show_entries_as_text(client, world):
    stage, bob = world.stage, world.people["bob"]
    client.force_login(bob)
    check_html(
        get(client, reverse("judging:home"), "panels").content.decode(), "award-title", "stage-name", where="panels"
    )
    queue = get(client, reverse("judging:queue", args=[stage.pk]), "queue").content.decode()
    check_html(queue, "stage-name", "nominee-0", "nominee-1", where="queue")
    # bob's scorecard for the third entry is still a draft: its page has the criteria and the form.
    Scorecard.objects.filter(judge=bob, entry=world.entries[2]).update(status="draft")
    page = get(client, reverse("judging:score", args=[stage.pk, world.entries[2].pk]), "score").content.decode()
    check_html(
        page,
        "criterion-title",
        "criterion-description",
        "level-0",
        "level-5",
        "prompt",
        "answer-2",
        "nominee-2",
        "nominator-2",
        "score-comment",
        where="scoring page",
    )
    # Submitted: bob's own scores, and (the stage allows it) the others' comments.
    page = get(client, reverse("judging:score", args=[stage.pk, world.entries[1].pk]), "score").content.decode()
    check_html(page, "criterion-title", "answer-1", "score-comment", "overall-comment", where="submitted scorecard")
    conflict = get(
        client, reverse("judging:conflict", args=[stage.pk, world.entries[1].pk]), "conflict"
    ).content.decode()
    check_html(conflict, "nominee-1", "stage-name", where="conflict page")
    pack = get(client, reverse("judging:reading_pack", args=[stage.pk]), "reading pack").content
    check_text(pdf_text(pack), "nominee-0", "answer-0", "criterion-title", where="reading pack")
    # A judge new to the stage declares against nominees named as typed.
    dave = UserFactory(username="dave")
    stage.members.create(user=dave)
    client.force_login(dave)
    declare = get(client, reverse("judging:declare", args=[stage.pk]), "declare").content.decode()
    check_html(declare, "nominee-0", "organisation-0", "nominee-2", where="declaration")
    declare_all(stage, dave)


def test_the_chairs_pages_exports_pack_and_emails_show_everything_as_text(
    client, world, django_capture_on_commit_callbacks
):
    stage, chidi = world.stage, world.people["chidi"]
    client.force_login(chidi)
    page = get(client, reverse("judging:progress", args=[stage.pk]), "progress").content.decode()
    check_html(page, "bob-name", "group-name", "stage-name", where="progress")
    # The entry that left judging, by reference, with the office's reason.
    ruled_out = Nomination.objects.get(status="ineligible")
    assert ruled_out.reference in page
    check_html(page, "ineligible-reason", where="progress")
    page = get(client, reverse("judging:assignments", args=[stage.pk]), "assignments").content.decode()
    check_html(page, "bob-name", "nominee-1", where="assignments")
    text = get(client, reverse("judging:assignments_download", args=[stage.pk]), "assignments csv").content.decode()
    check_text(text, "bob-name", where="assignments CSV")
    page = get(client, reverse("judging:ranking", args=[stage.pk]), "ranking").content.decode()
    check_html(page, "nominee-1", "bob-name", "stage-name", where="ranking")
    page = get(client, reverse("judging:explain", args=[stage.pk, world.entries[1].pk]), "explain").content.decode()
    check_html(page, "criterion-title", "score-comment", "overall-comment", "bob-name", "nominee-1", where="explain")
    for what in ("ranking", "scores"):
        csv_text = get(client, reverse("judging:export", args=[stage.pk, what, "csv"]), what).content.decode(
            "utf-8-sig"
        )
        labels = ("nominee-1",) if what == "ranking" else ("score-comment", "criterion-title", "bob-name", "group-name")
        check_text(csv_text, *labels, where=f"{what} CSV")
        assert all(not cell.startswith(("=", "+", "@")) for row in csv.reader(io.StringIO(csv_text)) for cell in row)
        xlsx = get(client, reverse("judging:export", args=[stage.pk, what, "xlsx"]), what).content
        check_text(xlsx_text(xlsx), *labels, where=f"{what} XLSX")
    # The scores too large to make in a request: offered, made in the background, downloaded.
    from results import exports

    inline_cells, exports.INLINE_CELLS = exports.INLINE_CELLS, 0
    try:
        export_url = reverse("judging:export", args=[stage.pk, "scores", "xlsx"])
        check_html(get(client, export_url, "large export").content.decode(), "stage-name", where="large export")
        made = client.post(export_url)
        check_html(get(client, made["Location"], "export progress").content.decode(), "stage-name", where="progress")
        xlsx = client.get(made["Location"] + "download/")
        check_text(xlsx_text(b"".join(xlsx.streaming_content)), "score-comment", "bob-name", where="made XLSX")
    finally:
        exports.INLINE_CELLS = inline_cells
    page = get(
        client, reverse("judging:outcomes", args=[stage.pk]) + "?outcome=shortlisted", "outcomes"
    ).content.decode()
    check_html(page, "email-subject", "email-body", "nominee-1", where="outcome preview")
    page = get(
        client, reverse("judging:outcomes_send", args=[stage.pk]) + "?outcome=shortlisted", "outcomes send"
    ).content.decode()
    check_html(page, "email-subject", "email-body", where="outcome confirmation")
    # A pending decision's reasons on the page that confirms applying them all.
    pending = world.entries[2:3]
    decisions.decisions_record(
        stage=stage,
        entries=pending,
        outcome="shortlisted",
        reason=hostile("pending-reason"),
        by=world.people["chidi"],
        now=timezone.now(),
    )
    page = get(client, reverse("judging:apply_pending", args=[stage.pk]), "apply pending").content.decode()
    check_html(page, "pending-reason", where="apply pending")
    decisions.decisions_clear(entries=pending, by=world.people["chidi"], now=timezone.now())
    response = client.post(reverse("judging:shortlist_request", args=[stage.pk]))
    pack = client.get(response["Location"] + "download/")
    assert pack.status_code == 200
    check_text(
        pdf_text(b"".join(pack.streaming_content)),
        "nominee-1",
        "answer-1",
        "score-comment",
        "decision-reason",
        "criterion-title",
        where="shortlist PDF",
    )
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(
            stage=stage, outcome="shortlisted", entries=stage.entries.all(), by=chidi, now=timezone.now()
        )
    email = mail.outbox[-1]
    check_email(
        email,
        "email-subject",
        "email-body",
        "nominee-1",
        "score-comment",
        where="outcome email",
    )
    assert "\n" not in email.subject


def test_the_offices_pages_and_exports_show_everything_as_text(admin_client, world):
    stage, award = world.stage, world.stage.award
    page = get(
        admin_client, reverse("judging:feedback", args=[stage.pk, world.entries[1].pk]), "feedback"
    ).content.decode()
    check_html(page, "score-comment", "overall-comment", where="feedback")
    page = get(
        admin_client, reverse("judging:moderation", args=[stage.pk]) + "?show=all", "moderation"
    ).content.decode()
    check_html(page, "score-comment", "overall-comment", where="moderation")
    page = get(
        admin_client, f"/admin/nominations/nomination/?award__id__exact={award.pk}", "admin list"
    ).content.decode()
    check_html(page, "nominee-1", where="admin nominations")
    page = get(
        admin_client, f"/admin/nominations/nomination/{world.nomination.pk}/change/", "admin change"
    ).content.decode()
    check_html(page, "nominee-1", "answer-1", where="admin nomination")
    for fmt in ("csv", "xlsx"):
        content = get(admin_client, f"/admin/nominations/nomination/export/?award={award.pk}&format={fmt}", fmt).content
        text = content.decode("utf-8-sig") if fmt == "csv" else xlsx_text(content)
        check_text(text, "nominee-1", "answer-1", "relationship-1", where=f"nominations {fmt}")
    conflict = Conflict.objects.filter(judge=world.people["alice"]).first()
    page = get(admin_client, f"/admin/judging/conflict/{conflict.pk}/change/", "conflict").content.decode()
    check_html(page, "conflict-reason", where="admin conflict")
    page = get(admin_client, "/admin/audit/auditevent/", "audit").content.decode()
    check_html(page, where="audit log")


def test_the_overview_shows_names_and_answers_as_text(admin_client, world):
    """The office's overview quotes titles, a reportable question and the answers nominators gave."""
    award = world.stage.award
    region = Question.objects.create(
        award=award,
        section=award.sections.first(),
        key="region",
        type="choice",
        prompt=hostile("region-prompt"),
        choices=[hostile("region-choice")],
        reportable=True,
        position=50,
    )
    Answer.objects.create(nomination=world.nomination, question=region, value=PAYLOADS["region-choice"])
    page = get(admin_client, reverse("judging:overview", args=[award.programme.slug]), "overview").content.decode()
    check_html(page, "programme-name", "award-title", "stage-name", "region-prompt", "region-choice", where="overview")


def test_the_publish_and_copy_pages_show_names_as_text(admin_client, world):
    """The pre-flight check quotes the office's own words (titles of awards, sections, criteria, stages)."""
    stage, award = world.stage, world.stage.award
    Award.objects.filter(pk=award.pk).update(status="draft")
    Criterion.objects.filter(award=award).update(levels={})
    Section.objects.create(award=award, title=hostile("empty-section"), position=99)
    Stage.objects.filter(pk=stage.pk).update(opens_at=timezone.now())  # before nominations close: a warning names it
    programme = award.programme
    page = get(admin_client, reverse("admin:awards_programme_publish", args=[programme.pk]), "publish").content.decode()
    check_html(page, "programme-name", "award-title", "empty-section", "criterion-title", "stage-name", where="publish")
    page = get(
        admin_client, reverse("admin:awards_programme_change", args=[programme.pk]), "programme"
    ).content.decode()
    check_html(page, "programme-name", where="programme change")
    page = get(admin_client, reverse("admin:awards_programme_copy", args=[programme.pk]), "copy").content.decode()
    check_html(page, "programme-name", where="copy")
    page = get(admin_client, reverse("admin:awards_award_build", args=[award.pk]), "builder").content.decode()
    check_html(page, "programme-name", "award-title", "section-title", "prompt", "criterion-title", where="builder")
    question = award.questions.get(key="story")
    page = get(
        admin_client, reverse("admin:awards_award_question", args=[award.pk, question.pk]), "question"
    ).content.decode()
    check_html(page, "prompt", "guidance", where="builder question")
    criterion = award.criteria.get(key="impact")
    page = get(
        admin_client, reverse("admin:awards_award_criterion", args=[award.pk, criterion.pk]), "criterion"
    ).content.decode()
    check_html(page, "criterion-title", "criterion-description", "prompt", where="builder criterion")


def test_emails_to_judges_and_nominees_carry_text_as_text(world):
    from judging.tasks import send_reminder

    Scorecard.objects.filter(judge=world.people["alice"], entry=world.entries[2]).update(status="draft")  # work left
    send_reminder.call(world.stage.pk, world.people["alice"].pk)
    reminder = mail.outbox[-1]
    check_email(reminder, "award-title", "stage-name", "alice-name", where="reminder email")
    from nominations.domain import _after_submit

    Nomination.objects.filter(pk=world.nomination.pk).update(consent_status="pending")
    _after_submit(world.nomination.pk, "a-consent-token")
    consent = [m for m in mail.outbox if "nominated" in m.subject][-1]
    check_email(consent, "award-title", "nominee-1", "nominator-1", where="consent email")


def test_no_page_fails_whatever_the_text(world):
    """Every judging and chair page as its people: a server error on none of them."""
    client = Client()
    stage, entry = world.stage, world.entries[1]
    for person, names in {
        "bob": ["home", "queue", "reading_pack", "declare"],
        "chidi": ["progress", "assignments", "assignments_upload", "ranking", "outcomes"],
        "root": ["progress", "assignments", "ranking", "outcomes"],
    }.items():
        client.force_login(world.people[person])
        for name in names:
            args = [] if name == "home" else [stage.pk]
            assert client.get(reverse(f"judging:{name}", args=args)).status_code < 500, (person, name)
    assert Decision.objects.filter(entry=entry).exists()


def test_scheduled_reminders_carry_text_as_text(world):
    """A draft's deadline reminder and a judge's scheduled reminder quote the office's titles."""
    from plaudit import schedule

    award = world.stage.award
    draft = NominationFactory(award=award, reference="KC-0950", nominator_email="ada@example.org")
    Nomination.objects.filter(pk=draft.pk).update(last_saved_at=timezone.now() - timezone.timedelta(days=3))
    Stage.objects.filter(pk=world.stage.pk).update(
        opens_at=timezone.now() - timezone.timedelta(days=1), closes_at=timezone.now() + timezone.timedelta(days=12)
    )
    Programme.objects.filter(pk=award.programme_id).update(status="published")
    award = Award.objects.select_related("programme").get(pk=award.pk)  # its dates as the world set them
    mail.outbox.clear()

    schedule.run_once(award.closes_at - timezone.timedelta(hours=12))

    reminder = next(m for m in mail.outbox if "not submitted yet" in m.subject)
    check_email(reminder, "award-title", "programme-name", "organiser", where="draft reminder")
    assert "\n" not in reminder.subject


def test_messages_from_the_office_carry_text_as_text(admin_client, world, django_capture_on_commit_callbacks):
    """The office's subject and body, and the people's names filled into them, on the compose,
    preview, list and log pages and in every copy sent: as written, nothing run, no markup."""
    from results.models import OfficeMessage

    programme = world.stage.award.programme
    subject, body = hostile("message-subject"), hostile("message-body") + " {name} {award} {nominee}"
    new = reverse("judging:message_new", args=[programme.slug])
    audience = f"submitted:{world.stage.award.pk}"
    # The subject must be one line: the payload's control characters are refused beside the field.
    page = admin_client.post(new, {"audience": audience, "subject": subject, "body": body}).content.decode()
    assert "The subject must be on one line" in page
    check_html(page, "message-body", where="message form")
    subject = subject.replace("\x07", "").replace("\u202e", "")
    PAYLOADS["message-subject"] = subject
    response = admin_client.post(new, {"audience": audience, "subject": subject, "body": body})
    assert response.status_code == 302, response.content.decode()[:3000]
    message = OfficeMessage.objects.get()
    preview = get(admin_client, response.url, "message preview").content.decode()
    check_html(preview, "message-subject", "message-body", "award-title", where="message preview")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response.url, {"expected": preview.split('name="expected" value="')[1].split('"')[0]})
    check_html(
        get(admin_client, response.url, "message log").content.decode(),
        "message-subject",
        "message-body",
        where="message log",
    )
    listing = get(admin_client, reverse("judging:messages", args=[programme.slug]), "messages").content.decode()
    check_html(listing, "message-subject", "award-title", where="messages list")
    sent = [m for m in mail.outbox if m.to and message.status is not None]
    assert sent
    for email in sent:
        check_email(
            email,
            "message-subject",
            "message-body",
            "award-title",
            where="message email",
        )
        assert "\n" not in email.subject


def test_supporting_statements_carry_text_as_text(client, world):
    """The referee's details and the nominator's note (typed by the nominator), the statement
    (typed by the referee): on the referee's pages, in their emails, on the nominator's pages and
    on the judge's scoring page and reading pack."""
    from nominations import endorsements
    from nominations.models import Endorsement, new_token

    entry = world.entries[2]
    nomination = entry.nomination
    question = Question.objects.create(
        award=world.stage.award,
        section=Section.objects.filter(award=world.stage.award).first(),
        key="referee",
        type="endorsement",
        prompt=hostile("referee-prompt"),
        guidance=hostile("referee-guidance"),
        position=9,
    )
    Nomination.objects.filter(pk=nomination.pk).update(nominator_email="ada@example.org")
    Answer.objects.create(nomination=nomination, question=question, value={"name": "x", "role": "y", "email": "z"})
    token, token_hash = new_token()
    endorsement = Endorsement.objects.create(
        nomination=nomination,
        question=question,
        referee_name=hostile("referee-name"),
        referee_role=hostile("referee-role"),
        referee_email="jane@example.org",
        note=hostile("referee-note"),
        token_hash=token_hash,
        requested_at=timezone.now(),
    )
    endorsements.send_request(endorsement.pk, token)
    request = mail.outbox[-1]
    check_email(
        request,
        "award-title",
        "nominee-2",
        "nominator-2",
        "referee-name",
        where="statement request",
    )
    assert "\n" not in request.subject
    referee = Client()
    referee.get(reverse("nominations:statement_open", args=[token]))
    page = get(referee, reverse("nominations:statement"), "statement page").content.decode()
    check_html(
        page,
        "award-title",
        "nominee-2",
        "nominator-2",
        "referee-role",
        "referee-note",
        "referee-prompt",
        where="statement page",
    )
    response = referee.post(reverse("nominations:statement"), {"statement": hostile("referee-statement")})
    check_html(response.content.decode(), "nominee-2", where="statement received")
    # The judge reads it on the scoring page and in the reading pack.
    bob = world.people["bob"]
    client.force_login(bob)
    Scorecard.objects.filter(judge=bob, entry=entry).update(status="draft")
    page = get(client, reverse("judging:score", args=[world.stage.pk, entry.pk]), "score").content.decode()
    check_html(
        page, "referee-prompt", "referee-name", "referee-role", "referee-statement", where="scoring page statement"
    )
    assert "referee-note" not in page and "jane@example.org" not in page
    pack = get(client, reverse("judging:reading_pack", args=[world.stage.pk]), "reading pack").content
    check_text(pdf_text(pack), "referee-statement", where="reading pack statement")
