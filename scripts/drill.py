"""The shared-nothing drill's journey, against two running web processes (drill.sh starts them).

Usage: drill.py URL_A URL_B MAIL_DIR

A nominator starts a nomination on A and uploads evidence; carries on with it on B, where the
file is listed and downloads byte for byte, and submits it there; the worker sends the receipt.
The office brings the entry into judging (the same service functions its pages call); a judge
reads the evidence and scores the entry on A; the chair asks for the shortlist pack on B, the
worker builds it, and it is downloaded from A. Each step is checked; any failure exits non-zero.
"""

import io
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from awards.models import Award  # noqa: E402
from demo.management.commands.load_demo import DEMO_PASSWORD  # noqa: E402
from judging.assignments import stage_assign  # noqa: E402
from judging.conflicts import undeclared_nominations  # noqa: E402
from judging.entries import stage_sync_entries  # noqa: E402
from judging.models import ConflictDeclaration, Entry, Scorecard, ShortlistPack  # noqa: E402
from nominations.models import Answer, Nomination  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in_to_panels  # noqa: E402
from tests.e2e.nominating import fill_identity, fill_questions, start_nomination  # noqa: E402

SLUG = "excellence-in-patient-experience"
EVIDENCE = b"%PDF-1.4\n% drill evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = "drill@example.org"


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def wait_for(what: str, check, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    raise SystemExit(f"Not within {seconds:.0f} seconds: {what}")


def main(a: str, b: str, mail_dir: str) -> None:
    award = Award.objects.select_related("programme").get(slug=SLUG)
    evidence = award.sections.get(questions__type="file").questions.get(type="file")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # The nominator: one browser, one session, whichever process answers.
        page = browser.new_page()
        page.set_default_timeout(20_000)
        start_nomination(page, f"{a}/programmes/{award.programme.slug}/{SLUG}/", EMAIL)
        fill_identity(page)
        page.locator(f"#id_q-{evidence.key}").set_input_files(
            {"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}
        )
        page.get_by_role("button", name="Save and come back later").click()
        # A click does not wait for the post it sends: going on to B before A has answered would
        # cancel the upload in flight (CI once saw the file missing on B for that reason).
        expect(page.get_by_text("Your nomination was saved at").first).to_be_visible()
        nomination = Nomination.objects.get(nominator_email=EMAIL)
        print(f"A: started {nomination.reference} and uploaded evidence.pdf")

        edit = reverse("nominations:edit", args=[nomination.reference])
        page.goto(f"{b}{edit}")
        expect(page.get_by_text("evidence.pdf").first).to_be_visible()
        file_url = reverse("nominations:file", args=[nomination.reference, evidence.key])
        got = page.request.get(f"{b}{file_url}")
        assert got.status == 200 and got.body() == EVIDENCE, (got.status, got.body()[:40])
        fill_questions(page, award, skip={evidence.key})
        page.get_by_role("button", name="Continue to check your answers").click()
        page.get_by_role("button", name="Submit nomination").click()
        expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
        nomination.refresh_from_db()
        assert nomination.status == "submitted", nomination.status
        print(f"B: the evidence downloaded byte for byte; {nomination.reference} submitted")

        wait_for(
            "the worker sends the receipt",
            lambda: any(
                f"Nomination received: {nomination.reference}" in p.read_text(errors="replace")
                for p in Path(mail_dir).glob("*.log")
            ),
        )
        print("Worker: sent the receipt")

        # The nominee agrees to be considered, through the link the worker emailed them, on A.
        consent = wait_for(
            "the worker sends the nominee's consent request",
            lambda: next(
                (
                    m.group(1)
                    for p in Path(mail_dir).glob("*.log")
                    if (m := re.search(r"https?://[^/\s]+(/consent/[^/\s]+/)", p.read_text(errors="replace")))
                ),
                None,
            ),
        )
        nominee = browser.new_context().new_page()
        nominee.goto(f"{a}{consent}")
        nominee.get_by_label("Yes, I agree to be considered").check()
        nominee.get_by_role("button", name="Send my answer").click()
        expect(nominee.get_by_text("You agreed to be considered")).to_be_visible()
        nomination.refresh_from_db()
        assert nomination.consent_status == "confirmed", nomination.consent_status
        print("A: the nominee agreed to be considered")

        # The office brings the new entry into judging; the judge declares no conflict.
        stage = award.stages.get()
        stage_sync_entries(stage=stage)
        judge = stage.members.get(user__username="judge1").user
        ConflictDeclaration.objects.bulk_create(
            ConflictDeclaration(stage=stage, judge=judge, nomination=n, declared_at=timezone.now())
            for n in undeclared_nominations(stage, judge)
        )
        stage_assign(stage=stage)
        entry = Entry.objects.get(stage=stage, nomination=nomination)

        judging = browser.new_page()
        judging.set_default_timeout(20_000)
        sign_in_to_panels(judging, a, "judge1", DEMO_PASSWORD)
        letter = reverse("judging:evidence", args=[stage.pk, entry.pk, nomination.pk, evidence.key])
        got = judging.request.get(f"{a}{letter}")
        assert got.status == 200 and got.body() == EVIDENCE, got.status
        judging.goto(f"{a}{reverse('judging:score', args=[stage.pk, entry.pk])}")
        for criterion in stage.award.criteria.all():
            judging.locator(f"input[name='score-{criterion.key}']").last.check()
            comment = judging.locator(f"[name='comment-{criterion.key}']")
            if comment.count():
                comment.fill("Clear evidence of patients shaping the service.")
        judging.get_by_role("button", name="Submit scorecard").click()
        judging.locator("#confirm").click()
        expect(judging.get_by_text(f"Your scorecard for {entry.reference} is submitted.")).to_be_visible()
        card = Scorecard.objects.get(entry=entry, judge=judge)
        assert card.status == "submitted", card.status
        print(f"A: judge1 read the evidence and submitted a scorecard for {entry.reference}")

        chair = browser.new_context().new_page()
        chair.set_default_timeout(20_000)
        sign_in_to_panels(chair, b, "chair", DEMO_PASSWORD)
        chair.goto(f"{b}{reverse('judging:ranking', args=[stage.pk])}")
        chair.get_by_role("button", name="Make the shortlist pack (PDF)").click()
        expect(chair.get_by_role("heading", name="Shortlist pack")).to_be_visible()
        pack = ShortlistPack.objects.filter(stage=stage).latest("pk")
        pack = wait_for(
            "the worker builds the shortlist pack",
            lambda: ShortlistPack.objects.filter(pk=pack.pk, status__in=["done", "failed"]).first(),
            seconds=180,
        )
        assert pack.status == "done", pack.error
        got = chair.request.get(f"{a}{reverse('judging:shortlist_download', args=[stage.pk, pack.pk])}")
        assert got.status == 200 and got.body().startswith(b"%PDF-"), got.status
        assert entry.pk in pack.entry_ids and entry.reference in pdf_text(got.body()), "the entry is in the pack"
        print(f"B: the chair asked for a pack; the worker built it; A served it ({len(got.body()):,} bytes)")
        browser.close()

    answers = Answer.objects.filter(nomination=nomination)
    assert answers.exclude(file="").count() == 1, "the evidence is on the submitted nomination"
    print(f"Nothing lost: {nomination.reference} submitted with {answers.count()} answers, judged, in the pack")


if __name__ == "__main__":
    main(*sys.argv[1:4])
