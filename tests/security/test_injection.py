"""Injection: what nominators, judges and the office type is inert everywhere it goes: pages,
emails, CSV and XLSX, and PDFs. HTML and script, spreadsheet formulas, Markdown link tricks,
placeholders inside values, and PDF fetch payloads."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nominations.models import Answer, Nomination
from plaudit.templatetags.markdown import render_markdown
from results import decisions, exports, ranking

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


@pytest.fixture
def hostile(scored):
    nomination = scored.entries[0].nomination
    Nomination.objects.filter(pk=nomination.pk).update(nominee_name=SCRIPT, nominator_name="=1+1 {feedback}")
    Answer.objects.filter(nomination=nomination, question__key="story").update(value=SCRIPT + " =cmd|' /C calc'!A0")
    return scored


def test_pages_show_html_and_script_as_text(client, hostile):
    client.force_login(hostile.people["bob"])
    for url in (
        reverse("judging:score", args=[hostile.stage.pk, hostile.entries[0].pk]),
        reverse("judging:queue", args=[hostile.stage.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        assert "onerror=alert(1)>" not in page
    client.force_login(hostile.people["chidi"])
    for url in (
        reverse("judging:ranking", args=[hostile.stage.pk]),
        reverse("judging:explain", args=[hostile.stage.pk, hostile.entries[0].pk]),
        reverse("judging:assignments", args=[hostile.stage.pk]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page


@pytest.mark.parametrize(
    "text, bad",
    [
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("<a href='javascript:alert(1)'>x</a>", "javascript:"),
        ('<img src="https://evil.example/t.png">', "<img"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ('[x](https://ok.example "title" onclick="alert(1)")', ' onclick="'),  # only ever inside a quoted title
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_markdown_link_tricks_are_stripped(text, bad):
    assert bad not in render_markdown(text)


def test_outcome_emails_do_not_expand_placeholders_inside_values(hostile, django_capture_on_commit_callbacks):
    stage, chair, now = hostile.stage, hostile.people["chidi"], timezone.now()
    decisions.decisions_record(stage=stage, entries=hostile.entries[:1], outcome="winner", reason="", by=chair, now=now)
    decisions.decisions_apply(stage=stage, entries=hostile.entries, by=chair, now=now)
    template = decisions.outcome_template(stage, "winner")
    template.include_feedback = True
    template.body = "Dear {nominator}, {nominee} won. {feedback}"
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(stage=stage, outcome="winner", entries=stage.entries.all(), by=chair, now=now)
    body = mail.outbox[0].body
    assert "Dear =1+1 {feedback}," in body  # the value's braces stay as typed, not expanded
    assert mail.outbox[0].content_subtype == "plain"  # text email: HTML in it is never rendered


def test_spreadsheets_neutralise_formulas(hostile):
    from plaudit.spreadsheets import neutralise

    for payload in FORMULAS:
        assert neutralise(payload).startswith("'")
    Nomination.objects.filter(pk=hostile.entries[1].nomination_id).update(nominee_name=FORMULAS[0])
    stage_results = ranking.stage_results(hostile.stage, hostile.people["root"])
    rows = list(csv.reader(io.StringIO(exports.export(stage_results, "ranking", "csv")[0].decode("utf-8-sig"))))
    names = [row[2] for row in rows[1:]]
    assert all(not name.startswith(("=", "+", "-", "@")) for name in names)
    sheet = load_workbook(io.BytesIO(exports.export(stage_results, "ranking", "xlsx")[0])).active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


def test_the_nominations_export_neutralises_answers(admin_client, hostile):
    award = hostile.stage.award
    content = admin_client.get(f"/admin/nominations/nomination/export/?award={award.pk}&format=csv").content
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell[1:].replace(".", "").isdigit(), cell


def test_pdfs_show_payloads_as_text_and_fetch_nothing(hostile, monkeypatch):
    from pypdf import PdfReader

    from plaudit import pdf
    from results import shortlist

    fetched = []
    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", lambda self, url, headers=None: fetched.append(url))
    content = shortlist.shortlist_pdf(ranking.stage_results(hostile.stage, hostile.people["root"]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "<script>alert" in text and fetched == []
