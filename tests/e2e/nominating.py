"""What a nominator does in the browser, shared by the nomination journeys."""

import re

from playwright.sync_api import expect

from awards.models import Award
from nominations.steps import form_steps
from tests.e2e.conftest import read_whole

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def link_from(message) -> str:
    """The path of the secret link in an email (the live server's address differs from SITE_URL)."""
    return re.search(r"https?://[^/\s]+(/n/\S+/)", message.body).group(1)


def words(n: int) -> str:
    return " ".join(["listened"] * n)


def fill_identity(page, *, kind="A person"):
    read_whole(page)
    if page.get_by_role("group", name="Are you nominating yourself?").count():
        page.get_by_role("group", name="Are you nominating yourself?").get_by_label("No").check()
    if page.get_by_role("group", name="Are you nominating a person or a team?").count():
        page.get_by_role("group", name="Are you nominating a person or a team?").get_by_label(kind).check()
    page.locator("#id_nominee_name").fill("Grace Hopper")
    page.locator("#id_nominee_job_title").fill("Ward manager")
    if page.locator("#id_nominee_organisation").count():
        page.locator("#id_nominee_organisation").fill("Northfield NHS Trust")
    page.locator("#id_nominee_email").fill("grace@northfield.example")
    page.locator("#id_nominator_name").fill("Ada Lovelace")
    page.locator("#id_nominator_relationship").fill("Her colleague on the ward")


def fill_questions(page, award: Award, *, skip=()):
    """Answer every question the page shows, as a person would, by its type."""
    read_whole(page)
    for section in award.sections.all():
        for question in section.questions.filter(active=True):
            if question.key in skip:
                continue
            field = page.locator(f"#id_q-{question.key}")
            group = page.locator(f"#group-id_q-{question.key}")
            if not group.is_visible():
                continue
            if question.type == "long_text":
                field.fill(words(min(question.max_words or 50, 40)))
            elif question.type in ("short_text", "phone"):
                field.fill("01632 960 001" if question.type == "phone" else "A short answer")
            elif question.type == "choice":
                if page.locator(f"#id_q-{question.key}_0").count():
                    page.locator(f"#id_q-{question.key}_0").check()
                else:
                    field.select_option(index=1)
            elif question.type == "multi_choice":
                for index in range(question.min_choices or 1):
                    page.locator(f"#id_q-{question.key}_{index}").check()
            elif question.type == "yes_no":
                page.locator(f"#id_q-{question.key}_0").check()
            elif question.type == "file" and question.required:
                field.set_input_files({"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})


def start_nomination(page, award_url: str, email: str = "ada@example.org"):
    """From the award's page to the nomination form: start, give an email address."""
    page.goto(award_url)
    page.get_by_role("button", name="Start a nomination").click()
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Start your nomination").click()


def reached(page, caption: str):
    """The step page with this caption, or the errors that kept the nominator where they were."""
    try:
        expect(page.locator(".nhsuk-caption-l")).to_contain_text(caption)
    except AssertionError as missed:
        summary = page.locator(".nhsuk-error-summary").all_inner_texts()
        raise AssertionError(f"not at {caption!r}; the page said: {summary or 'no errors'}") from missed


def answer_everything(page, award: Award):
    """From a new nomination's first page to check your answers: on one page, or step by step
    from the task list for an award in steps."""
    if award.stepped:
        count = len(form_steps(award))
        page.get_by_role("link", name="Who you are nominating, and you").click()
        fill_identity(page)
        page.get_by_role("button", name="Save and continue").click()
        for number in range(2, count + 1):
            reached(page, f"section {number} of {count}")
            fill_questions(page, award)
            page.get_by_role("button", name="Save and continue").click()
        expect(page.locator("#progress")).to_contain_text(f"You have completed {count} of {count}")
        page.get_by_role("link", name="Continue to check your answers").click()
    else:
        fill_identity(page)
        fill_questions(page, award)
        page.get_by_role("button", name="Continue to check your answers").click()


def nominate(page, award_url: str, award: Award, email: str = "ada@example.org"):
    """A whole nomination, answered as a person would, checked and submitted."""
    start_nomination(page, award_url, email)
    answer_everything(page, award)
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
